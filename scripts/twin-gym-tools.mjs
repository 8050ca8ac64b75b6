#!/usr/bin/env node
// Builds the venv that the twin environment's Python wrapper (clients/python/omega_twin_gym) and
// its specs run in: the Python client's pins plus Gymnasium, NumPy and NASim, cached outside the
// repo ($OMEGA_CACHE_DIR overrides ~/.cache/omega) under a name keyed by both requirements files.
//
// Usage: node scripts/twin-gym-tools.mjs   (prints the venv's python; builds it once)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const requirements = [
  join(root, 'clients', 'python', 'requirements.txt'),
  join(root, 'clients', 'python', 'omega_twin_gym', 'requirements.txt'),
];

/** The venv's folder, keyed by the requirements files so a new pin makes a new venv. */
export function twinGymVenvDir() {
  const hash = createHash('sha256');
  for (const file of requirements) hash.update(readFileSync(file));
  const cache = process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
  return join(cache, `twin-gym-${hash.digest('hex').slice(0, 12)}`);
}

function build(dir) {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const steps = [
    ['python3', ['-m', 'venv', tmp]],
    [join(tmp, 'bin', 'pip'), ['install', '--quiet', '-r', requirements[1]]],
  ];
  for (const [cmd, args] of steps) {
    const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
    if (res.status !== 0) {
      process.stderr.write(`twin-gym-tools: ${cmd} ${args.join(' ')} failed\n`);
      process.exit(1);
    }
  }
  writeFileSync(join(tmp, '.complete'), '');
  renameSync(tmp, dir);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = twinGymVenvDir();
  if (!existsSync(join(dir, '.complete'))) build(dir);
  process.stdout.write(`${join(dir, 'bin', 'python')}\n`);
}
