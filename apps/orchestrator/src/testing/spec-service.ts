// Test-only: another Omega service as built (apps/<name>/dist/main.js) in a child process, the way
// `omega up` runs it (apps never import apps); resolves once it logs "<name> ready".
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@omega/testkit';

export interface SpecService {
  readonly address: string;
  stop(): Promise<void>;
}

export async function startBuiltService(
  name: string,
  natsUrl: string,
  env: Record<string, string> = {},
): Promise<SpecService> {
  const main = join(__dirname, '..', '..', '..', name, 'dist', 'main.js');
  if (!existsSync(main))
    throw new Error(`${name} is not built (${main}): run \`npx tsc -b tsconfig.build.json\``);
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      OMEGA_NATS_SERVERS: natsUrl,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(port),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: '0',
      OMEGA_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready:\n${output.join('')}`)),
      60_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output.push(chunk);
      if (chunk.includes(`"msg":"${name} ready"`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${output.join('')}`));
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
