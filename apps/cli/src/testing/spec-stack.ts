// A local stack of built services for a spec: on random ports inside the range .ci/run reserves,
// retried when a port it picked was taken, with its output kept for the failure message.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '@omega/service';
import { LocalStack, type LocalStackOptions } from '../local-stack';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

export interface SpecStack {
  readonly stack: LocalStack;
  readonly dataDir: string;
  readonly output: string[];
  stop(): Promise<void>;
}

export async function startSpecStack(
  services: ServiceName[],
  options: { prefix: string; serviceEnv?: LocalStackOptions['serviceEnv'] },
): Promise<SpecStack> {
  for (const name of services) {
    if (!existsSync(join(REPO_ROOT, 'apps', name, 'dist', 'main.js'))) {
      throw new Error(`${name} is not built: run \`npm run build\` (npm test does it)`);
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix));
  const output: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const stack = new LocalStack({
      root: REPO_ROOT,
      stateDir: dataDir,
      // gRPC ports 51051-52957: inside the range .ci/run reserves from ephemeral ports.
      portOffset: 1000 + Math.floor(Math.random() * 1900),
      services,
      out: (line) => output.push(line),
      readyTimeoutMs: 90_000,
      nodeBin: process.execPath,
      ...(options.serviceEnv ? { serviceEnv: options.serviceEnv } : {}),
    });
    try {
      await stack.start();
      return {
        stack,
        dataDir,
        output,
        stop: async () => {
          await stack.stop();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await stack.stop().catch(() => undefined);
      if (attempt >= 3 || !String(err).includes('already in use')) {
        rmSync(dataDir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}
