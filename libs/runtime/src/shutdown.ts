// Graceful shutdown: stop taking new work and let in-flight work finish, run drain hooks newest
// first, then close what is left, all within one deadline; past it, force and say what did not finish.
import { performance } from 'node:perf_hooks';
import { Code, OmegaError, errorMessage } from './errors';
import type { Logger } from './logger';

/** A drain hook; the signal aborts when the deadline passes and the hook is no longer awaited. */
export type DrainHook = (signal: AbortSignal) => Promise<void>;

export interface ShutdownStep {
  name: string;
  run: DrainHook;
}

export interface ShutdownOutcome {
  reason: string;
  /** True when every step finished in time without failing. */
  clean: boolean;
  /** 0 when clean, 1 when forced or a step failed. */
  exitCode: 0 | 1;
  durationMs: number;
  /** Steps still running or never started when the deadline passed. */
  unfinished: string[];
  failed: { step: string; error: string }[];
}

export interface GracefulShutdownOptions {
  deadlineMs: number;
  logger: Logger;
  /** Runs first, synchronously: mark not ready, tell long-lived handlers to wrap up. */
  beforeStop?: (reason: string) => void;
  /** Stop accepting and wait for in-flight work (gRPC tryShutdown). Run before the drain hooks. */
  stopAccepting?: ShutdownStep[];
  /** Run after the drain hooks (close the metrics server, flush traces). */
  closeLast?: ShutdownStep[];
  /** Called once the deadline passes with steps unfinished: cancel calls, drop connections. */
  force?: () => void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export class GracefulShutdown {
  private readonly hooks: ShutdownStep[] = [];
  private running: Promise<ShutdownOutcome> | undefined;
  private removeSignalHandlers: (() => void) | undefined;
  private markFinished: (outcome: ShutdownOutcome) => void = () => {};
  /** Resolves when a shutdown, however started, has finished. */
  readonly finished: Promise<ShutdownOutcome>;

  constructor(private readonly opts: GracefulShutdownOptions) {
    this.finished = new Promise((resolve) => (this.markFinished = resolve));
  }

  /** Registers a drain hook; hooks run in reverse registration order (last set up, first torn down). */
  onShutdown(name: string, hook: DrainHook): void {
    if (this.running) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `shutdown: cannot add drain hook ${name}: already shutting down`,
      );
    }
    this.hooks.push({ name, run: hook });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Shuts down once; later calls return the same outcome. Never rejects. */
  shutdown(reason: string): Promise<ShutdownOutcome> {
    this.running ??= this.run(reason).then((outcome) => {
      this.removeSignalHandlers?.();
      this.markFinished(outcome);
      return outcome;
    });
    return this.running;
  }

  /**
   * SIGTERM or SIGINT starts the shutdown and exits with its code; a second signal exits at once
   * with 1. Returns a function that removes the handlers.
   */
  installSignalHandlers(exit: (code: number) => void = (code) => process.exit(code)): () => void {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        this.opts.logger.warn({ signal }, 'second signal during shutdown; exiting now');
        exit(1);
        return;
      }
      void this.shutdown(signal).then((outcome) => {
        // An asynchronous log destination may still hold the last lines; wait for it, briefly.
        let exiting = false;
        const exitNow = () => {
          if (exiting) return;
          exiting = true;
          exit(outcome.exitCode);
        };
        setTimeout(exitNow, 1_000).unref();
        this.opts.logger.flush(exitNow);
      });
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    const remove = () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    };
    this.removeSignalHandlers = remove;
    return remove;
  }

  private async run(reason: string): Promise<ShutdownOutcome> {
    const { logger, deadlineMs } = this.opts;
    const startedAt = performance.now();
    logger.info({ reason, deadlineMs }, 'shutdown started');

    const steps = [
      ...(this.opts.stopAccepting ?? []),
      ...[...this.hooks].reverse(),
      ...(this.opts.closeLast ?? []),
    ];
    const done = new Set<number>();
    const failed: ShutdownOutcome['failed'] = [];
    const deadline = new AbortController();

    const work = async () => {
      try {
        this.opts.beforeStop?.(reason);
      } catch (err) {
        failed.push({ step: 'before stop', error: errorMessage(err) });
        logger.error({ err }, `shutdown: preparing to stop failed: ${errorMessage(err)}`);
      }
      for (const [index, step] of steps.entries()) {
        if (deadline.signal.aborted) return;
        const stepStartedAt = performance.now();
        try {
          await step.run(deadline.signal);
          if (deadline.signal.aborted) return;
          logger.info(
            { step: step.name, durationMs: elapsedMs(stepStartedAt) },
            'drain step finished',
          );
        } catch (err) {
          failed.push({ step: step.name, error: errorMessage(err) });
          logger.error(
            { err, step: step.name },
            `drain step ${step.name} failed: ${errorMessage(err)}`,
          );
        }
        done.add(index);
      }
    };

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => {
      timer = setTimeout(() => resolve(true), deadlineMs);
    });
    const forced = await Promise.race([work().then(() => false), timedOut]);
    clearTimeout(timer);

    const unfinished = forced
      ? steps.filter((_, index) => !done.has(index)).map((step) => step.name)
      : [];
    if (forced) {
      deadline.abort(
        new OmegaError(Code.DeadlineExceeded, `shutdown deadline of ${deadlineMs} ms passed`),
      );
      logger.error(
        { reason, deadlineMs, unfinished },
        `shutdown deadline of ${deadlineMs} ms passed; forcing. Did not finish: ${unfinished.join(', ')}`,
      );
      try {
        this.opts.force?.();
      } catch (err) {
        failed.push({ step: 'force', error: errorMessage(err) });
        logger.error({ err }, `forcing shutdown failed: ${errorMessage(err)}`);
      }
    }

    const clean = !forced && failed.length === 0;
    const outcome: ShutdownOutcome = {
      reason,
      clean,
      exitCode: clean ? 0 : 1,
      durationMs: elapsedMs(startedAt),
      unfinished,
      failed,
    };
    if (clean) logger.info({ reason, durationMs: outcome.durationMs }, 'shutdown complete');
    else
      logger.error(
        { reason, durationMs: outcome.durationMs, unfinished, failed },
        'shutdown finished unclean',
      );
    return outcome;
  }
}

function elapsedMs(since: number): number {
  return Math.round(performance.now() - since);
}
