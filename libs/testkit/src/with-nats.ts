// Jest helper: one nats-server per test file, started in beforeAll and stopped in afterAll.
import { Code, OmegaError } from '@omega/runtime';
import { startNatsServer, type NatsServer, type NatsServerOptions } from './nats-server';

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/** What `withNats()` hands the test file; `server` and `url` are valid inside tests and hooks. */
export interface NatsFixture {
  readonly server: NatsServer;
  readonly url: string;
  /**
   * Runs `fn` in afterAll before the server stops (last registered first), e.g. to drain a
   * connection; jest runs afterAll hooks in declaration order, so the file's own would run late.
   */
  beforeStop(fn: () => Promise<void> | void): void;
}

/**
 * Registers beforeAll/afterAll hooks that start and stop a nats-server for the calling test file:
 *
 *     const nats = withNats();
 *     let nc: NatsConnection;
 *     beforeAll(async () => {
 *       nc = await connect({ servers: nats.url });
 *       nats.beforeStop(() => nc.drain());
 *     });
 *
 * Call it at the top level of a test file (or a describe block), where jest's hooks exist.
 */
export function withNats(options: NatsServerOptions = {}, startTimeoutMs = 30_000): NatsFixture {
  const hooks = globalThis as unknown as { beforeAll?: Hook; afterAll?: Hook };
  if (typeof hooks.beforeAll !== 'function' || typeof hooks.afterAll !== 'function') {
    throw new OmegaError(
      Code.FailedPrecondition,
      'withNats() needs jest globals (beforeAll/afterAll); call it at the top level of a test file',
    );
  }
  let started: NatsServer | undefined;
  const beforeStop: Array<() => Promise<void> | void> = [];
  hooks.beforeAll(async () => {
    started = await startNatsServer(options);
  }, startTimeoutMs);
  hooks.afterAll(async () => {
    try {
      for (const fn of beforeStop.splice(0).reverse()) await fn();
    } finally {
      await started?.stop();
    }
  }, startTimeoutMs);
  const current = (): NatsServer => {
    if (!started) {
      throw new OmegaError(
        Code.FailedPrecondition,
        'withNats(): the server is not started yet; use it inside tests or hooks, not at load time',
      );
    }
    return started;
  };
  return {
    get server() {
      return current();
    },
    get url() {
      return current().url;
    },
    beforeStop(fn) {
      beforeStop.push(fn);
    },
  };
}
