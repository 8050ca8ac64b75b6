#!/usr/bin/env node
// Builds the pinned kube-apiserver and the etcd it was released with, once per machine, into a
// cache outside the repo: ~/.cache/omega/kube-apiserver-<version>/{kube-apiserver,etcd}
// ($OMEGA_CACHE_DIR overrides ~/.cache/omega). No registry ships kube-apiserver binaries, so this
// compiles k8s.io/kubernetes/cmd/kube-apiserver with the Go toolchain in a throwaway module.
//
// Why a throwaway module with replaces: k8s.io/kubernetes's go.mod points every staging module
// (k8s.io/api, k8s.io/apiserver, …) at ./staging/src/…, which only exists in its own checkout.
// A consumer must replace each one with the published k8s.io/<staging> v0.X.Y of the same release
// (kubernetes/kubernetes#79384). etcd is built from go.etcd.io/etcd/server/v3/etcdmain at the
// version kube-apiserver's go.mod requires, in the same module, so client and server match.
//
// Usage: node scripts/kube-apiserver.mjs        (no-op when both binaries are cached)
//        node scripts/kube-apiserver.mjs --print-dir
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const KUBE_VERSION = 'v1.34.4';
const STAGING_VERSION = KUBE_VERSION.replace(/^v1\./, 'v0.');

const cacheRoot = process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
export const cacheDir = join(cacheRoot, `kube-apiserver-${KUBE_VERSION}`);
const binaries = ['kube-apiserver', 'etcd'].map((name) => join(cacheDir, name));

function say(line) {
  process.stderr.write(`omega kube-apiserver: ${line}\n`);
}

function run(cmd, args, cwd, env = {}) {
  const res = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -buildvcs=false', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${res.status ?? res.signal})`);
  }
  return res.stdout;
}

/** The staging modules k8s.io/kubernetes replaces with ./staging/src/… in its go.mod. */
function stagingModules(goModText) {
  const mods = [];
  for (const m of goModText.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\/src\//gm)) {
    mods.push(m[1]);
  }
  if (mods.length === 0) throw new Error('no staging replaces found in k8s.io/kubernetes go.mod');
  return mods;
}

function requiredVersion(goModText, module) {
  const m = goModText.match(new RegExp(`^\\s*${module.replace(/[./]/g, '\\$&')}\\s+(v\\S+)`, 'm'));
  if (!m) throw new Error(`k8s.io/kubernetes go.mod does not require ${module}`);
  return m[1];
}

function build() {
  const work = join(cacheDir, 'build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'etcd'), { recursive: true });

  const info = JSON.parse(
    run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBE_VERSION}`], work),
  );
  const kubeGoMod = readFileSync(info.GoMod, 'utf8');
  const staging = stagingModules(kubeGoMod);
  const etcdVersion = requiredVersion(kubeGoMod, 'go.etcd.io/etcd/server/v3');
  const goVersion = kubeGoMod.match(/^go\s+(\S+)/m)?.[1] ?? '1.24.0';
  say(`${staging.length} staging modules at ${STAGING_VERSION}; etcd ${etcdVersion}`);

  writeFileSync(
    join(work, 'go.mod'),
    [
      'module omega.local/kube-apiserver-build',
      '',
      `go ${goVersion}`,
      '',
      `require k8s.io/kubernetes ${KUBE_VERSION}`,
      '',
      'replace (',
      ...staging.map((mod) => `\t${mod} => ${mod} ${STAGING_VERSION}`),
      ')',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(work, 'etcd', 'main.go'),
    [
      '// etcd as a binary, at the version kube-apiserver was released with.',
      'package main',
      '',
      'import (',
      '\t"os"',
      '',
      '\t"go.etcd.io/etcd/server/v3/etcdmain"',
      ')',
      '',
      'func main() { etcdmain.Main(os.Args) }',
      '',
    ].join('\n'),
  );
  run('go', ['get', `k8s.io/kubernetes/cmd/kube-apiserver@${KUBE_VERSION}`], work);
  run('go', ['get', `go.etcd.io/etcd/server/v3/etcdmain@${etcdVersion}`], work);

  // Version stamps: without them the server reports v0.0.0 and kubectl/helm warn about skew.
  const [major, minor] = KUBE_VERSION.slice(1).split('.');
  const stamp = (pkg) => [
    `-X ${pkg}.gitVersion=${KUBE_VERSION}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
  const ldflags = [
    '-s',
    '-w',
    ...stamp('k8s.io/component-base/version'),
    ...stamp('k8s.io/client-go/pkg/version'),
  ].join(' ');
  const out = join(work, 'bin');
  run(
    'go',
    [
      'build',
      '-trimpath',
      '-ldflags',
      ldflags,
      '-o',
      join(out, 'kube-apiserver'),
      'k8s.io/kubernetes/cmd/kube-apiserver',
    ],
    work,
  );
  run('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(out, 'etcd'), './etcd'], work);
  for (const name of ['kube-apiserver', 'etcd']) renameSync(join(out, name), join(cacheDir, name));
  rmSync(work, { recursive: true, force: true });
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function main() {
  if (process.argv.includes('--print-dir')) {
    process.stdout.write(`${cacheDir}\n`);
    return 0;
  }
  if (binaries.every((b) => existsSync(b))) return 0;
  if (!has('go')) {
    say(`the Go toolchain is needed to build kube-apiserver ${KUBE_VERSION} (no registry ships it).
  Install Go (Debian: apt-get install golang-go), then run: node scripts/kube-apiserver.mjs`);
    return 1;
  }
  const started = Date.now();
  say(
    `building kube-apiserver ${KUBE_VERSION} and etcd into ${cacheDir} (once; ~10–20 min cold on 2 cores)…`,
  );
  mkdirSync(cacheDir, { recursive: true });
  try {
    build();
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    return 1;
  }
  say(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

process.exitCode = main();
