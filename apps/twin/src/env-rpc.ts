// TwinService's RL environment RPCs (ResetEnv, StepEnv, CloseEnv): episodes of @omega/twin-env
// played over a snapshot of the current graph, kept in memory under random ids, bounded in number
// and evicted after an idle time.
import { randomBytes } from 'node:crypto';
import type { AttackGraph } from '@omega/attack-graph';
import type { TwinServiceService } from '@omega/proto';
import { Code, OmegaError, type ServiceHandlers } from '@omega/runtime';
import { DefenderEnv, ENV_LIMITS, clip } from '@omega/twin-env';
import { z } from 'zod';

/** The `twin.env` settings: how many episodes may be open at once and how long one may sit idle. */
export const envConfigSchema = z
  .strictObject({
    maxEnvs: z.coerce.number().int().min(1).max(ENV_LIMITS.maxEnvs).default(16),
    idleTtlMs: z.coerce.number().int().min(1_000).max(86_400_000).default(600_000),
  })
  .prefault({});

export type EnvConfig = z.output<typeof envConfigSchema>;

/** Where episodes get their board: the graph as it is now (the service wires the live one). */
export interface GraphSource {
  current(): AttackGraph;
}

export interface EnvHandlerOptions extends EnvConfig {
  /** Milliseconds now; Date.now unless a spec steps time itself. */
  readonly now?: () => number;
}

type EnvMethods = 'resetEnv' | 'stepEnv' | 'closeEnv';

interface OpenEnv {
  env: DefenderEnv;
  lastUsedMs: number;
}

const ENV_ID = /^env-[0-9a-f]{32}$/;

function notFound(envId: string): OmegaError {
  return new OmegaError(
    Code.NotFound,
    `env_id: no environment '${envId}' (closed, never opened, or idle past twin.env.idleTtlMs)`,
  );
}

export function envHandlers(
  source: GraphSource,
  options: EnvHandlerOptions,
): Pick<ServiceHandlers<typeof TwinServiceService>, EnvMethods> {
  const now = options.now ?? Date.now;
  const open = new Map<string, OpenEnv>();

  const evictIdle = (): void => {
    const cutoff = now() - options.idleTtlMs;
    for (const [id, entry] of open) if (entry.lastUsedMs < cutoff) open.delete(id);
  };

  const lookup = (envId: string): OpenEnv => {
    evictIdle();
    const entry = ENV_ID.test(envId) ? open.get(envId) : undefined;
    if (entry === undefined) throw notFound(clip(envId));
    entry.lastUsedMs = now();
    return entry;
  };

  return {
    resetEnv(request) {
      if (request.snapshotId !== '') {
        throw new OmegaError(
          Code.NotFound,
          `snapshot_id: snapshot '${clip(request.snapshotId)}' is not kept; leave it empty to play on the current graph`,
        );
      }
      const envId = request.envId === '' ? `env-${randomBytes(16).toString('hex')}` : request.envId;
      if (request.envId !== '') lookup(request.envId);
      else {
        evictIdle();
        if (open.size >= options.maxEnvs) {
          throw new OmegaError(
            Code.ResourceExhausted,
            `${open.size} environments are open, the most twin.env.maxEnvs allows: close one with CloseEnv`,
          );
        }
      }
      const env = DefenderEnv.reset({
        scenario: request.scenario === '' ? 'lateral-to-secrets' : request.scenario,
        seed: request.seed,
        maxSteps: request.maxSteps,
        graph: () => source.current(),
      });
      open.set(envId, { env, lastUsedMs: now() });
      return { envId, spec: env.spec, observation: env.observation(), info: env.resetInfo };
    },

    stepEnv(request) {
      const { env } = lookup(request.envId);
      if (request.action === undefined)
        throw new OmegaError(Code.InvalidArgument, 'action: required');
      const step = env.step(request.action);
      return {
        observation: step.observation,
        reward: step.reward,
        terminated: step.terminated,
        truncated: step.truncated,
        info: step.info,
      };
    },

    closeEnv(request) {
      lookup(request.envId);
      open.delete(request.envId);
      return {};
    },
  };
}
