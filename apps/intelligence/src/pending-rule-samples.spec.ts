// rules-next/ holds rules written against the sentinel's file, privilege, ptrace, mount, module,
// socket and memfd events (docs/rules.md). Each carries samples in that telemetry's shape; while
// its logsource is not mapped in @omega/detect the only thing keeping it out of the pack must be
// that missing mapping, and once mapped its samples must pass through the engine.
import { join } from 'node:path';
import {
  checkRuleSampleEvents,
  compileSigmaRule,
  parseSigmaRules,
  SigmaRuleError,
  type SigmaRule,
} from '@omega/detect';
import { Code } from '@omega/runtime';
import { readRuleDirectory } from './rule-catalog';

const APP_DIR = join(__dirname, '..');

/** The categories the new sentinel telemetry is read under (docs/rules.md, "Rules waiting"). */
const NEW_TELEMETRY_CATEGORIES = [
  'file_access',
  'file_event',
  'file_delete',
  'file_rename',
  'file_change',
  'privilege_change',
  'ptrace',
  'mount',
  'namespace_change',
  'kernel_module',
  'bpf_load',
  'raw_socket',
  'memfd_create',
  'memfd_exec',
];

async function pendingRules(): Promise<{ file: string; rule: SigmaRule }[]> {
  const texts = await readRuleDirectory(join(APP_DIR, 'rules-next'));
  return texts.flatMap(({ source, text }) =>
    parseSigmaRules(text, { source }).map((rule) => ({ file: source, rule })),
  );
}

describe('rules waiting for the new sentinel telemetry (rules-next)', () => {
  it('each reads a new-telemetry category and has a positive and a negative sample', async () => {
    const rules = await pendingRules();
    expect(rules.length).toBeGreaterThanOrEqual(20);
    for (const { file, rule } of rules) {
      expect([file, NEW_TELEMETRY_CATEGORIES.includes(rule.logsource.category ?? '')]).toEqual([
        file,
        true,
      ]);
      expect([file, rule.samples!.match.length > 0, rule.samples!.nomatch.length > 0]).toEqual([
        file,
        true,
        true,
      ]);
    }
  });

  it('is held back only by its unmapped category, or passes its samples once the category is mapped', async () => {
    const outcomes: string[] = [];
    for (const { file, rule } of await pendingRules()) {
      try {
        const compiled = compileSigmaRule(rule);
        const problems = checkRuleSampleEvents(compiled);
        outcomes.push(
          `${file}: ${problems.length === 0 ? 'samples pass' : JSON.stringify(problems)}`,
        );
      } catch (err) {
        if (!(err instanceof SigmaRuleError)) throw err;
        const unmapped =
          err.code === Code.Unimplemented &&
          err.message.includes(`logsource category ${rule.logsource.category}`);
        outcomes.push(`${file}: ${unmapped ? 'waits for its category' : err.message}`);
      }
    }
    expect(outcomes.filter((o) => !/(samples pass|waits for its category)$/.test(o))).toEqual([]);
  });
});
