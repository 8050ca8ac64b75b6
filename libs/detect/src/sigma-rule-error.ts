// The error a Sigma rule is rejected with: an OmegaError that also says which rule and where.
import { Code, OmegaError } from '@omega/errors';

/** Where in a rule's source text something sits (1-based; 0 when unknown). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface SigmaRuleErrorDetails {
  /** File name or other label the rule text came from, as the caller gave it. */
  readonly source?: string;
  readonly ruleId?: string;
  readonly position?: SourcePosition;
}

/**
 * Raised when a rule is invalid (Code.InvalidArgument) or uses a Sigma feature Omega does not
 * implement or cannot evaluate over its events (Code.Unimplemented). `reason` is the bare
 * explanation; `message` prefixes it with source, rule id and line:column.
 */
export class SigmaRuleError extends OmegaError {
  readonly source: string | undefined;
  readonly ruleId: string | undefined;
  readonly line: number;
  readonly column: number;

  constructor(
    code: Code,
    readonly reason: string,
    details: SigmaRuleErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, formatMessage(reason, details), options);
    this.source = details.source;
    this.ruleId = details.ruleId;
    this.line = details.position?.line ?? 0;
    this.column = details.position?.column ?? 0;
  }

  /** The same error with the rule id and source filled in (ids are known only after parsing). */
  withContext(source: string | undefined, ruleId: string | undefined): SigmaRuleError {
    if (this.source === source && this.ruleId === ruleId) return this;
    return new SigmaRuleError(
      this.code,
      this.reason,
      {
        source: this.source ?? source,
        ruleId: this.ruleId ?? ruleId,
        position: { line: this.line, column: this.column },
      },
      { cause: this.cause },
    );
  }
}

function formatMessage(reason: string, details: SigmaRuleErrorDetails): string {
  const where: string[] = [];
  if (details.source) where.push(details.source);
  if (details.position && details.position.line > 0) {
    where.push(`${details.position.line}:${details.position.column}`);
  }
  const prefix = where.length > 0 ? `${where.join(':')}: ` : '';
  const rule = details.ruleId ? `rule ${details.ruleId}: ` : '';
  return `${prefix}${rule}${reason}`;
}

/** Shorthand for an invalid-rule error at a position. */
export function invalidRule(reason: string, position?: SourcePosition): SigmaRuleError {
  return new SigmaRuleError(Code.InvalidArgument, reason, { position });
}

/** Shorthand for a named feature Omega does not support. */
export function unsupportedFeature(reason: string, position?: SourcePosition): SigmaRuleError {
  return new SigmaRuleError(Code.Unimplemented, reason, { position });
}
