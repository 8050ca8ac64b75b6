// The exports checked by their consumers' own rules: the OpenGraph payload against BloodHound's
// published ingest JSON schemas (transcribed in testing/opengraph-schema) with ajv, and the DOT
// text by the real Graphviz `dot`, which must parse it and lay out every vertex and edge.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { GraphEdgeKind, GraphNodeKind, IpProtocol } from '@omega/proto';
import { AttackGraph } from './attack-graph';
import { toDot } from './dot-export';
import { toOpenGraph, type ExportGraph } from './opengraph-export';

const schemaDir = join(__dirname, 'testing', 'opengraph-schema');
const schema = (name: string) =>
  JSON.parse(readFileSync(join(schemaDir, `${name}.json`), 'utf8')) as object;

/** The upload payload: metadata, then graph.nodes and graph.edges, each item its own schema. */
const payloadSchema = {
  type: 'object',
  properties: {
    metadata: { $ref: 'metadata.json' },
    graph: {
      type: 'object',
      properties: {
        nodes: { type: 'array', items: { $ref: 'node.json' } },
        edges: { type: 'array', items: { $ref: 'edge.json' } },
      },
      required: ['nodes', 'edges'],
    },
  },
  required: ['graph'],
};

const graph = AttackGraph.build([
  { kind: 'Node', metadata: { name: 'n1' } },
  {
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'app.kubernetes.io/part-of': 'Shop' } },
  },
  { kind: 'ServiceAccount', metadata: { name: 'reporter', namespace: 'shop' } },
  {
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop', labels: { 'omega.io/crown-jewel': 'true' } },
  },
  {
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: 'c',
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: { privileged: true },
        },
      ],
    },
  },
  {
    kind: 'Pod',
    metadata: { name: 'report', namespace: 'shop' },
    spec: { nodeName: 'n1', serviceAccountName: 'reporter', containers: [{ name: 'c' }] },
  },
  {
    kind: 'Role',
    metadata: { name: 'read', namespace: 'shop' },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  },
  {
    kind: 'RoleBinding',
    metadata: { name: 'read', namespace: 'shop' },
    roleRef: { kind: 'Role', name: 'read' },
    subjects: [
      { kind: 'ServiceAccount', name: 'reporter' },
      { kind: 'Group', name: 'auditors' },
    ],
  },
]);

const observed = {
  id: 'pod/shop/web->pod/shop/report:OBSERVED:5432/IP_PROTOCOL_TCP',
  fromNodeId: 'pod/shop/web',
  toNodeId: 'pod/shop/report',
  kind: GraphEdgeKind.GRAPH_EDGE_KIND_NETWORK_OBSERVED,
  port: 5432,
  protocol: IpProtocol.IP_PROTOCOL_TCP,
  lastObservedTimeNs: 1_800_000_000_000_000_000n,
  observedCount: 7n,
  exploitability: 0,
  sourceObject: 'TELEMETRY',
  attackKind: '',
  techniqueId: '',
  attackMeaning: '',
};

const whole: ExportGraph = { nodes: graph.vertices(), edges: [...graph.edges(), observed] };

describe('BloodHound OpenGraph export', () => {
  const payload = toOpenGraph(whole);

  it('is valid against BloodHound’s ingest schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const name of ['metadata', 'node', 'edge']) ajv.addSchema(schema(name), `${name}.json`);
    const validate = ajv.compile(payloadSchema);
    expect(validate(JSON.parse(JSON.stringify(payload)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('keeps the documented rules: at most 3 kinds, lowercase property names', () => {
    for (const node of payload.graph.nodes) {
      expect(node.kinds.length).toBeLessThanOrEqual(3);
      for (const key of Object.keys(node.properties)) expect(key).toMatch(/^[a-z0-9_]+$/);
    }
    for (const edge of payload.graph.edges) {
      for (const key of Object.keys(edge.properties)) expect(key).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it('carries every vertex and edge, attacks with their technique and evidence', () => {
    expect(payload.metadata).toEqual({ source_kind: 'OmegaTwin' });
    expect(payload.graph.nodes.length).toBe(whole.nodes.length);
    expect(payload.graph.edges.length).toBe(whole.edges.length);
    expect(payload.graph.nodes.find((n) => n.id === 'group/auditors')?.kinds).toEqual([
      'K8sGroup',
      'OmegaTwin',
    ]);
    expect(payload.graph.nodes.find((n) => n.id === 'namespace/shop')?.properties.labels).toEqual([
      'app.kubernetes.io/part-of=Shop',
    ]);
    const escape = payload.graph.edges.find(
      (e) => e.start.value === 'pod/shop/web' && e.kind === 'CE_PRIV_MOUNT',
    );
    expect(escape).toMatchObject({
      end: { match_by: 'id', value: 'node/n1' },
      properties: {
        technique_id: 'T1611',
        evidence: 'pod/shop/web (privileged)',
        edge_kind: 'SCHEDULED_ON',
      },
    });
    const flow = payload.graph.edges.find((e) => e.kind === 'NETWORK_OBSERVED');
    expect(flow?.properties).toMatchObject({
      port: 5432,
      protocol: 'TCP',
      observed_count: 7,
      last_observed: '2027-01-15T08:00:00.000Z',
    });
  });
});

describe('Graphviz DOT export', () => {
  function layout(dot: string): { objects?: { name: string }[]; edges?: object[] } {
    const run = spawnSync('dot', ['-Tjson'], { input: dot, encoding: 'utf8' });
    if (run.error)
      throw new Error(`Graphviz dot is needed (apt-get install graphviz): ${run.error.message}`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return JSON.parse(run.stdout) as { objects?: { name: string }[]; edges?: object[] };
  }

  it('is read by dot, every vertex and edge laid out', () => {
    const result = layout(toDot(whole));
    expect(result.objects?.map((o) => o.name).sort()).toEqual(whole.nodes.map((n) => n.id).sort());
    expect(result.edges?.length).toBe(whole.edges.length);
  });

  it('escapes quotes, backslashes and line breaks in names', () => {
    const odd = 'decoy/shop/we"ird\\na\nme';
    const result = layout(
      toDot({
        nodes: [
          {
            id: odd,
            kind: GraphNodeKind.GRAPH_NODE_KIND_DECOY,
            name: 'we"ird',
            namespace: 'shop',
            labels: {},
            attributes: {},
            criticality: 0.2,
            alerted: true,
          },
        ],
        edges: [],
      }),
    );
    // DOT keeps a backslash pair as two characters in a name: the id stays one node, unbroken.
    expect(result.objects?.map((o) => o.name)).toEqual(['decoy/shop/we"ird\\\\na\\nme']);
  });
});
