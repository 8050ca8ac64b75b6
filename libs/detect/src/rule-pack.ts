// Loads many rule texts at once: every rule either compiles or is rejected with a named reason.
import { Code } from '@omega/runtime';
import type { Event } from '@omega/proto';
import { compileSigmaRule, type CompiledSigmaRule } from './compile-rule';
import { EventView } from './event-view';
import { parseSigmaRules } from './parse-rule';
import { SigmaRuleError } from './sigma-rule-error';

export interface RuleText {
  /** File name or label, echoed in rejections. */
  readonly source: string;
  readonly text: string;
}

export interface RejectedRule {
  readonly source: string;
  readonly ruleId?: string;
  readonly line?: number;
  readonly column?: number;
  /** Why, without the position prefix; `error.message` has the full form. */
  readonly reason: string;
  readonly error: SigmaRuleError;
}

export interface RulePack {
  readonly rules: readonly CompiledSigmaRule[];
  readonly rejected: readonly RejectedRule[];
}

/**
 * Parses and compiles every text. Collections yield several rules; a text that fails to parse is
 * one rejection; duplicate rule ids are rejected after the first. Errors other than
 * SigmaRuleError (bugs) are rethrown, never counted as rejections.
 */
export function loadRulePack(texts: readonly RuleText[]): RulePack {
  const rules: CompiledSigmaRule[] = [];
  const rejected: RejectedRule[] = [];
  const seen = new Set<string>();
  const reject = (source: string, error: SigmaRuleError): void => {
    rejected.push({
      source,
      ...(error.ruleId ? { ruleId: error.ruleId } : {}),
      ...(error.line > 0 ? { line: error.line, column: error.column } : {}),
      reason: error.reason,
      error,
    });
  };
  for (const { source, text } of texts) {
    let parsed;
    try {
      parsed = parseSigmaRules(text, { source });
    } catch (err) {
      if (!(err instanceof SigmaRuleError)) throw err;
      reject(source, err);
      continue;
    }
    for (const rule of parsed) {
      if (seen.has(rule.id)) {
        reject(
          source,
          new SigmaRuleError(Code.InvalidArgument, `duplicate rule id ${rule.id}`, {
            source,
            ruleId: rule.id,
            position: rule.pos,
          }),
        );
        continue;
      }
      try {
        rules.push(compileSigmaRule(rule));
        seen.add(rule.id);
      } catch (err) {
        if (!(err instanceof SigmaRuleError)) throw err;
        reject(source, err);
      }
    }
  }
  return { rules, rejected };
}

/**
 * Evaluates compiled rules over events with one shared EventView, so each field is read and
 * lower-cased once per event. Rules are grouped by event class; an event only meets its class's
 * rules.
 */
export class RuleSetMatcher {
  private readonly view = new EventView();
  private readonly byClass = new Map<number, CompiledSigmaRule[]>();

  constructor(rules: readonly CompiledSigmaRule[]) {
    for (const rule of rules) {
      const list = this.byClass.get(rule.logsource.eventClass) ?? [];
      list.push(rule);
      this.byClass.set(rule.logsource.eventClass, list);
    }
  }

  /** Calls `onMatch` for every rule the event matches; returns how many matched. */
  match(event: Event, onMatch?: (rule: CompiledSigmaRule) => void): number {
    const rules = this.byClass.get(event.classUid);
    if (!rules) return 0;
    const view = this.view.reset(event);
    let matched = 0;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.matchesView(view)) {
        matched++;
        onMatch?.(rule);
      }
    }
    return matched;
  }
}
