// The twin commands against built services (trust, twin and the gateway of a local stack, secure
// by default, no Kubernetes): `omega twin graph` in JSON, Graphviz DOT (laid out by the real `dot`)
// and BloodHound OpenGraph; `omega twin paths` with nothing to attack; `omega twin whatif` on an
// empty cluster; a bad node kind, a missing change, an unknown pod and a bad policy are errors
// naming them.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferedIo } from './cli-io';
import { runCli } from './cli-program';
import { startSpecStack, type SpecStack } from './testing/spec-stack';

jest.setTimeout(180_000);

let running: SpecStack;

beforeAll(async () => {
  running = await startSpecStack(['trust', 'twin', 'gateway'], { prefix: 'omega-twin-cli-' });
}, 240_000);

afterAll(async () => {
  await running?.stop();
});

async function omega(args: string[]) {
  const io = bufferedIo({
    env: { ...process.env, OMEGA_CONFIG: join(running.dataDir, 'no-such-config'), OMEGA_TOKEN: '' },
  });
  const address = `127.0.0.1:${running.stack.portsOf('gateway').grpcPort}`;
  const code = await runCli([...args, '--address', address, '--data-dir', running.dataDir], io);
  return { code, lines: io.lines, errors: io.errors };
}

describe('omega twin', () => {
  it('prints the graph as JSON with its snapshot id', async () => {
    const run = await omega(['twin', 'graph', '-o', 'json']);
    expect(run).toMatchObject({ code: 0, errors: [] });
    const answer = JSON.parse(run.lines.join('\n')) as {
      graph: { nodes: { id: string; kind: string }[]; snapshotId: string };
    };
    expect(answer.graph.nodes).toEqual([
      expect.objectContaining({ id: 'external', kind: 'GRAPH_NODE_KIND_EXTERNAL' }),
    ]);
    expect(answer.graph.snapshotId).not.toBe('');
  });

  it('prints Graphviz DOT that dot lays out', async () => {
    const run = await omega(['twin', 'graph', '-o', 'dot']);
    expect(run).toMatchObject({ code: 0, errors: [] });
    const dot = spawnSync('dot', ['-Tjson'], { input: run.lines.join('\n'), encoding: 'utf8' });
    expect(dot.status).toBe(0);
    const layout = JSON.parse(dot.stdout) as { objects: { name: string }[] };
    expect(layout.objects.map((o) => o.name)).toEqual(['external']);
  });

  it('prints a BloodHound OpenGraph payload', async () => {
    const run = await omega(['twin', 'graph', '-o', 'opengraph']);
    expect(run).toMatchObject({ code: 0, errors: [] });
    expect(JSON.parse(run.lines.join('\n'))).toEqual({
      metadata: { source_kind: 'OmegaTwin' },
      graph: {
        nodes: [
          {
            id: 'external',
            kinds: ['K8sExternal', 'OmegaTwin'],
            properties: {
              objectid: 'external',
              name: 'external',
              displayname: 'external',
              criticality: 0,
              alerted: false,
            },
          },
        ],
        edges: [],
      },
    });
  });

  it('finds no attack path in an empty cluster, and says so', async () => {
    const run = await omega(['twin', 'paths']);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatch(/^snapshot \S+: 0 paths$/);
  });

  it('refuses an unknown node kind, naming it', async () => {
    const run = await omega(['twin', 'graph', '--kind', 'deployment']);
    expect(run.code).not.toBe(0);
    expect(run.errors.join('\n')).toContain("--kind: 'deployment' is not a node kind");
  });

  it('weighs a change that closes nothing in an empty cluster, and says so', async () => {
    const run = await omega(['twin', 'whatif', '--block', '0.0.0.0/0']);
    expect(run).toMatchObject({ code: 0, errors: [] });
    expect(run.lines).toEqual([
      'risk 0.000 -> 0.000: 0 paths closed, 0 left, 0 observed flows broken',
    ]);
    const dot = await omega(['twin', 'whatif', '--block', '0.0.0.0/0', '-o', 'dot']);
    expect(dot).toMatchObject({ code: 0, errors: [] });
    const layout = spawnSync('dot', ['-Tjson'], { input: dot.lines.join('\n'), encoding: 'utf8' });
    expect(layout.status).toBe(0);
    expect(JSON.parse(layout.stdout)).toMatchObject({ name: 'remaining_paths' });
    const json = await omega(['twin', 'whatif', '--block', '0.0.0.0/0', '-o', 'json']);
    // proto3 JSON leaves zero values out: no paths, no broken flows, risk 0 before and after.
    expect(JSON.parse(json.lines.join('\n'))).toEqual({});
  });

  it('refuses a whatif without a change, for a pod the twin does not know, and a bad policy', async () => {
    const none = await omega(['twin', 'whatif']);
    expect(none.code).not.toBe(0);
    expect(none.errors.join('\n')).toContain('no change given: use --isolate');
    const unknown = await omega(['twin', 'whatif', '--isolate', 'shop/web']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.errors.join('\n')).toContain("'pod/shop/web' is not a pod of the graph");
    const file = join(running.dataDir, 'bad-policy.yaml');
    writeFileSync(
      file,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: shop}\nspec: {podSelector: 5}\n',
    );
    const bad = await omega(['twin', 'whatif', '--apply-policy', file]);
    expect(bad.code).not.toBe(0);
    expect(bad.errors.join('\n')).toContain('changes[0].manifestYaml');
    expect(bad.errors.join('\n')).toContain('podSelector');
  });

  it('assesses exposure in an empty cluster: no targets, and the runs and seed it used', async () => {
    const run = await omega(['twin', 'exposure', '--iterations', '50', '--seed', '3']);
    expect(run).toMatchObject({ code: 0, errors: [] });
    expect(run.lines).toEqual([
      expect.stringMatching(/^snapshot \S+: 0 targets, 50 runs, seed 3$/),
    ]);
    const tooMany = await omega(['twin', 'exposure', '--iterations', '100001']);
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.errors.join('\n')).toContain(
      'AssessExposure: iterations: 100001 is more than 100000',
    );
  });
});
