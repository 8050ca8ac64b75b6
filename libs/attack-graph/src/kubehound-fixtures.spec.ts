// KubeHound's per-attack fixture manifests (transcribed under testing/kubehound-attacks/, source and
// commit in each file's first line): each yields its edge, and the benign ones none. Expectations
// are written from KubeHound's attack reference (docs/reference/attacks/*.md), not from this code.
// The fixtures run on KubeHound's kind cluster: pods land on a node (kind-worker here, set as the
// scheduler would), namespaces default and vault exist with their default service accounts, and,
// as on clusters before 1.24, the default account has a token secret (TOKEN_* fixtures read it).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AttackGraph } from './attack-graph';
import type { Edge } from './graph-model';

const DIR = join(__dirname, 'testing', 'kubehound-attacks');

const BASE: unknown[] = [
  { kind: 'Node', metadata: { name: 'kind-worker' } },
  ...['default', 'vault'].flatMap((ns) => [
    { kind: 'Namespace', metadata: { name: ns } },
    { kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } },
  ]),
  {
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name: 'default-token',
      namespace: 'default',
      annotations: { 'kubernetes.io/service-account.name': 'default' },
    },
  },
];

function fixture(...names: string[]): unknown[] {
  return names.flatMap((name) =>
    parseAllDocuments(readFileSync(join(DIR, `${name}.yaml`), 'utf8'))
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .filter((o): o is Record<string, unknown> => o !== null)
      .map((o) =>
        o.kind === 'Pod' ? { ...o, spec: { ...(o.spec as object), nodeName: 'kind-worker' } } : o,
      ),
  );
}

function attackEdges(...names: string[]): Edge[] {
  return AttackGraph.build([...BASE, ...fixture(...names)], { defaultNamespace: 'default' })
    .edges()
    .filter((e) => e.attack !== undefined);
}

const triple = (e: Edge) => `${e.fromNodeId} ${e.attack} ${e.toNodeId}`;
const from = (edges: Edge[], id: string) => edges.filter((e) => e.fromNodeId === id).map(triple);

it('transcribes every fixture of KubeHound test/setup/test-cluster/attacks at one commit', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
  expect(files).toHaveLength(24);
  for (const f of files) {
    expect(readFileSync(join(DIR, f), 'utf8')).toMatch(
      /^# Transcribed from github\.com\/DataDog\/KubeHound test\/setup\/test-cluster\/attacks\/\S+\.yaml at commit 53da187ac341dcbc6c4e1c96a5da516d041d1000/,
    );
  }
});

describe.each([
  // fixture, pod, the attacks from the pod to kind-worker (all of them: nothing more may appear)
  ['CE_MODULE_LOAD', 'modload-pod', ['CE_MODULE_LOAD']],
  ['CE_NSENTER', 'nsenter-pod', ['CE_MODULE_LOAD', 'CE_NSENTER', 'CE_PRIV_MOUNT']],
  ['CE_PRIV_MOUNT', 'priv-pod', ['CE_MODULE_LOAD', 'CE_PRIV_MOUNT']],
  ['CE_SYS_PTRACE', 'sys-ptrace-pod', ['CE_SYS_ADMIN', 'CE_SYS_PTRACE']],
  ['CE_UMH_CORE_PATTERN', 'umh-core-pod', ['CE_UMH_CORE_PATTERN']],
  ['CE_NET_MITM', 'netadmin-pod', ['CE_HOST_NETWORK', 'CE_NET_MITM']],
  ['EXPLOIT_HOST_WRITE', 'host-write-exploit-pod', ['EXPLOIT_HOST_WRITE']],
  ['EXPLOIT_HOST_READ_TRAVERSE', 'host-read-exploit-pod', ['EXPLOIT_HOST_READ']],
  ['ENDPOINT_EXPLOIT', 'endpoints-pod', ['CE_MODULE_LOAD', 'CE_NSENTER', 'CE_PRIV_MOUNT']],
  ['CONTROL_POD', 'control-pod', []],
  ['SHARE_PS_NAMESPACE', 'sharedps-pod1', []],
])('%s', (name, pod, escapes) => {
  it(`yields ${escapes.length > 0 ? escapes.join(', ') : 'no escape'} from ${pod} to its node`, () => {
    const edges = attackEdges(name);
    const toNode = edges
      .filter((e) => e.fromNodeId === `pod/default/${pod}` && e.toNodeId === 'node/kind-worker')
      .map((e) => e.attack)
      .sort();
    expect(toNode).toEqual(escapes);
    for (const e of edges.filter((x) => escapes.includes(x.attack!))) {
      expect(e.techniqueId).toBe(e.attack === 'CE_NET_MITM' ? 'T1557' : 'T1611');
    }
  });
});

it('CONTROL_POD: nothing but the token every pod carries, and that account can do nothing', () => {
  const edges = attackEdges('CONTROL_POD');
  expect(from(edges, 'pod/default/control-pod')).toEqual([
    'pod/default/control-pod TOKEN_STEAL serviceaccount/default/default',
  ]);
  expect(from(edges, 'serviceaccount/default/default')).toEqual([]);
});

it('SHARE_PS_NAMESPACE: no edge at pod granularity (the attack is between containers), the fact kept', () => {
  const graph = AttackGraph.build([...BASE, ...fixture('SHARE_PS_NAMESPACE')], {
    defaultNamespace: 'default',
  });
  expect(graph.vertex('pod/default/sharedps-pod1')?.attributes.share_process_namespace).toBe(
    'true',
  );
  expect(graph.vertex('pod/default/sharedps-pod2')?.attributes.share_process_namespace).toBe(
    'true',
  );
});

it('ENDPOINT_EXPLOIT: the hostPort reaches the pod from outside; the ClusterIP Service does not', () => {
  const edges = attackEdges('ENDPOINT_EXPLOIT');
  const exposed = edges.filter((e) => e.attack === 'ENDPOINT_EXPLOIT');
  expect(exposed.map((e) => [e.fromNodeId, e.toNodeId, e.sourceObject, e.techniqueId])).toEqual([
    [
      'external',
      'pod/default/endpoints-pod',
      'pod/default/endpoints-pod port 1112 (hostPort)',
      'T1190',
    ],
  ]);
});

it('EXPLOIT_HOST_READ_TRAVERSE: the kubelet pod directory gives every token on the node', () => {
  const edges = attackEdges('EXPLOIT_HOST_READ_TRAVERSE');
  expect(from(edges, 'pod/default/host-read-exploit-pod')).toEqual(
    expect.arrayContaining([
      'pod/default/host-read-exploit-pod EXPLOIT_HOST_TRAVERSE serviceaccount/default/default',
      'pod/default/host-read-exploit-pod EXPLOIT_HOST_READ node/kind-worker',
    ]),
  );
});

it('CE_VAR_LOG_SYMLINK: the account that reads pod logs reaches the node through the /var/log mount', () => {
  const edges = attackEdges('CE_VAR_LOG_SYMLINK');
  expect(from(edges, 'serviceaccount/default/varlog-sa')).toEqual([
    'serviceaccount/default/varlog-sa CE_VAR_LOG_SYMLINK node/kind-worker',
  ]);
  const e = edges.find((x) => x.fromNodeId === 'serviceaccount/default/varlog-sa')!;
  expect(e.sourceObject).toBe(
    'rolebinding/default/pod-read-logs (role/default/read-logs) → pod/default/varlog-pod',
  );
});

it.each([
  ['POD_CREATE', 'pod-create-sa', 'POD_CREATE', 'serviceaccount/default/default', 'T1610'],
  ['POD_EXEC', 'pod-exec-sa', 'POD_EXEC', 'pod/default/pod-exec-pod', 'T1609'],
  ['POD_PATCH', 'pod-patch-sa', 'POD_PATCH', 'pod/default/pod-patch-pod', 'T1609'],
  ['TOKEN_BRUTEFORCE', 'tokenget-sa', 'SECRET_READ', 'secret/default/default-token', 'T1552.007'],
  ['TOKEN_LIST', 'tokenlist-sa', 'SECRET_READ', 'secret/default/default-token', 'T1552.007'],
])('%s: %s has %s to %s (%s)', (name, account, attack, target, technique) => {
  const edges = attackEdges(name);
  const sa = `serviceaccount/default/${account}`;
  const edge = edges.find(
    (e) => e.fromNodeId === sa && e.attack === attack && e.toNodeId === target,
  );
  expect(edge?.techniqueId).toBe(technique);
  expect(edge?.sourceObject).toMatch(/^rolebinding\/default\//);
});

it('TOKEN_LIST: the token secret read leads to the account whose token it holds', () => {
  const edges = attackEdges('TOKEN_LIST');
  expect(from(edges, 'secret/default/default-token')).toEqual([
    'secret/default/default-token SA_TOKEN_SECRET serviceaccount/default/default',
  ]);
});

it('IDENTITY_ASSUME: a node acts as system:nodes, which the fixture binds', () => {
  const edges = attackEdges('IDENTITY_ASSUME');
  expect(from(edges, 'node/kind-worker')).toContain(
    'node/kind-worker IDENTITY_ASSUME group/system:nodes',
  );
});

it('IDENTITY_IMPERSONATE: a Role cannot grant impersonation of users or groups (cluster-scoped), so no edge', () => {
  // KubeHound's reference marks this attack's coverage "None"; the RBAC authorizer never applies a
  // RoleBinding's rules to a request without a namespace, and impersonating a user has none.
  // (A namespace's admin vertex may impersonate its accounts: that is what admin of it means.)
  const edges = attackEdges('IDENTITY_IMPERSONATE');
  expect(from(edges, 'serviceaccount/default/impersonate-sa')).toEqual([]);
  expect(edges.filter((e) => e.attack === 'IDENTITY_IMPERSONATE').map((e) => e.fromNodeId)).toEqual(
    ['namespace/default', 'namespace/default', 'namespace/vault'],
  );
});

describe('ROLE_BIND (with ROLE_BIND_ALL loaded, as KubeHound loads every fixture together)', () => {
  const edges = attackEdges(
    'ROLE_BIND_ALL',
    'ROLE_BIND_CRB_CR',
    'ROLE_BIND_RB_CR-SA',
    'ROLE_BIND_RB_R-SA',
    'ROLE_BIND_RB_R-UG',
  );
  const binds = (id: string) =>
    edges.filter((e) => e.fromNodeId === id && e.attack === 'ROLE_BIND').map((e) => e.toNodeId);

  it.each([
    // who, what it can bind (a namespace = any ClusterRole bound there, i.e. its admin)
    ['serviceaccount/default/rolebind-sa-crb-cr-crb-cr', 'clusterrole/rolebind-crb-cr-rb-cr'],
    ['serviceaccount/default/rolebind-sa-crb-cr-rb-cr', 'namespace/vault'],
    ['serviceaccount/default/rolebind-sa-crb-cr-rb-cr', 'namespace/default'],
    ['serviceaccount/default/rolebind-sa-crb-cr-rb-r', 'role/vault/admin'],
    ['serviceaccount/default/rolebind-sa-rb-cr-rb-cr', 'namespace/default'],
    ['serviceaccount/default/rolebind-sa-rb-cr-rb-r', 'role/default/admin'],
    ['serviceaccount/default/rolebind-sa-rb-r-rb-r', 'role/default/admin'],
    ['serviceaccount/default/rolebind-sa-rb-r-rb-crb', 'namespace/default'],
    ['group/group-rb-r-rb-r', 'role/default/admin'],
    ['user/user-rb-r-rb-r', 'role/default/admin'],
    ['user/user-rb-r-rb-crb', 'namespace/default'],
  ])('%s can bind %s', (who, target) => {
    expect(binds(who)).toContain(target);
    expect(edges.find((e) => e.fromNodeId === who && e.toNodeId === target)?.techniqueId).toBe(
      'T1098.006',
    );
  });

  it.each([
    'serviceaccount/default/rolebind-sa-crb-cr-crb-r-fail',
    'serviceaccount/default/rolebind-sa-rb-cr-crb-cr-fail',
    'serviceaccount/default/rolebind-sa-rb-r-crb-cr-fail',
    'group/group-rb-r-crb-cr-fail',
    'user/user-rb-r-crb-cr-fail',
  ])('%s (a "fail" case) can bind nothing', (who) => {
    expect(binds(who)).toEqual([]);
  });

  it('a RoleBinding grants in its namespace only: the rb-* accounts bind nothing in vault', () => {
    for (const who of [
      'rolebind-sa-rb-cr-rb-r',
      'rolebind-sa-rb-r-rb-r',
      'rolebind-sa-rb-r-rb-crb',
    ]) {
      expect(binds(`serviceaccount/default/${who}`).filter((t) => t.includes('vault'))).toEqual([]);
    }
  });
});

it('ROLE_BIND_ALL alone (the roles other fixtures bind): no attack from its pod but its token', () => {
  const edges = attackEdges('ROLE_BIND_ALL');
  expect(
    edges.filter((e) => /^(pod|serviceaccount|user|group)\//.test(e.fromNodeId)).map(triple),
  ).toEqual(['pod/vault/vault-pod TOKEN_STEAL serviceaccount/vault/default']);
});
