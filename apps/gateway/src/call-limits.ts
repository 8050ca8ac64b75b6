// Per-principal limits on forwarded calls: a token bucket of calls per second and a cap on open
// streams, so that one caller flooding the gateway is answered RESOURCE_EXHAUSTED (with when to
// retry) while every other caller keeps being served. Pure: the clock is passed in.
import { Code, OmegaError } from '@omega/runtime';

export interface CallLimitSettings {
  /** Calls each principal may start per second, on average. */
  readonly callsPerSecond: number;
  /** Calls a principal may start at once after being idle (the bucket's size). */
  readonly burst: number;
  /** Server streams (StreamAlerts, WatchWorkflow) one principal may hold open at once. */
  readonly maxStreams: number;
}

/** RESOURCE_EXHAUSTED with when to retry, which the gateway also sends as grpc-retry-pushback-ms. */
export class OverLimit extends OmegaError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(Code.ResourceExhausted, message);
  }
}

/** Principals tracked at once; past it the least recently seen is forgotten (its bucket refills). */
const MAX_PRINCIPALS = 10_000;

interface PrincipalState {
  tokens: number;
  updatedMs: number;
  openStreams: number;
}

export class CallLimits {
  private readonly principals = new Map<string, PrincipalState>();

  constructor(private readonly settings: CallLimitSettings) {}

  /**
   * Takes one call from `principal`'s bucket, or throws RESOURCE_EXHAUSTED saying when to retry.
   * `settings` overrides the defaults for this principal (its role's limits).
   */
  admitCall(
    principal: string,
    method: string,
    nowMs: number,
    settings: CallLimitSettings = this.settings,
  ): void {
    const state = this.stateOf(principal, nowMs, settings);
    const { callsPerSecond, burst } = settings;
    state.tokens = Math.min(
      burst,
      state.tokens + ((nowMs - state.updatedMs) / 1000) * callsPerSecond,
    );
    state.updatedMs = nowMs;
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return;
    }
    const retryMs = Math.ceil(((1 - state.tokens) / callsPerSecond) * 1000);
    throw new OverLimit(
      `${method}: ${principal} is over its limit of ${callsPerSecond} calls/s (burst ${burst}); retry in ${retryMs} ms`,
      retryMs,
    );
  }

  /** Counts a stream `principal` opens; the returned function closes it (once). */
  openStream(
    principal: string,
    method: string,
    nowMs: number,
    settings: CallLimitSettings = this.settings,
  ): () => void {
    const state = this.stateOf(principal, nowMs, settings);
    if (state.openStreams >= settings.maxStreams) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `${method}: ${principal} has ${state.openStreams} streams open, its limit; close one and retry`,
      );
    }
    state.openStreams += 1;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      state.openStreams -= 1;
    };
  }

  private stateOf(principal: string, nowMs: number, settings: CallLimitSettings): PrincipalState {
    let state = this.principals.get(principal);
    if (state === undefined) {
      state = { tokens: settings.burst, updatedMs: nowMs, openStreams: 0 };
      if (this.principals.size >= MAX_PRINCIPALS) this.forgetOldestIdle();
    } else {
      this.principals.delete(principal);
    }
    // Map order is recency: the first entries are the least recently seen.
    this.principals.set(principal, state);
    return state;
  }

  private forgetOldestIdle(): void {
    for (const [principal, state] of this.principals) {
      // A principal with streams open keeps its count, or closing them would go negative.
      if (state.openStreams === 0) {
        this.principals.delete(principal);
        return;
      }
    }
  }
}
