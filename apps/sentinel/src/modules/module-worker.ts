// The code a module's worker thread runs: instantiates the module with the ABI's imports only and
// runs it over batches of events. It is passed to the Worker as source (`moduleWorkerSource`), so it
// must not use anything from this file's scope: everything it needs comes from require() and
// workerData.

/** What the worker is started with. */
export interface ModuleWorkerData {
  name: string;
  wasm: Uint8Array;
  memoryMinPages: number;
  memoryMaxPages: number;
  /** Int32 slot 0: events finished since start, read by the watchdog. */
  progress: SharedArrayBuffer;
  /** Lines the module may log per batch (omega_v1.log); the rest are counted, not sent. */
  maxLogLinesPerBatch: number;
}

/** A batch of events for the worker: `bytes` holds them back to back, `lengths` their sizes. */
export interface ModuleBatch {
  bytes: Uint8Array;
  lengths: Uint32Array;
}

export type ModuleWorkerReply =
  | { type: 'ready' }
  | { type: 'refused'; message: string }
  | {
      type: 'done';
      /** Non-pass verdicts: the event's index in the batch and the ModuleVerdict bytes. */
      verdicts: { index: number; verdict: Uint8Array }[];
      decodeFailures: number;
      elapsedNs: number;
      logs: string[];
    }
  | { type: 'trap'; index: number; message: string; memoryBytes: number };

/* eslint-disable @typescript-eslint/no-require-imports -- runs as a worker's eval'd script */
function moduleWorkerMain(): void {
  const { parentPort, workerData } =
    require('node:worker_threads') as typeof import('node:worker_threads');
  const data = workerData as ModuleWorkerData;
  const progress = new Int32Array(data.progress);
  const memory = new WebAssembly.Memory({
    initial: data.memoryMinPages,
    maximum: data.memoryMaxPages,
  });
  let logs: string[] = [];
  let logsDropped = 0;
  const imports = {
    env: { memory },
    omega_v1: {
      log(ptr: number, len: number): void {
        if (logs.length >= data.maxLogLinesPerBatch) {
          logsDropped++;
          return;
        }
        const n = Math.min(len >>> 0, 1024);
        logs.push(Buffer.from(memory.buffer, ptr >>> 0, n).toString('utf8'));
      },
    },
  };
  let api: {
    omega_abi_version(): number;
    omega_input(capacity: number): number;
    omega_output(): number;
    omega_on_event(len: number): number;
  };
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(data.wasm), imports);
    api = instance.exports as unknown as typeof api;
    const version = api.omega_abi_version();
    if (version !== 1) throw new Error(`reports ABI version ${version}; this sentinel runs 1`);
  } catch (err) {
    parentPort!.postMessage({ type: 'refused', message: (err as Error).message });
    return;
  }
  let inputPtr = 0;
  let inputCapacity = 0;
  parentPort!.postMessage({ type: 'ready' });
  parentPort!.on('message', (batch: ModuleBatch) => {
    const verdicts: { index: number; verdict: Uint8Array }[] = [];
    let decodeFailures = 0;
    let offset = 0;
    logs = [];
    logsDropped = 0;
    const started = process.hrtime.bigint();
    for (let index = 0; index < batch.lengths.length; index++) {
      const len = batch.lengths[index] as number;
      try {
        if (len > inputCapacity) {
          inputCapacity = Math.max(len, 4096);
          inputPtr = api.omega_input(inputCapacity) >>> 0;
        }
        new Uint8Array(memory.buffer, inputPtr, len).set(
          batch.bytes.subarray(offset, offset + len),
        );
        const answer = api.omega_on_event(len);
        if (answer > 0) {
          const at = api.omega_output() >>> 0;
          verdicts.push({ index, verdict: new Uint8Array(memory.buffer.slice(at, at + answer)) });
        } else if (answer < 0) decodeFailures++;
      } catch (err) {
        const memoryBytes = memory.buffer.byteLength;
        parentPort!.postMessage({
          type: 'trap',
          index,
          message: (err as Error).message,
          memoryBytes,
        });
        return;
      }
      offset += len;
      Atomics.add(progress, 0, 1);
    }
    if (logsDropped > 0) logs.push(`(${logsDropped} more log lines dropped)`);
    const elapsedNs = Number(process.hrtime.bigint() - started);
    parentPort!.postMessage({ type: 'done', verdicts, decodeFailures, elapsedNs, logs });
  });
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The worker's source, for `new Worker(source, { eval: true })`. */
export const moduleWorkerSource = `(${moduleWorkerMain.toString()})()`;
