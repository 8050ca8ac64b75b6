// Hostile rule values against attacker-controlled text: the time one match takes for a Sigma
// wildcard value and an `re` value that make a backtracking engine explode. Omega's matchers
// (linear-time segment matching, RE2) beside the anchor, V8's backtracking RegExp on the same
// pattern, whose time grows with every added character (so it runs on shorter texts only).
import { performance } from 'node:perf_hooks';

const WILDCARD = '*a*a*a*a*a*a*a*a*b';
const REGEX = '^(a|aa)*c$';

/** Median milliseconds of `fn` over `runs` calls (at least one). */
function medianMs(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function ruleMatching(detect, selection) {
  const text = [
    'title: hostile',
    'id: 9a0f6a51-3f1d-4c55-9c38-8b8a3e2f0d11',
    'level: low',
    'logsource:',
    '    category: process_creation',
    '    product: linux',
    'detection:',
    '    selection:',
    `        ${selection}`,
    '    condition: selection',
  ].join('\n');
  const rule = detect.compileSigmaRule(detect.parseSigmaRule(text));
  return (commandLine) =>
    rule.matches(detect.eventFromSigmaFields('process_creation', { CommandLine: commandLine }));
}

export function runHostileBench({ detect }) {
  const wildcardRule = ruleMatching(detect, `CommandLine: '${WILDCARD}'`);
  const regexRule = ruleMatching(detect, `CommandLine|re: '${REGEX}'`);
  const v8Wildcard = new RegExp(
    `^${WILDCARD.split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
      .join('[\\s\\S]*')}$`,
    'i',
  );
  const v8Regex = new RegExp(REGEX);
  const rows = [];
  for (const length of [48, 1_000, 100_000]) {
    const text = 'a'.repeat(length);
    rows.push({
      what: `wildcard '${WILDCARD}'`,
      engine: 'libs/detect',
      length,
      ms: medianMs(() => wildcardRule(text), 5),
    });
  }
  for (const length of [20, 26, 32]) {
    const text = 'a'.repeat(length);
    rows.push({
      what: `wildcard '${WILDCARD}'`,
      engine: 'V8 RegExp (anchor)',
      length,
      ms: medianMs(() => v8Wildcard.test(text), 3),
    });
  }
  for (const length of [48, 1_000, 100_000]) {
    const text = 'a'.repeat(length);
    rows.push({
      what: `re '${REGEX}'`,
      engine: 'libs/detect (RE2)',
      length,
      ms: medianMs(() => regexRule(text), 5),
    });
  }
  for (const length of [24, 28, 32]) {
    const text = 'a'.repeat(length);
    rows.push({
      what: `re '${REGEX}'`,
      engine: 'V8 RegExp (anchor)',
      length,
      ms: medianMs(() => v8Regex.test(text), 3),
    });
  }
  return rows;
}

export function printHostileBench(rows) {
  console.log(
    "| hostile value, text of a's without the final letter | engine | text length | ms per match (median) |",
  );
  console.log('|---|---|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.what} | ${row.engine} | ${row.length.toLocaleString('en-US')} | ${row.ms.toFixed(3)} |`,
    );
  }
}
