#!/usr/bin/env node
// Prepares what the Go and Python clients (clients/) are generated, built and tested with, cached
// outside the repo by version ($OMEGA_CACHE_DIR overrides ~/.cache/omega):
//   protoc-gen-<go version>-grpc-<go-grpc version>/{protoc-gen-go,protoc-gen-go-grpc}  (go install)
//   python-clients-<hash of clients/python/requirements.txt>/  a venv with grpcio, grpcio-tools
// and downloads clients/go's modules (go.sum) so the spec builds its example without asking twice.
//
// Usage: node scripts/clients-tools.mjs     (no-op when all is there; prints nothing on success)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PROTOC_GEN_GO_VERSION = 'v1.36.12';
export const PROTOC_GEN_GO_GRPC_VERSION = 'v1.6.1';

const root = join(import.meta.dirname, '..');
const cacheRoot = () => process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
const requirementsFile = join(root, 'clients', 'python', 'requirements.txt');

/** The folder holding protoc-gen-go and protoc-gen-go-grpc at the pinned versions. */
export function goPluginDir() {
  return join(
    cacheRoot(),
    `protoc-gen-go-${PROTOC_GEN_GO_VERSION}-grpc-${PROTOC_GEN_GO_GRPC_VERSION}`,
  );
}

/** The venv for clients/python: keyed by the requirements file, so a new pin makes a new one. */
export function pythonVenvDir() {
  const hash = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex');
  return join(cacheRoot(), `python-clients-${hash.slice(0, 12)}`);
}

/** The venv's python. */
export function venvPython() {
  return join(pythonVenvDir(), 'bin', 'python');
}

function say(line) {
  process.stderr.write(`omega clients-tools: ${line}\n`);
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  return res.status === 0;
}

function ensureGoPlugins() {
  const dir = goPluginDir();
  const plugins = ['protoc-gen-go', 'protoc-gen-go-grpc'];
  if (plugins.every((p) => existsSync(join(dir, p)))) return true;
  if (!has('go')) {
    say(`needs the Go toolchain to build ${plugins.join(' and ')} into ${dir}`);
    return false;
  }
  say(
    `building protoc-gen-go ${PROTOC_GEN_GO_VERSION} and protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC_VERSION} into ${dir} (once)…`,
  );
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOBIN: dir, CGO_ENABLED: '0' };
  const ok =
    run(
      'go',
      ['install', `google.golang.org/protobuf/cmd/protoc-gen-go@${PROTOC_GEN_GO_VERSION}`],
      {
        env,
      },
    ) &&
    run(
      'go',
      ['install', `google.golang.org/grpc/cmd/protoc-gen-go-grpc@${PROTOC_GEN_GO_GRPC_VERSION}`],
      { env },
    );
  if (!ok || !plugins.every((p) => existsSync(join(dir, p)))) {
    say('go install of the protoc plugins failed');
    return false;
  }
  return true;
}

function ensureGoModules() {
  if (!has('go')) return false;
  // go.sum pins them; `go mod download` is a no-op when the module cache has them.
  if (!run('go', ['mod', 'download'], { cwd: join(root, 'clients', 'go') })) {
    say('go mod download in clients/go failed');
    return false;
  }
  return true;
}

function ensurePythonVenv() {
  const dir = pythonVenvDir();
  if (existsSync(join(dir, '.complete'))) return true;
  const python = ['python3', 'python'].find(has);
  if (!python) {
    say('needs python3 (3.9 or newer) for the Python client');
    return false;
  }
  say(`creating the Python clients' venv in ${dir} (once)…`);
  // A venv's scripts name their own path, so it is built in place; the .complete marker, written
  // last, is what says it is ready (a venv interrupted halfway is made again).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheRoot(), { recursive: true });
  const ok =
    run(python, ['-m', 'venv', dir]) &&
    run(join(dir, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '-r',
      requirementsFile,
    ]);
  if (!ok) {
    say(`pip install -r ${requirementsFile} failed`);
    return false;
  }
  const marker = join(dir, '.complete.tmp');
  spawnSync('sh', ['-c', `date -u > '${marker}'`]);
  renameSync(marker, join(dir, '.complete'));
  return true;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const results = [ensureGoPlugins(), ensureGoModules(), ensurePythonVenv()];
  process.exitCode = results.every(Boolean) ? 0 : 1;
}
