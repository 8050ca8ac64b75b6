// Test-only: the eBPF loader built from bpf/ before a real-kernel spec starts it (make keeps
// bpf/build/loader when it is up to date, so every spec can ask without rebuilding).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root: bpf/ and bench/ sit under it. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** Runs `make -C bpf`; throws with make's output, naming the spec, when the build fails. */
export function buildLoader(specName: string): void {
  const make = spawnSync('make', ['-s', '-C', join(REPO_ROOT, 'bpf')], { encoding: 'utf8' });
  if (make.status !== 0) {
    throw new Error(`${specName}: make -C bpf failed:\n${make.stderr}${make.stdout}`);
  }
}
