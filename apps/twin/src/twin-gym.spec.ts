// The Python Gymnasium wrapper (clients/python/omega_twin_gym, on the omega.v1 stubs generated
// from the same proto) against the running twin service over real gRPC: Gymnasium's own
// check_env passes, seeds replay, masks agree, and a masked action is refused by name.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunningService } from '@omega/service';
import { twinGymPython, withNats } from '@omega/testkit';
import { fixtureGraphSource } from './testing/fixture-graph';
import { startTwin } from './testing/start-twin';
import type { TwinServiceConfig } from './twin-service';

const root = join(__dirname, '..', '..', '..');
const nats = withNats({ jetstream: true });
let running: RunningService<TwinServiceConfig>;
let python: string;

beforeAll(async () => {
  python = twinGymPython();
  running = await startTwin(
    nats.url,
    { OMEGA_TWIN_KUBERNETES_ENABLED: 'false' },
    fixtureGraphSource(),
  );
}, 600_000);

nats.beforeStop(async () => {
  await running?.service.shutdown('test done');
});

/** Runs a Python script with the wrapper importable (async: the service answers in this process). */
async function runPython(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], {
      env: { ...process.env, PYTHONPATH: join(root, 'clients', 'python') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code}: ${stderr}`)),
    );
  });
}

describe('omega_twin_gym.TwinDefenderEnv', () => {
  it.each(['lateral-to-secrets', 'nasim-tiny'])(
    'passes check_env and plays %s over gRPC',
    async (scenario) => {
      const out = await runPython(join(__dirname, 'testing', 'twin_gym_check.py'), [
        `127.0.0.1:${running.grpcPort}`,
        scenario,
      ]);
      const seen = JSON.parse(out) as Record<string, unknown>;
      expect(seen).toMatchObject({
        check_env: 'passed',
        observation_dtype: 'float32',
        in_space: true,
        mask_matches_info: true,
        same_seed_same_episode: true,
        other_seed_other_episode: true,
      });
      expect(seen['noop_mode_reports']).toEqual(expect.any(Number));
      const [code, details] = seen['raise_mode'] as [string, string];
      expect(code).toBe('INVALID_ARGUMENT');
      expect(details).toMatch(
        /^action: [A-Z_]+ .* is not allowed now \(action_mask\[\d+\] is false\)$/,
      );
    },
    120_000,
  );

  it('runs the training example the docs show, and it reports both defenders', async () => {
    const out = await runPython(
      join(root, 'clients', 'python', 'omega_twin_gym', 'examples', 'train_defender.py'),
      ['--address', `127.0.0.1:${running.grpcPort}`, '--episodes', '20', '--eval-episodes', '5'],
    );
    const report = JSON.parse(out) as Record<string, number>;
    expect(report['episodes']).toBe(20);
    expect(Number.isFinite(report['trained_mean_reward'])).toBe(true);
    expect(Number.isFinite(report['random_mean_reward'])).toBe(true);
  }, 300_000);
});
