// Test-only: the python of the venv scripts/twin-gym-tools.mjs builds (Gymnasium, NumPy, NASim
// and the Python client's pins), building it on first use.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

export function twinGymPython(): string {
  const script = join(root, 'scripts', 'twin-gym-tools.mjs');
  return execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 600_000 }).trim();
}
