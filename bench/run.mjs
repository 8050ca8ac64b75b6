#!/usr/bin/env node
// Runs every benchmark under bench/ (or the ones named: `npm run bench -- bus crypto`) in turn.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'bench.mjs')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; have ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  console.log(`\n### bench/${name}\n`);
  const res = spawnSync(process.execPath, [join(here, name, 'bench.mjs')], { stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`bench/${name} failed (exit ${String(res.status)})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
