// A Lua rule script as the contract's Rule message (ListRules, ValidateRules, TestRules).
import { DetectorKind, RuleFormat, type Rule, type Severity } from '@omega/proto';
import type { LuaRuleScript } from './lua-rule-script';

export function luaRuleMessage(
  script: LuaRuleScript,
  loadTimeNs: bigint,
  matchCount: number,
): Rule {
  const d = script.description;
  return {
    id: script.ruleId,
    name: d.title,
    description: d.description,
    kind: DetectorKind.DETECTOR_KIND_RULE,
    severity: d.severity as Severity,
    attackTechniqueIds: [...d.attackTechniqueIds],
    tags: [...d.tags],
    enabled: !script.disabled,
    format: RuleFormat.RULE_FORMAT_LUA,
    source: script.sourceText,
    sourceName: script.sourceName,
    sourceSha256: script.sourceSha256,
    loadTimeNs,
    matchCount: BigInt(matchCount),
  };
}
