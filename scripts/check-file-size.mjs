#!/usr/bin/env node
// A hand-written file past 400 lines usually holds two concepts: each one that stays longer says
// why near its top ("Over 400 lines on purpose: ..."), and this check, run by `npm run lint`, fails
// naming any that does not. Generated code (libs/proto/src/gen) and vendored corpora are exempt.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_LINES = 400;
const SOURCE = /\.(ts|tsx|mjs|cjs|js|c|h|sh)$/;
const EXEMPT = [/^libs\/proto\/src\/gen\//, /(^|\/)test-corpus\//, /(^|\/)node_modules\//];
const REASON = /Over 400 lines on purpose: \S/;

const files = execFileSync('git', ['ls-files'], { encoding: 'utf8' })
  .split('\n')
  .filter((path) => SOURCE.test(path) && !EXEMPT.some((re) => re.test(path)));
const offenders = [];
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines <= MAX_LINES) continue;
  const head = text.split('\n').slice(0, 15).join('\n');
  if (!REASON.test(head)) offenders.push(`${path}: ${lines} lines`);
}
if (offenders.length > 0) {
  process.stderr.write(
    `check-file-size: ${offenders.length} file(s) over ${MAX_LINES} lines without "Over 400 lines on purpose: <reason>" near the top (split it, or say why it is one concept):\n${offenders.map((o) => `  ${o}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `check-file-size: ${files.length} files, none over ${MAX_LINES} lines without a reason\n`,
);
