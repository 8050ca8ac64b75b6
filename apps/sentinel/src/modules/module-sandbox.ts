// One running instance of a module: a worker thread with a capped WebAssembly.Memory and capped JS
// heap, fed batches of events, and a watchdog that terminates the worker when one event runs past
// its time budget. A trap, an overrun or a worker crash ends this instance, never the sentinel.
import { Worker } from 'node:worker_threads';
import { Code, OmegaError } from '@omega/runtime';
import {
  moduleWorkerSource,
  type ModuleBatch,
  type ModuleWorkerData,
  type ModuleWorkerReply,
} from './module-worker';

export interface SandboxLimits {
  /** Wall time one event may take before the instance is terminated. */
  eventBudgetMs: number;
  /** Maximum of the module's WebAssembly.Memory, in 64 KiB pages. */
  memoryMaxPages: number;
  /** Time the module may take to instantiate. */
  startTimeoutMs: number;
}

export type FaultReason = 'time-budget' | 'trap' | 'crash';

export class ModuleFault extends Error {
  constructor(
    readonly reason: FaultReason,
    message: string,
  ) {
    super(message);
  }
}

export interface BatchResult {
  verdicts: { index: number; verdict: Uint8Array }[];
  decodeFailures: number;
  elapsedNs: number;
  logs: string[];
}

type Pending = { resolve(result: BatchResult): void; reject(err: Error): void };

export class ModuleSandbox {
  private readonly worker: Worker;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private pending: Pending | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private dead: ModuleFault | undefined;

  private constructor(
    readonly name: string,
    private readonly limits: SandboxLimits,
    wasm: Uint8Array,
    memoryMinPages: number,
  ) {
    const workerData: ModuleWorkerData = {
      name,
      wasm,
      memoryMinPages,
      memoryMaxPages: limits.memoryMaxPages,
      progress: this.progress.buffer as SharedArrayBuffer,
      maxLogLinesPerBatch: 16,
    };
    this.worker = new Worker(moduleWorkerSource, {
      eval: true,
      workerData,
      // the module's own memory is capped by memoryMaxPages; this caps the worker's JS around it
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8, stackSizeMb: 2 },
      stdout: false,
      stderr: false,
      env: {},
    });
    this.worker.unref();
  }

  /** Starts an instance; resolves when it is ready for events, rejects when it was refused. */
  static async start(
    name: string,
    wasm: Uint8Array,
    memoryMinPages: number,
    limits: SandboxLimits,
  ): Promise<ModuleSandbox> {
    const sandbox = new ModuleSandbox(name, limits, wasm, memoryMinPages);
    await sandbox.ready();
    return sandbox;
  }

  private ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.worker.terminate();
        reject(
          new OmegaError(
            Code.DeadlineExceeded,
            `module ${this.name}: not ready within ${this.limits.startTimeoutMs} ms`,
          ),
        );
      }, this.limits.startTimeoutMs);
      const onExit = (): void => {
        clearTimeout(timer);
        reject(new OmegaError(Code.Internal, `module ${this.name}: worker exited while starting`));
      };
      this.worker.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new OmegaError(Code.Internal, `module ${this.name}: ${err.message}`, { cause: err }),
        );
      });
      this.worker.once('exit', onExit);
      this.worker.once('message', (reply: ModuleWorkerReply) => {
        clearTimeout(timer);
        this.worker.off('exit', onExit);
        if (reply.type === 'ready') {
          this.listen();
          resolve();
          return;
        }
        void this.worker.terminate();
        const reason = reply.type === 'refused' ? reply.message : `unexpected ${reply.type}`;
        reject(new OmegaError(Code.FailedPrecondition, `module ${this.name}: ${reason}`));
      });
    });
  }

  private listen(): void {
    this.worker.removeAllListeners('error');
    this.worker.on('message', (reply: ModuleWorkerReply) => {
      if (reply.type === 'done') this.settle(undefined, reply);
      else if (reply.type === 'trap') {
        const memory = `memory ${reply.memoryBytes} bytes`;
        const message = `trapped on event ${reply.index} (${memory}): ${reply.message}`;
        this.kill(new ModuleFault('trap', message));
      }
    });
    this.worker.on('error', (err) => this.kill(new ModuleFault('crash', err.message)));
    this.worker.on('exit', (code) =>
      this.kill(new ModuleFault('crash', `worker exited (${code})`)),
    );
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Runs the module over one batch; rejects with a ModuleFault when the instance died doing it. */
  run(batch: ModuleBatch): Promise<BatchResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) {
      return Promise.reject(new OmegaError(Code.Internal, `module ${this.name}: batch in flight`));
    }
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending = { resolve, reject };
      let seen = Atomics.load(this.progress, 0);
      let progressAt = performance.now();
      const tickMs = Math.max(1, Math.floor(this.limits.eventBudgetMs / 4));
      // the watchdog: terminate when no event finished for a whole budget (by the clock, so a
      // late tick on a busy event loop never stretches the budget)
      this.watchdog = setInterval(() => {
        const done = Atomics.load(this.progress, 0);
        const now = performance.now();
        if (done !== seen) {
          seen = done;
          progressAt = now;
        } else if (now - progressAt >= this.limits.eventBudgetMs) {
          this.kill(
            new ModuleFault(
              'time-budget',
              `an event ran past the ${this.limits.eventBudgetMs} ms budget (no progress for ${Math.round(now - progressAt)} ms)`,
            ),
          );
        }
      }, tickMs);
      this.worker.postMessage(batch, [batch.bytes.buffer as ArrayBuffer]);
    });
  }

  private settle(fault: ModuleFault | undefined, result?: BatchResult): void {
    clearInterval(this.watchdog);
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (fault) pending.reject(fault);
    else pending.resolve(result!);
  }

  /** Ends the instance; a batch in flight rejects with `fault`. */
  kill(fault: ModuleFault): void {
    if (this.dead) return;
    this.dead = fault;
    this.settle(fault);
    void this.worker.terminate();
  }

  async close(): Promise<void> {
    this.kill(new ModuleFault('crash', 'closed'));
    await this.worker.terminate();
  }
}
