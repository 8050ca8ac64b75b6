#!/usr/bin/env node
// Lints the protobuf contract and regenerates libs/proto/src/gen; with --check, generates into a
// temporary directory instead and fails if the committed generated code differs.
//
//   node scripts/proto-gen.mjs           buf format check, buf lint, buf generate
//   node scripts/proto-gen.mjs --check   same checks, then compare a fresh generation with the tree
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const genDir = 'libs/proto/src/gen';
const binDir = join(root, 'node_modules', '.bin');
const buf = join(binDir, 'buf');
// protoc-gen-ts_proto runs on `node` from PATH: make that the Node running this script.
const env = {
  ...process.env,
  PATH: [dirname(process.execPath), binDir, process.env.PATH].join(delimiter),
};

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--check');
if (unknown.length > 0) {
  console.error(`proto-gen: unknown argument ${unknown.join(' ')}; usage: proto-gen.mjs [--check]`);
  process.exit(2);
}
const check = args.includes('--check');

if (!existsSync(buf)) {
  console.error(`proto-gen: ${relative(root, buf)} not found; run npm ci first`);
  process.exit(1);
}

/** A step that failed; its message is what to print. */
class StepError extends Error {}

/** Runs buf with the given arguments in the repo root; throws a StepError naming the step on failure. */
function runBuf(step, bufArgs, hint) {
  const result = spawnSync(buf, bufArgs, { cwd: root, env, stdio: 'inherit' });
  if (result.error)
    throw new StepError(`${step}: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) {
    throw new StepError(`${step} failed (buf ${bufArgs.join(' ')})${hint ? `; ${hint}` : ''}`);
  }
}

/** Relative paths of all files under dir (empty when dir does not exist). */
function listFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(join(dir, entry.name), rel) : [rel];
  });
}

/** Lists generated files that differ between a fresh generation and the tree, with why. */
function staleFiles() {
  const tmp = mkdtempSync(join(tmpdir(), 'omega-proto-gen-'));
  try {
    runBuf('generate', ['generate', '--output', tmp]);
    const fresh = join(tmp, genDir);
    const committed = join(root, genDir);
    const paths = [...new Set([...listFiles(fresh), ...listFiles(committed)])].sort();
    return {
      count: paths.length,
      stale: paths.flatMap((path) => {
        if (!existsSync(join(committed, path))) return [`${genDir}/${path} (missing)`];
        if (!existsSync(join(fresh, path))) return [`${genDir}/${path} (no longer generated)`];
        const same = readFileSync(join(fresh, path)).equals(readFileSync(join(committed, path)));
        return same ? [] : [`${genDir}/${path} (differs)`];
      }),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  runBuf('format', ['format', '--diff', '--exit-code', 'proto'], 'run `npx buf format -w proto`');
  runBuf('lint', ['lint']);
  if (check) {
    const { count, stale } = staleFiles();
    if (stale.length > 0) {
      console.error('proto-gen: generated code is stale; run `npm run proto:gen` and commit:');
      for (const line of stale) console.error(`  ${line}`);
      process.exitCode = 1;
    } else {
      console.log(`proto-gen: ${genDir} is up to date (${count} files)`);
    }
  } else {
    runBuf('generate', ['generate']);
    console.log(`proto-gen: generated ${listFiles(join(root, genDir)).length} files in ${genDir}`);
  }
} catch (error) {
  if (!(error instanceof StepError)) throw error;
  console.error(`proto-gen: ${error.message}`);
  process.exitCode = 1;
}
