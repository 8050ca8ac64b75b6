#!/usr/bin/env node
// Makes `npm run demo`, `npm run up` and `npm test` work on a fresh clone: installs dependencies
// when they are missing or stale, makes sure a nats-server is available, builds, then runs the
// command with the repository's pinned Node 24 (the system Node may be older). Plain JS so any
// Node >= 18 can run it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...rest] = process.argv.slice(2);
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');

function run(cmd, args, what, cwd = root) {
  const res = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: pathWithBin() });
  if (res.error) fail(`${what}: ${res.error.message}`);
  if (res.status !== 0) process.exit(res.status ?? 1);
}

function pathWithBin() {
  return {
    ...process.env,
    PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  };
}

function fail(message) {
  process.stderr.write(`omega: ${message}\n`);
  process.exit(1);
}

function dependenciesStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker) || !existsSync(node24)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

if (dependenciesStale()) {
  process.stderr.write('omega: installing dependencies (npm install)…\n');
  // npm install, not npm ci: npm 11 `ci` refuses a lock without other platforms' optional binaries
  // (buf, swc, nx), even one it just wrote; install follows the lock all the same.
  run('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
}
// The demo needs only nats-server; the test infrastructure (Kafka jars, kube-apiserver) is for tests.
run(
  node24,
  [join(root, 'scripts', 'setup.mjs'), ...(command === 'demo' ? ['--runtime-only'] : [])],
  'setup',
);
process.stderr.write('omega: building (tsc -b)…\n');
run(
  node24,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'],
  'build',
);
// The web console's bundle (apps/console/dist), which the gateway serves.
process.stderr.write('omega: building the web console (vite build)…\n');
run(
  node24,
  [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.config.mts'],
  'console build',
  join(root, 'apps', 'console'),
);

// The sentinel's eBPF programs and loader: the tests load them into the kernel (and say which
// Debian package is missing when the toolchain is not there). The demo builds them itself.
if (command === 'test' || command === 'bench') {
  process.stderr.write('omega: building the eBPF programs (make -C bpf)…\n');
  run('make', ['-s', '-C', join(root, 'bpf')], 'make -C bpf');
  // omega-edge's XDP stealth filter, next to the built app (apps/edge/dist).
  run(
    'bash',
    [join(root, 'apps', 'edge', 'scripts', 'stealth-bpf.sh')],
    'apps/edge stealth filter',
  );
}

switch (command) {
  case 'demo':
    run(node24, [join(root, 'apps', 'cli', 'dist', 'main.js'), 'demo', ...rest], 'omega demo');
    break;
  case 'up':
    run(node24, [join(root, 'apps', 'cli', 'dist', 'main.js'), 'up', ...rest], 'omega up');
    break;
  case 'test':
    run(node24, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...rest], 'jest');
    break;
  case 'bench':
    run(node24, [join(root, 'bench', 'run.mjs'), ...rest], 'bench');
    break;
  case 'build':
    break;
  default:
    fail(`unknown command '${command}': expected demo, up, test, bench or build`);
}
