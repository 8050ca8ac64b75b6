// ML-DSA signing with liboqs on a worker thread, for a process whose event loop is its bottleneck
// (trust signs a checkpoint per audit batch: ~1 ms of WebAssembly each, off the loop that serves
// gRPC). The worker holds one secret key and signs one message at a time, in order.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Code, OmegaError } from '@omega/runtime';
import { MlDsaChecks, type MlDsaParameterSet } from './ml-dsa-backend';

const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

/** The worker script: plain JavaScript beside src/ and dist/, so specs and builds share it. */
const THREAD_SCRIPT = join(__dirname, '..', 'threads', 'ml-dsa-sign.mjs');

type Reply =
  | { readonly ready: true }
  | { readonly id: number; readonly signature: Uint8Array }
  | { readonly id: number; readonly error: string };

interface Waiting {
  resolve(signature: Uint8Array): void;
  reject(err: unknown): void;
}

/** One worker and the signatures it owes. */
interface Thread {
  readonly worker: Worker;
  readonly waiting: Map<number, Waiting>;
  /** Cleared when the worker fails or exits: nothing posted to it would be answered. */
  alive: boolean;
  /** Retires this worker: fails what it owes with `reason`; the next sign starts another. */
  retire(reason: string): void;
}

/**
 * Signs as LiboqsMlDsa.sign does (FIPS 204, hedged, empty context), on a worker thread. A worker
 * that dies fails the signatures it held with the reason; the next `sign` starts a new one.
 */
export class MlDsaSignThread {
  readonly #parameterSet: MlDsaParameterSet;
  readonly #secretKey: Uint8Array;
  readonly #script: string;
  readonly #answerTimeoutMs: number;
  #thread: Promise<Thread> | undefined;
  #nextId = 0;
  #closed = false;

  private constructor(
    parameterSet: MlDsaParameterSet,
    secretKey: Uint8Array,
    script: string,
    answerTimeoutMs: number,
  ) {
    this.#parameterSet = parameterSet;
    this.#secretKey = secretKey;
    this.#script = script;
    this.#answerTimeoutMs = answerTimeoutMs;
  }

  /**
   * Starts the worker and waits until liboqs is loaded in it. A worker not ready, or a signature
   * not answered, within `answerTimeoutMs` (default 10 s; a signature takes about 1 ms) fails, and
   * the stuck worker is replaced.
   * `script` replaces the worker script (specs use one that dies or hangs on demand).
   */
  static async start(
    secretKey: Uint8Array,
    options: { parameterSet?: MlDsaParameterSet; script?: string; answerTimeoutMs?: number } = {},
  ): Promise<MlDsaSignThread> {
    const parameterSet = options.parameterSet ?? 'ML-DSA-65';
    new MlDsaChecks(parameterSet).secretKey(secretKey);
    const signer = new MlDsaSignThread(
      parameterSet,
      Uint8Array.from(secretKey),
      options.script ?? THREAD_SCRIPT,
      options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS,
    );
    await signer.#current();
    return signer;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const closed = () =>
      new OmegaError(Code.Unavailable, `${this.#label}: signing thread is closed`);
    if (this.#closed) throw closed();
    let thread = await this.#current();
    // The worker may have died (or been closed) while this call waited for it.
    while (!thread.alive || this.#closed) {
      if (this.#closed) throw closed();
      thread = await this.#current();
    }
    const id = this.#nextId++;
    const answered = thread;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A worker that does not answer would hold every later checkpoint: replace it.
        answered.retire(`did not answer in ${this.#answerTimeoutMs} ms; restarting it`);
        void answered.worker.terminate();
      }, this.#answerTimeoutMs);
      timer.unref();
      answered.waiting.set(id, {
        resolve: (signature) => {
          clearTimeout(timer);
          resolve(signature);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      // A copy of exactly the message: posting a view would copy its whole backing buffer.
      answered.worker.postMessage({ id, message: Uint8Array.from(message) });
    });
  }

  /** Stops the worker; signatures still in flight fail with Unavailable. */
  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#thread;
    this.#thread = undefined;
    const thread = await current?.catch(() => undefined);
    if (!thread) return;
    await thread.worker.terminate();
    failAll(thread, new OmegaError(Code.Unavailable, `${this.#label}: signing thread closed`));
  }

  get #label(): string {
    return `${this.#parameterSet.toLowerCase()} via liboqs`;
  }

  #current(): Promise<Thread> {
    this.#thread ??= this.#spawn();
    return this.#thread;
  }

  #spawn(): Promise<Thread> {
    const spawned: Promise<Thread> = new Promise<Thread>((resolve, reject) => {
      const thread: Thread = {
        worker: new Worker(this.#script, {
          workerData: { parameterSet: this.#parameterSet, secretKey: this.#secretKey },
        }),
        waiting: new Map(),
        alive: true,
        retire: (reason) => {
          const err = new OmegaError(Code.Unavailable, `${this.#label}: signing thread ${reason}`);
          thread.alive = false;
          if (this.#thread === spawned) this.#thread = undefined;
          reject(err);
          failAll(thread, err);
        },
      };
      // The thread never keeps its process alive; a service closes it on shutdown.
      thread.worker.unref();
      const starting = setTimeout(() => {
        thread.retire(`did not start in ${this.#answerTimeoutMs} ms`);
        void thread.worker.terminate();
      }, this.#answerTimeoutMs);
      starting.unref();
      thread.worker.on('message', (reply: Reply) => {
        if ('ready' in reply) {
          clearTimeout(starting);
          return resolve(thread);
        }
        const waiting = thread.waiting.get(reply.id);
        if (!waiting) return;
        thread.waiting.delete(reply.id);
        if ('error' in reply) {
          waiting.reject(new OmegaError(Code.Internal, `${this.#label}: ${reply.error}`));
        } else {
          waiting.resolve(reply.signature);
        }
      });
      thread.worker.on('error', (err) => thread.retire(`failed: ${err.message}`));
      thread.worker.on('exit', (code) => {
        clearTimeout(starting);
        if (!this.#closed && thread.alive) thread.retire(`exited with code ${code}`);
      });
    });
    return spawned;
  }
}

function failAll(thread: Thread, err: OmegaError): void {
  const waiting = [...thread.waiting.values()];
  thread.waiting.clear();
  for (const each of waiting) each.reject(err);
}
