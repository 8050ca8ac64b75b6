// Loads many rule texts at once: every rule either compiles or is rejected with a named reason.
import { Code } from '@omega/errors';
import type { Event } from '@omega/proto';
import { compileSigmaRule, type CompiledSigmaRule } from './compile-rule';
import { EventView } from './event-view';
import { FieldLiteralIndex } from './literal-index';
import { parseSigmaRules } from './parse-rule';
import { ruleGuard } from './rule-guard';
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
 * lower-cased once per event. Rules are grouped by event class; within a class, an index over the
 * rules' guard literals (rule-guard.ts) picks the rules that could match, and only those are
 * evaluated, in load order: the matches are exactly those of evaluating every rule.
 */
export class RuleSetMatcher {
  private readonly view = new EventView();
  private readonly byClass = new Map<number, ClassRules>();

  constructor(rules: readonly CompiledSigmaRule[]) {
    const grouped = new Map<number, CompiledSigmaRule[]>();
    for (const rule of rules) {
      const list = grouped.get(rule.logsource.eventClass) ?? [];
      list.push(rule);
      grouped.set(rule.logsource.eventClass, list);
    }
    for (const [eventClass, list] of grouped) this.byClass.set(eventClass, new ClassRules(list));
  }

  /** Calls `onMatch` for every rule the event matches, in load order; returns how many matched. */
  match(event: Event, onMatch?: (rule: CompiledSigmaRule) => void): number {
    const rules = this.byClass.get(event.classUid);
    if (!rules) return 0;
    return rules.match(this.view.reset(event), onMatch);
  }
}

/** One event class's rules: those without a guard always run, the rest when a literal holds. */
class ClassRules {
  private readonly alwaysRun: Uint8Array;
  private readonly candidateEpoch: Uint32Array;
  private epoch = 0;
  private readonly indexes: FieldLiteralIndex[] = [];
  private readonly markCandidate = (owner: number): void => {
    this.candidateEpoch[owner] = this.epoch;
  };

  constructor(private readonly rules: readonly CompiledSigmaRule[]) {
    this.alwaysRun = new Uint8Array(rules.length);
    this.candidateEpoch = new Uint32Array(rules.length);
    const byField = new Map<string, FieldLiteralIndex>();
    rules.forEach((rule, owner) => {
      const guard = ruleGuard(rule);
      if (!guard) {
        this.alwaysRun[owner] = 1;
        return;
      }
      for (const { field, cased, kind, literal } of guard) {
        const key = `${field.slot}:${cased}`;
        let index = byField.get(key);
        if (!index) {
          index = new FieldLiteralIndex(field, cased);
          byField.set(key, index);
        }
        index.add(kind, literal, owner);
      }
    });
    for (const index of byField.values()) {
      index.seal();
      this.indexes.push(index);
    }
  }

  match(view: EventView, onMatch?: (rule: CompiledSigmaRule) => void): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.candidateEpoch.fill(0);
      this.epoch = 1;
    }
    for (let i = 0; i < this.indexes.length; i++)
      this.indexes[i]!.collect(view, this.markCandidate);
    const { rules, alwaysRun, candidateEpoch, epoch } = this;
    let matched = 0;
    for (let i = 0; i < rules.length; i++) {
      if (alwaysRun[i] === 0 && candidateEpoch[i] !== epoch) continue;
      const rule = rules[i]!;
      if (rule.matchesView(view)) {
        matched++;
        onMatch?.(rule);
      }
    }
    return matched;
  }
}
