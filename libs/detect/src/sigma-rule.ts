// The parsed (not yet compiled) shape of a Sigma rule, with source positions for every clause.
import type { ConditionNode } from './condition-parser';
import type { RuleSampleEvents } from './rule-sample-events';
import type { SourcePosition } from './sigma-rule-error';

export type SigmaValue = string | number | boolean | null;

export type SigmaLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

export type SigmaStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';

export interface SigmaLogsource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
}

/**
 * One `Field|modifier|...: value(s)` line of a selection. A keyword search (a plain list under a
 * search identifier, or a `'|modifier'` key) has `field === null`.
 */
export interface SigmaFieldClause {
  readonly field: string | null;
  readonly modifiers: readonly string[];
  readonly values: readonly SigmaValue[];
  /** Whether the value was written as a YAML list (a one-item list is still a list). */
  readonly listed: boolean;
  readonly pos: SourcePosition;
}

/**
 * A search identifier's definition. `alternatives` are OR-ed; each is a list of clauses AND-ed
 * (a map is one alternative; a list of maps is several; a keyword list is one keyword clause).
 */
export interface SigmaSearch {
  readonly name: string;
  readonly alternatives: readonly (readonly SigmaFieldClause[])[];
  readonly pos: SourcePosition;
}

export interface SigmaCondition {
  readonly text: string;
  readonly tree: ConditionNode;
  readonly pos: SourcePosition;
}

export interface SigmaDetection {
  readonly searches: readonly SigmaSearch[];
  /** Several conditions are OR-ed (Sigma rules specification, "Condition"). */
  readonly conditions: readonly SigmaCondition[];
}

export interface SigmaRule {
  readonly source: string | undefined;
  readonly id: string;
  readonly title: string;
  readonly status: SigmaStatus | undefined;
  readonly description: string | undefined;
  /** The rule's `author`: alerts carry it, as the Detection Rule License asks of shared rules. */
  readonly author?: string;
  readonly level: SigmaLevel | undefined;
  /** OCSF severity_id from `level` (informational 1 ... critical 5); 0 when the rule has no level. */
  readonly severityId: number;
  readonly tags: readonly string[];
  /** ATT&CK technique ids from `attack.tNNNN[.NNN]` tags, e.g. "T1059.004". */
  readonly attackTechniques: readonly string[];
  readonly logsource: SigmaLogsource;
  readonly detection: SigmaDetection;
  readonly falsepositives: readonly string[];
  /** The rule's own positive and negative test events (`samples:`), when it has them. */
  readonly samples?: RuleSampleEvents;
  /** Where the rule's document starts in its source. */
  readonly pos: SourcePosition;
}
