// Test-only: builds wasm/ (the Rust workspace: shipped modules and hostile ones, and the
// AssemblyScript example) before a spec loads a module. Build output is cached outside the
// repository, keyed by toolchain, so a spec that asks again rebuilds nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './loader-build';

export const WASM_ROOT = join(REPO_ROOT, 'wasm');
const CACHE = join(homedir(), '.cache', 'omega');
const CARGO_TARGET_DIR = join(CACHE, 'wasm-target');
const AS_OUT = join(CACHE, 'wasm-as');

function run(specName: string, command: string, args: string[], env = process.env): string {
  const result = spawnSync(command, args, { cwd: WASM_ROOT, encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new Error(
      `${specName}: ${command} ${args.join(' ')} failed:\n${result.error?.message ?? ''}${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

let built = false;

/** Builds every Rust module (release) and the AssemblyScript example once per process. */
export function buildWasm(specName: string): void {
  if (built) return;
  const installed = run(specName, 'rustup', ['target', 'list', '--installed']);
  if (!installed.split('\n').includes('wasm32-unknown-unknown')) {
    run(specName, 'rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  run(specName, 'cargo', ['build', '--release', '--locked', '--quiet'], {
    ...process.env,
    CARGO_TARGET_DIR,
  });
  const asc = join(REPO_ROOT, 'node_modules', '.bin', 'asc');
  const example = join(WASM_ROOT, 'examples', 'shell-in-pod');
  run(specName, asc, [
    join(example, 'assembly', 'index.ts'),
    '--config',
    join(example, 'asconfig.json'),
    '--target',
    'release',
    '-o',
    join(AS_OUT, 'shell-in-pod.wasm'),
  ]);
  built = true;
}

/** Module names: the Rust crates' (without the omega-module-/omega- prefix) and 'shell-in-pod'. */
export type WasmModuleName =
  | 'trivial'
  | 'crypto-miner'
  | 'suspicious-egress'
  | 'port-knock'
  | 'hostile-loop'
  | 'hostile-memory-bomb'
  | 'hostile-bad-import'
  | 'hostile-trap'
  | 'shell-in-pod';

/** The built bytes of a module (builds first when needed). */
export function wasmModule(specName: string, name: WasmModuleName): Uint8Array {
  buildWasm(specName);
  if (name === 'shell-in-pod') return readFileSync(join(AS_OUT, 'shell-in-pod.wasm'));
  const crate = name.startsWith('hostile-') ? `omega_${name}` : `omega_module_${name}`;
  return readFileSync(
    join(
      CARGO_TARGET_DIR,
      'wasm32-unknown-unknown',
      'release',
      `${crate.replaceAll('-', '_')}.wasm`,
    ),
  );
}
