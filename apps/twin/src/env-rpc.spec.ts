// ResetEnv, StepEnv and CloseEnv over real gRPC on the running twin service (real nats-server),
// playing on a synthetic cluster's graph: seeded episodes replay, errors name what they refuse,
// open environments are bounded and idle ones evicted.
import { Metadata, status } from '@grpc/grpc-js';
import { DefenderActionKind, TwinServiceClient, TwinServiceService } from '@omega/proto';
import { createPromiseClient, type CallContext, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import { envHandlers } from './env-rpc';
import { fixtureGraphSource } from './testing/fixture-graph';
import { startTwin } from './testing/start-twin';
import type { TwinServiceConfig } from './twin-service';

const nats = withNats({ jetstream: true });
let running: RunningService<TwinServiceConfig>;
let twin: PromiseClient<typeof TwinServiceService>;
const NOOP = { kind: DefenderActionKind.DEFENDER_ACTION_KIND_NOOP, targetNodeId: '', edgeId: '' };

beforeAll(async () => {
  running = await startTwin(
    nats.url,
    { OMEGA_TWIN_KUBERNETES_ENABLED: 'false' },
    fixtureGraphSource(),
  );
  twin = createPromiseClient(TwinServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  twin?.grpcClient.close();
  await running?.service.shutdown('test done');
});

/** The gRPC status and details a call was refused with (the promise client keeps them as cause). */
async function rejection(call: Promise<unknown>): Promise<{ code: number; details: string }> {
  const err = await call.then(
    () => undefined,
    (e: Error) => e.cause as { code: number; details: string },
  );
  if (err === undefined) throw new Error('the call succeeded');
  return { code: err.code, details: err.details };
}

async function episode(seed: bigint): Promise<string[]> {
  const reset = await twin.resetEnv({
    envId: '',
    seed,
    scenario: 'lateral-to-secrets',
    snapshotId: '',
    maxSteps: 40,
  });
  const lines: string[] = [];
  for (;;) {
    const step = await twin.stepEnv({ envId: reset.envId, action: NOOP });
    lines.push(`${step.reward} ${step.observation!.features.join('')} ${step.info['outcome']}`);
    if (step.terminated || step.truncated) break;
  }
  await twin.closeEnv({ envId: reset.envId });
  return lines;
}

describe('TwinService RL environment over gRPC', () => {
  it('opens an environment under a random id with the spec, first observation and mask', async () => {
    const reset = await twin.resetEnv({
      envId: '',
      seed: 1n,
      scenario: '',
      snapshotId: '',
      maxSteps: 0,
    });
    expect(reset.envId).toMatch(/^env-[0-9a-f]{32}$/);
    expect(reset.spec!.nodeIds).toContain('pod/team-0/web');
    expect(reset.spec!.maxSteps).toBe(200);
    expect(reset.observation!.features).toHaveLength(reset.spec!.featureCount);
    expect(reset.observation!.actionMask[0]).toBe(true);
    expect(reset.info['scenario']).toBe('lateral-to-secrets');
    await twin.closeEnv({ envId: reset.envId });
  });

  it('replays a seeded episode step for step', async () => {
    expect(await episode(11n)).toEqual(await episode(11n));
  });

  it('answers NOT_FOUND naming an unknown or closed env id', async () => {
    expect(await rejection(twin.stepEnv({ envId: 'env-0123', action: NOOP }))).toEqual({
      code: status.NOT_FOUND,
      details:
        "env_id: no environment 'env-0123' (closed, never opened, or idle past twin.env.idleTtlMs)",
    });
    const reset = await twin.resetEnv({
      envId: '',
      seed: 2n,
      scenario: 'nasim-tiny',
      snapshotId: '',
      maxSteps: 0,
    });
    await twin.closeEnv({ envId: reset.envId });
    expect((await rejection(twin.stepEnv({ envId: reset.envId, action: NOOP }))).code).toBe(
      status.NOT_FOUND,
    );
  });

  it('answers INVALID_ARGUMENT naming an action the mask forbids, an unknown scenario, a missing action', async () => {
    const reset = await twin.resetEnv({
      envId: '',
      seed: 3n,
      scenario: '',
      snapshotId: '',
      maxSteps: 0,
    });
    const restore = {
      kind: DefenderActionKind.DEFENDER_ACTION_KIND_RESTORE,
      targetNodeId: 'pod/team-0/web',
      edgeId: '',
    };
    const refused = await rejection(twin.stepEnv({ envId: reset.envId, action: restore }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(
      /^action: RESTORE pod\/team-0\/web is not allowed now \(action_mask\[\d+\] is false\)$/,
    );
    expect(await rejection(twin.stepEnv({ envId: reset.envId }))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'action: required',
    });
    expect(
      (
        await rejection(
          twin.resetEnv({ envId: '', seed: 0n, scenario: 'wat', snapshotId: '', maxSteps: 0 }),
        )
      ).details,
    ).toBe("scenario: unknown scenario 'wat' (known: lateral-to-secrets, nasim-tiny)");
    await twin.closeEnv({ envId: reset.envId });
  });

  it('refuses a new environment past twin.env.maxEnvs, and makes room once one closes', async () => {
    const max = running.service.config.twin.env.maxEnvs;
    const ids: string[] = [];
    for (let i = 0; i < max; i += 1) {
      ids.push(
        (
          await twin.resetEnv({
            envId: '',
            seed: BigInt(i),
            scenario: 'nasim-tiny',
            snapshotId: '',
            maxSteps: 0,
          })
        ).envId,
      );
    }
    const full = await rejection(
      twin.resetEnv({ envId: '', seed: 0n, scenario: 'nasim-tiny', snapshotId: '', maxSteps: 0 }),
    );
    expect(full).toEqual({
      code: status.RESOURCE_EXHAUSTED,
      details: `${max} environments are open, the most twin.env.maxEnvs allows: close one with CloseEnv`,
    });
    await twin.closeEnv({ envId: ids.pop()! });
    ids.push(
      (
        await twin.resetEnv({
          envId: '',
          seed: 0n,
          scenario: 'nasim-tiny',
          snapshotId: '',
          maxSteps: 0,
        })
      ).envId,
    );
    for (const envId of ids) await twin.closeEnv({ envId });
  });
});

describe('envHandlers idle eviction', () => {
  it('forgets an environment idle past idleTtlMs, and keeps one in use', async () => {
    let nowMs = 0;
    const handlers = envHandlers(fixtureGraphSource(1, 1), {
      maxEnvs: 2,
      idleTtlMs: 1_000,
      now: () => nowMs,
    });
    const ctx = { metadata: new Metadata() } as CallContext;
    const reset = (seed: bigint) =>
      handlers.resetEnv!(
        { envId: '', seed, scenario: 'nasim-tiny', snapshotId: '', maxSteps: 0 },
        ctx,
      );
    const idle = (await reset(1n)).envId;
    const busy = (await reset(2n)).envId;
    nowMs = 900;
    await handlers.stepEnv!({ envId: busy, action: NOOP }, ctx);
    nowMs = 1_500;
    await handlers.stepEnv!({ envId: busy, action: NOOP }, ctx);
    await expect(
      Promise.resolve().then(() => handlers.stepEnv!({ envId: idle, action: NOOP }, ctx)),
    ).rejects.toThrow(`no environment '${idle}'`);
    // The evicted one freed its place under maxEnvs.
    expect((await reset(3n)).envId).toMatch(/^env-/);
  });
});
