// A local stack of built services for a spec: on a port offset this process holds (testkit's
// reservePortOffset: inside the range .ci/run reserves, never shared with another spec's stack),
// retried when a port was taken all the same, with its output kept for the failure message.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '@omega/service';
import { reservePortOffset } from '@omega/testkit';
import { LocalStack, type LocalStackOptions } from '../local-stack';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

export interface SpecStack {
  readonly stack: LocalStack;
  readonly dataDir: string;
  readonly output: string[];
  stop(): Promise<void>;
}

export async function startSpecStack(
  services: readonly ServiceName[],
  options: { prefix: string } & Partial<
    Pick<
      LocalStackOptions,
      'serviceEnv' | 'insecurePlaintext' | 'extraJoinTokens' | 'readyTimeoutMs' | 'stateDir'
    >
  >,
): Promise<SpecStack> {
  for (const name of services) {
    if (!existsSync(join(REPO_ROOT, 'apps', name, 'dist', 'main.js'))) {
      throw new Error(`${name} is not built: run \`npm run build\` (npm test does it)`);
    }
  }
  const { prefix, stateDir, ...rest } = options;
  const dataDir = stateDir ?? mkdtempSync(join(tmpdir(), prefix));
  const output: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const reserved = await reservePortOffset();
    const stack = new LocalStack({
      root: REPO_ROOT,
      stateDir: dataDir,
      portOffset: reserved.offset,
      services,
      out: (line) => output.push(line),
      readyTimeoutMs: 90_000,
      nodeBin: process.execPath,
      ...rest,
    });
    try {
      await stack.start();
      return {
        stack,
        dataDir,
        output,
        stop: async () => {
          await stack.stop();
          reserved.release();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await stack.stop().catch(() => undefined);
      reserved.release();
      if (attempt >= 3 || !String(err).includes('already in use')) {
        rmSync(dataDir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}
