// Every SigmaHQ Linux rule (rules/linux/, vendored in test-corpus) loads or is rejected for a named reason.
import { Code } from '@omega/errors';
import { sigmahqLinuxRules } from '../test-support/sigmahq-corpus';
import { loadRulePack } from './index';

describe('the SigmaHQ Linux corpus', () => {
  const texts = sigmahqLinuxRules();
  const pack = loadRulePack(texts);

  it('has the vendored rule files', () => {
    expect(texts.length).toBe(210);
  });

  it('loads or rejects every rule, each rejection with a reason, rule id and position', () => {
    expect(pack.rules.length + pack.rejected.length).toBe(texts.length);
    for (const rejection of pack.rejected) {
      expect(rejection.reason.length).toBeGreaterThan(10);
      expect(rejection.ruleId).toMatch(/^[0-9a-f-]{36}$/);
      expect(rejection.line).toBeGreaterThan(0);
      expect([Code.InvalidArgument, Code.Unimplemented]).toContain(rejection.error.code);
    }
    const reasons = new Map<string, number>();
    for (const { reason } of pack.rejected) {
      const key = reason.replace(/ \(mapped: .*\)$/, '');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const top = [...reasons].sort((a, b) => b[1] - a[1]);
    console.log(
      `SigmaHQ rules/linux: ${texts.length} rules, ${pack.rules.length} loaded, ${pack.rejected.length} rejected\n` +
        top.map(([reason, count]) => `  ${String(count).padStart(3)}  ${reason}`).join('\n'),
    );
  });

  it('loads every process_creation and network_connection rule except those using fields Omega lacks', () => {
    const byCategory = new Map<string, number>();
    for (const rule of pack.rules) {
      const category = rule.rule.logsource.category ?? '';
      byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
    }
    expect(byCategory.get('network_connection')).toBe(5);
    const processRejections = pack.rejected.filter((r) => r.source.startsWith('process_creation/'));
    expect(processRejections.map((r) => r.reason.split(':')[0])).toEqual([
      'field LogonId',
      'field LogonId',
    ]);
  });

  it("rejects auditd by logsource, not by accident, and loads every file_event rule (the sentinel's watched-prefix file telemetry)", () => {
    for (const rejection of pack.rejected) {
      if (rejection.source.startsWith('auditd/'))
        expect(rejection.reason).toMatch(/^logsource service auditd:/);
    }
    const fileEventSources = texts.filter((t) => t.source.startsWith('file_event/'));
    expect(fileEventSources.length).toBe(8);
    expect(pack.rejected.filter((r) => r.source.startsWith('file_event/'))).toEqual([]);
    expect(pack.rules.filter((r) => r.logsource.category === 'file_event')).toHaveLength(8);
  });

  it('maps levels to OCSF severities and tags to ATT&CK ids for the loaded rules', () => {
    for (const { rule } of pack.rules) {
      expect(rule.severityId).toBeGreaterThanOrEqual(1);
      for (const id of rule.attackTechniques) expect(id).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
    const reverseShell = pack.rules.find(
      (r) => r.rule.id === '83dcd9f6-9ca8-4af7-a16e-a1c7a6b51871',
    );
    expect(reverseShell?.rule.severityId).toBe(5);
    expect(reverseShell?.rule.attackTechniques).toEqual(['T1059.004']);
  });
});
