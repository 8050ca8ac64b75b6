// TestRules: rule sources (not loaded) run against sample events; every match with the explanation
// and reasons its alert would carry. Nothing is published and no detector state changes.
import type { TestRulesRequest, TestRulesResponse } from '@omega/proto';
import { alertFromSigmaMatch } from './alert-builder';
import { compileRuleSources, sigmaRuleMessage } from './rule-catalog';

export function testRules(request: TestRulesRequest): TestRulesResponse {
  const { valid, diagnostics, loaded } = compileRuleSources(request.sources);
  const rules = loaded.map((rule) => sigmaRuleMessage(rule, 0n, 0));
  if (!valid) return { valid, diagnostics, rules, matches: [] };
  const matches: TestRulesResponse['matches'] = [];
  const batch = { senderId: '', sessionId: '', sequence: 0n, streamSequence: 0n };
  request.events.forEach((event, eventIndex) => {
    for (const { compiled } of loaded) {
      if (!compiled.matches(event)) continue;
      const { alert } = alertFromSigmaMatch(
        compiled,
        compiled.explain(event),
        { event, batch, eventIndex },
        60_000,
      );
      matches.push({
        ruleId: alert.ruleId,
        eventIndex,
        eventId: event.id,
        explanation: alert.explanation,
        reasons: alert.reasons,
      });
    }
  });
  return { valid, diagnostics, rules, matches };
}
