// Input validation: manifests parse straight in, and anything malformed or out of bounds is refused
// with InvalidArgument naming the object and the field.
import { Code, OmegaError } from '@omega/errors';
import { clusterFromManifests, NAMESPACE_NAME_LABEL, parseCluster } from './cluster';

const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const pod = (namespace: string, name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'main', ports: [{ containerPort: 8080, name: 'http' }] }] },
  ...extra,
});
const policy = (spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'x' },
  spec,
});

function refusal(manifests: unknown[]): OmegaError {
  try {
    clusterFromManifests(manifests);
  } catch (err) {
    if (err instanceof OmegaError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('cluster parsing', () => {
  it('sets the automatic kubernetes.io/metadata.name label on every namespace, over any given value', () => {
    const cluster = parseCluster({
      namespaces: [ns('x', { [NAMESPACE_NAME_LABEL]: 'forged', team: 'a' })],
    });
    expect(cluster.namespaces.get('x')).toEqual({ [NAMESPACE_NAME_LABEL]: 'x', team: 'a' });
  });

  it('opens kind: List and takes defaults from the API (container port protocol TCP, pod IPs from podIP and podIPs)', () => {
    const cluster = clusterFromManifests([
      {
        kind: 'List',
        items: [
          ns('x'),
          pod('x', 'a', {
            status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
          }),
        ],
      },
    ]);
    expect(cluster.pods[0]).toMatchObject({
      id: 'x/a',
      hostNetwork: false,
      namedPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(cluster.pods[0]!.ips.map(String)).toEqual(['10.0.0.1', 'fd00::1']);
  });

  it.each([
    [
      'an endPort below its port',
      [ns('x'), policy({ podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] })],
      'NetworkPolicy x/p: spec.ingress[0].ports[0].endPort: must be at least port 90',
    ],
    [
      'an endPort on a named port',
      [ns('x'), policy({ podSelector: {}, egress: [{ ports: [{ port: 'http', endPort: 80 }] }] })],
      'NetworkPolicy x/p: spec.egress[0].ports[0].endPort: needs a numeric port',
    ],
    [
      'an ipBlock beside a selector',
      [
        ns('x'),
        policy({
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
        }),
      ],
      'NetworkPolicy x/p: spec.ingress[0].from[0]: ipBlock may not be combined with podSelector or namespaceSelector',
    ],
    [
      'an except outside its cidr',
      [
        ns('x'),
        policy({
          podSelector: {},
          ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }],
        }),
      ],
      'NetworkPolicy x/p: spec.ingress[0].from[0].ipBlock.except[0]: 10.1.0.0/24 must be strictly within cidr 10.0.0.0/16',
    ],
    [
      'a CIDR that is not one',
      [
        ns('x'),
        policy({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }),
      ],
      'NetworkPolicy x/p: spec.egress[0].to[0].ipBlock.cidr: must be a CIDR such as 10.0.0.0/8 or fd00::/64',
    ],
    [
      'an unknown protocol',
      [ns('x'), policy({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] })],
      'NetworkPolicy x/p: spec.ingress[0].ports[0].protocol',
    ],
    [
      'In without values',
      [ns('x'), policy({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })],
      'NetworkPolicy x/p: spec.podSelector.matchExpressions[0].values: operator In needs at least one value',
    ],
    [
      'a pod in a namespace not given',
      [ns('x'), pod('y', 'a')],
      "Pod y/a: metadata.namespace: namespace 'y' is not among the namespaces given",
    ],
    [
      'a pod given twice',
      [ns('x'), pod('x', 'a'), pod('x', 'a')],
      'Pod x/a: metadata.name: given twice',
    ],
    [
      'a pod IP that is not one',
      [ns('x'), pod('x', 'a', { status: { podIP: '10.0.0.300' } })],
      'Pod x/a: status.podIP: must be an IPv4 or IPv6 address',
    ],
    [
      'an admin policy peer with two kinds',
      [
        {
          kind: 'AdminNetworkPolicy',
          metadata: { name: 'a' },
          spec: {
            priority: 1,
            subject: { namespaces: {} },
            ingress: [
              {
                action: 'Deny',
                from: [{ namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } }],
              },
            ],
          },
        },
      ],
      'AdminNetworkPolicy a: spec.ingress[0].from[0]: needs exactly one of namespaces, pods (has namespaces, pods)',
    ],
    [
      'an admin priority past 1000',
      [
        {
          kind: 'AdminNetworkPolicy',
          metadata: { name: 'a' },
          spec: { priority: 1001, subject: { namespaces: {} } },
        },
      ],
      'AdminNetworkPolicy a: spec.priority',
    ],
    [
      'Pass in a baseline policy',
      [
        {
          kind: 'BaselineAdminNetworkPolicy',
          metadata: { name: 'default' },
          spec: {
            subject: { namespaces: {} },
            egress: [{ action: 'Pass', to: [{ namespaces: {} }] }],
          },
        },
      ],
      'BaselineAdminNetworkPolicy default: spec.egress[0].action',
    ],
    [
      'an unknown kind',
      [{ kind: 'Deployment', metadata: { name: 'd' } }],
      'manifest[0]: kind "Deployment" is not one reachability depends on',
    ],
  ])('refuses %s, naming object and field', (_what, manifests, message) => {
    const err = refusal(manifests);
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toContain(message);
  });

  it('refuses a second BaselineAdminNetworkPolicy', () => {
    const banp = (name: string) => ({
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name },
      spec: { subject: { namespaces: {} } },
    });
    expect(refusal([banp('default'), banp('other')]).message).toBe(
      "BaselineAdminNetworkPolicy: a cluster has at most one (named 'default'); got default, other",
    );
  });
});
