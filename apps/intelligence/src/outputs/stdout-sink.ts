// The stdout output: one JSON line per alert (alert-json.ts), written to the process's standard
// output beside its log lines, for kubectl logs, Fluent Bit and Vector.
import type { Writable } from 'node:stream';
import type { Alert } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { alertJsonLine } from './alert-json';
import type { AlertSink } from './output-queue';

export function stdoutSink(out: Writable = process.stdout): AlertSink {
  return {
    send: (alert: Alert, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const onAbort = (): void =>
          reject(new OmegaError(Code.DeadlineExceeded, 'stdout: write did not finish in time'));
        signal.addEventListener('abort', onAbort, { once: true });
        out.write(alertJsonLine(alert), (err) => {
          signal.removeEventListener('abort', onAbort);
          if (err)
            reject(new OmegaError(Code.Unavailable, `stdout: ${err.message}`, { cause: err }));
          else resolve();
        });
      }),
    close: async () => undefined,
  };
}
