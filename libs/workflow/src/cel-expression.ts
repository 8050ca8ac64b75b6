// CEL expressions (https://cel.dev) through @bufbuild/cel, bounded before they run: the source's
// length, the size and nesting of its syntax tree and its comprehensions (no comprehension inside
// another, so evaluation is linear in the inputs). The one path every CEL expression of a workflow
// takes, from playbook conditions to the conformance spec.
import {
  celEnv,
  isCelError,
  parse,
  plan,
  type CelEnv,
  type CelInput,
  type CelResult,
} from '@bufbuild/cel';
import { Code, OmegaError } from '@omega/errors';

export type CelExpr = ReturnType<typeof parse>['expr'];
export type CelParsed = ReturnType<typeof parse>;

export interface CelLimits {
  /** Characters of source. */
  maxSourceChars: number;
  /** Nodes of the syntax tree after macro expansion. */
  maxNodes: number;
  /** Nesting depth of the syntax tree. */
  maxDepth: number;
  /** Comprehensions (all, exists, exists_one, map, filter); never one inside another. */
  maxComprehensions: number;
}

export const CEL_LIMITS: CelLimits = {
  maxSourceChars: 1024,
  maxNodes: 256,
  maxDepth: 32,
  maxComprehensions: 4,
};

export interface CelProgram {
  source: string;
  parsed: CelParsed;
  run(bindings: Record<string, CelInput>): CelResult;
}

/** A line:column of a character offset of `source` (1-based). */
export function lineColumn(source: string, offset: number): string {
  const before = source.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/** Where an expression node starts in its source, as line:column. */
export function positionOf(parsed: CelParsed, id: bigint, source: string): string {
  const offset = parsed.sourceInfo?.positions[id.toString()];
  return offset === undefined ? '1:1' : lineColumn(source, offset);
}

/** Parses within `limits`; throws InvalidArgument naming `where`, line:column and CEL's message. */
export function parseBounded(source: string, where: string, limits = CEL_LIMITS): CelParsed {
  if (source.length > limits.maxSourceChars) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: expression is ${source.length} characters, over the limit of ${limits.maxSourceChars}`,
    );
  }
  if (source.trim() === '') {
    throw new OmegaError(Code.InvalidArgument, `${where}: expression is empty`);
  }
  let parsed: CelParsed;
  try {
    parsed = parse(source);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: CEL syntax error at ${message.replace(/^<input>:/, '')}`,
      { cause: err },
    );
  }
  checkShape(parsed, source, where, limits);
  return parsed;
}

function checkShape(parsed: CelParsed, source: string, where: string, limits: CelLimits): void {
  let nodes = 0;
  let comprehensions = 0;
  const fail = (expr: CelExpr, message: string): never => {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: at ${positionOf(parsed, expr.id, source)}: ${message}`,
    );
  };
  const visit = (expr: CelExpr | undefined, depth: number, inComprehension: boolean): void => {
    if (!expr) return;
    nodes++;
    if (nodes > limits.maxNodes) fail(expr, `expression has over ${limits.maxNodes} nodes`);
    if (depth > limits.maxDepth) fail(expr, `expression nests deeper than ${limits.maxDepth}`);
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'selectExpr':
        return visit(kind.value.operand, depth + 1, inComprehension);
      case 'callExpr':
        visit(kind.value.target, depth + 1, inComprehension);
        return kind.value.args.forEach((a) => visit(a, depth + 1, inComprehension));
      case 'listExpr':
        return kind.value.elements.forEach((e) => visit(e, depth + 1, inComprehension));
      case 'structExpr':
        return kind.value.entries.forEach((entry) => {
          if (entry.keyKind.case === 'mapKey')
            visit(entry.keyKind.value, depth + 1, inComprehension);
          visit(entry.value, depth + 1, inComprehension);
        });
      case 'comprehensionExpr': {
        if (inComprehension) fail(expr, 'a comprehension inside another is not allowed');
        comprehensions++;
        if (comprehensions > limits.maxComprehensions) {
          fail(expr, `expression has over ${limits.maxComprehensions} comprehensions`);
        }
        const c = kind.value;
        visit(c.iterRange, depth + 1, false);
        for (const part of [c.accuInit, c.loopCondition, c.loopStep, c.result]) {
          visit(part, depth + 1, true);
        }
        return;
      }
      default:
        return;
    }
  };
  visit(parsed.expr, 0, false);
}

/** Parses (bounded) and plans an expression in `env`; running it never throws. */
export function compileExpression(
  source: string,
  env: CelEnv,
  where: string,
  limits = CEL_LIMITS,
): CelProgram {
  const parsed = parseBounded(source, where, limits);
  const evaluate = plan(env, parsed) as (bindings: Record<string, CelInput>) => CelResult;
  return { source, parsed, run: (bindings) => evaluate(bindings) };
}

/** The standard environment: CEL's standard functions and macros, no extensions. */
export const STANDARD_ENV: CelEnv = celEnv();

export { isCelError };
