// The twin commands against built services (trust, twin and the gateway of a local stack, secure
// by default, no Kubernetes): `omega twin graph` in JSON, Graphviz DOT (laid out by the real `dot`)
// and BloodHound OpenGraph; `omega twin paths` with nothing to attack; a bad node kind is a usage
// error naming it.
import { spawnSync } from 'node:child_process';
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
});
