// A Lua rule script as intelligence runs it: its `rule` description, a sandbox whose state holds
// one bounded table per entity (least recently seen evicted first), and its faults: a fault
// (error, budget, memory) resets the sandbox, and after `maxFaults` the script is disabled until
// it is loaded again.
import { createHash } from 'node:crypto';
import { SEVERITY_BY_LEVEL } from '@omega/detect';
import type { Event } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { entityKeyOfEvent } from '../alert-builder';
import { luaEventFields } from './lua-event-fields';
import {
  LuaFault,
  type LuaFaultReason,
  type LuaLimits,
  type LuaRuntime,
  type LuaSandbox,
} from './lua-sandbox';

export interface LuaScriptLimits extends LuaLimits {
  /** Faults after which the script is disabled (until loaded again). */
  readonly maxFaults: number;
  /** Entities whose state a script keeps; the least recently seen is forgotten past it. */
  readonly maxEntities: number;
}

export const DEFAULT_LUA_LIMITS: LuaScriptLimits = {
  instructionBudget: 100_000,
  memoryBytes: 16 * 1024 * 1024,
  maxFaults: 5,
  maxEntities: 10_000,
};

/** The script's `rule` table, checked. */
export interface LuaRuleDescription {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Sigma level name: informational, low, medium, high, critical. */
  readonly level: string;
  readonly severity: number;
  readonly attackTechniqueIds: readonly string[];
  /** Sigma logsource categories it is called for; empty: every event. */
  readonly categories: readonly string[];
  readonly tags: readonly string[];
}

/** What a script returned for an event. */
export interface LuaFinding {
  readonly explanation: string;
  /** OCSF severity id (the rule's unless the finding names a level). */
  readonly severity: number;
  readonly attackTechniqueIds: readonly string[];
  /** Evidence as name = value, sorted by name. */
  readonly evidence: readonly (readonly [string, string])[];
  readonly title: string;
  /** The entity key the state was held under. */
  readonly entityKey: string;
}

export interface LuaFaultRecord {
  readonly reason: LuaFaultReason;
  readonly message: string;
  /** Faults so far, this one included. */
  readonly faults: number;
  /** This fault disabled the script. */
  readonly disabled: boolean;
}

export type LuaOutcome =
  | { readonly kind: 'skipped' }
  | { readonly kind: 'quiet' }
  | { readonly kind: 'finding'; readonly finding: LuaFinding }
  | { readonly kind: 'fault'; readonly fault: LuaFaultRecord };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TECHNIQUE_PATTERN = /^T\d{4}(\.\d{3})?$/;
const MAX_EXPLANATION_CHARS = 2000;
const MAX_EVIDENCE_ENTRIES = 16;
const MAX_EVIDENCE_CHARS = 512;

/** Reads and checks the `rule` table; InvalidArgument naming the field otherwise. */
function describe(sandbox: LuaSandbox, sourceName: string): LuaRuleDescription {
  const bad = (detail: string): OmegaError =>
    new OmegaError(Code.InvalidArgument, `${sourceName}: ${detail}`);
  const rule = sandbox.globalTable('rule');
  if (!rule) throw bad('the script must set a global table `rule` (id, title, level, ...)');
  const text = (name: string): string => {
    const value = rule[name];
    return typeof value === 'string' ? value : '';
  };
  const list = (name: string): string[] => {
    const value = rule[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw bad(`rule.${name}: expected a list of strings`);
    return value;
  };
  const id = text('id');
  if (!ID_PATTERN.test(id)) {
    throw bad(`rule.id: ${JSON.stringify(id)} is not an id (letters, digits, . _ -, up to 128)`);
  }
  const title = text('title');
  if (!title) throw bad('rule.title: expected a non-empty string');
  const level = text('level') || 'medium';
  const severity = SEVERITY_BY_LEVEL[level as keyof typeof SEVERITY_BY_LEVEL];
  if (severity === undefined) {
    throw bad(
      `rule.level: ${JSON.stringify(level)}; expected one of ${Object.keys(SEVERITY_BY_LEVEL).join(', ')}`,
    );
  }
  const attack = list('attack');
  const badTechnique = attack.find((t) => !TECHNIQUE_PATTERN.test(t));
  if (badTechnique !== undefined) {
    throw bad(
      `rule.attack: ${JSON.stringify(badTechnique)} is not an ATT&CK technique id (T1234 or T1234.001)`,
    );
  }
  const categories = list('categories');
  if (sandbox.globalType('on_event') !== 'function') {
    throw bad('the script must define a function on_event(event, state)');
  }
  return {
    id,
    title,
    description: text('description'),
    level,
    severity,
    attackTechniqueIds: attack,
    categories,
    tags: list('tags'),
  };
}

export class LuaRuleScript {
  readonly description: LuaRuleDescription;
  readonly sourceSha256: Buffer;
  private sandbox: LuaSandbox;
  /** Entity keys in least-recently-seen-first order (a Map keeps insertion order). */
  private readonly entities = new Map<string, true>();
  private faultCount = 0;
  private calls = 0;

  /** Compiles and runs the top-level chunk within the limits; LuaFault / OmegaError otherwise. */
  constructor(
    private readonly runtime: LuaRuntime,
    readonly sourceName: string,
    readonly sourceText: string,
    readonly limits: LuaScriptLimits,
  ) {
    this.sandbox = runtime.sandbox(sourceText, sourceName, limits);
    try {
      this.description = describe(this.sandbox, sourceName);
    } catch (err) {
      this.sandbox.close();
      throw err;
    }
    this.sourceSha256 = createHash('sha256').update(sourceText).digest();
  }

  /** `lua:<id>`, as ListRules and alerts name it. */
  get ruleId(): string {
    return `lua:${this.description.id}`;
  }

  get faults(): number {
    return this.faultCount;
  }

  get disabled(): boolean {
    return this.faultCount >= this.limits.maxFaults;
  }

  /** Entities whose state the script holds now. */
  get entityCount(): number {
    return this.entities.size;
  }

  get memoryBytes(): number {
    return this.sandbox.memoryBytes;
  }

  /** Runs on_event for one event (unless the script is disabled or not subscribed to its category). */
  observe(event: Event): LuaOutcome {
    if (this.disabled) return { kind: 'skipped' };
    const { category, fields } = luaEventFields(event);
    const { categories } = this.description;
    if (categories.length > 0 && !categories.includes(category)) return { kind: 'skipped' };
    const entityKey = entityKeyOfEvent(event);
    const evict = this.touch(entityKey);
    this.calls++;
    try {
      const out = this.sandbox.dispatch(
        { ...fields, category, entity: entityKey },
        entityKey,
        evict,
      );
      if (!out) return { kind: 'quiet' };
      return { kind: 'finding', finding: this.findingOf(out, entityKey) };
    } catch (err) {
      return { kind: 'fault', fault: this.fault(err) };
    }
  }

  close(): void {
    this.sandbox.close();
  }

  private findingOf(out: string[], entityKey: string): LuaFinding {
    const [explanation, level, techniques, evidence, title, entity] = out as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const severity = SEVERITY_BY_LEVEL[level as keyof typeof SEVERITY_BY_LEVEL];
    const attack = techniques
      ? techniques.split('\u001f').filter((t) => TECHNIQUE_PATTERN.test(t))
      : [];
    return {
      explanation: explanation.slice(0, MAX_EXPLANATION_CHARS),
      severity: severity ?? this.description.severity,
      attackTechniqueIds: attack.length > 0 ? attack : this.description.attackTechniqueIds,
      evidence: evidence
        ? evidence
            .split('\u001e')
            .slice(0, MAX_EVIDENCE_ENTRIES)
            .map((pair) => {
              const [name = '', value = ''] = pair.split('\u001f');
              return [name.slice(0, 128), value.slice(0, MAX_EVIDENCE_CHARS)] as const;
            })
        : [],
      title: (title || this.description.title).slice(0, 256),
      entityKey: entity ? entity.slice(0, 256) : entityKey,
    };
  }

  /** Marks `key` most recently seen; returns the key to forget when the table is over its bound. */
  private touch(key: string): string | undefined {
    if (this.entities.delete(key)) {
      this.entities.set(key, true);
      return undefined;
    }
    this.entities.set(key, true);
    if (this.entities.size <= this.limits.maxEntities) return undefined;
    const oldest = this.entities.keys().next().value!;
    this.entities.delete(oldest);
    return oldest;
  }

  /** Counts the fault and starts a fresh sandbox (the old one may be mid-update or full). */
  private fault(err: unknown): LuaFaultRecord {
    this.faultCount++;
    const reason: LuaFaultReason = err instanceof LuaFault ? err.reason : 'error';
    const message = err instanceof Error ? err.message : String(err);
    this.sandbox.close();
    this.entities.clear();
    if (this.disabled) return { reason, message, faults: this.faultCount, disabled: true };
    try {
      this.sandbox = this.runtime.sandbox(this.sourceText, this.sourceName, this.limits);
    } catch (restartErr) {
      // It loaded before; if it cannot start again it stays off.
      this.faultCount = Math.max(this.faultCount, this.limits.maxFaults);
      return {
        reason,
        message: `${message}; restart failed: ${String(restartErr)}`,
        faults: this.faultCount,
        disabled: true,
      };
    }
    return { reason, message, faults: this.faultCount, disabled: this.disabled };
  }
}
