// Test-only: an orchestrator replica as a real child process (apps/orchestrator/src/main.ts run
// from source), with its logs, its gRPC port once ready, kill -9 and a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const RUN_TS = join(__dirname, 'run-ts.cjs');
const MAIN = join(__dirname, '..', 'main.ts');

export interface OrchestratorProcess {
  readonly name: string;
  readonly grpcAddress: string;
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOrchestrator(
  name: string,
  env: Record<string, string>,
  readyTimeoutMs = 120_000,
): Promise<OrchestratorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@omega/source', RUN_TS, MAIN],
    {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        OMEGA_GRPC_HOST: '127.0.0.1',
        OMEGA_GRPC_PORT: '0',
        OMEGA_HTTP_HOST: '127.0.0.1',
        OMEGA_HTTP_PORT: '0',
        OMEGA_LOG_LEVEL: 'info',
        OMEGA_ORCHESTRATOR_WORKER_ID: name,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(`${name} not ready in ${readyTimeoutMs} ms:\n${output.slice(-30).join('\n')}`),
        ),
      readyTimeoutMs,
    );
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > 2000) output.shift();
        if (line.includes('"msg":"orchestrator ready"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { grpcPort: number }).grpcPort);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-30).join('\n')}`),
      );
    });
  });
  return {
    name,
    grpcAddress: `127.0.0.1:${port}`,
    output,
    exited,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
