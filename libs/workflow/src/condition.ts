// Step conditions are CEL expressions (https://cel.dev, the language of Kubernetes' admission
// policies) over the workflow: `alert`, `inputs`, `workflow` and `failure` are maps of strings,
// `steps` maps a step id to its status, error, attempt and outputs, e.g.
//   has(alert.pod) && steps["what-if"].broken_flows == "0"
// Checked when a playbook loads (syntax, declared names, types, step ids, a bool result, the
// bounds of cel-expression.ts) and evaluated when the step is due.
import { isCelError } from '@bufbuild/cel';
import { Code, OmegaError } from '@omega/errors';
import { checkExpression, T, typeName, type CelT } from './cel-check';
import {
  STANDARD_ENV,
  compileExpression,
  positionOf,
  type CelExpr,
  type CelParsed,
} from './cel-expression';

const STRINGS = T.map(T.string, T.string);

/** Names a condition can read; `failure` only in on_failure and compensation steps. */
export function conditionVariables(withFailure: boolean): ReadonlyMap<string, CelT> {
  const variables = new Map<string, CelT>([
    ['alert', STRINGS],
    ['inputs', STRINGS],
    ['workflow', STRINGS],
    ['steps', T.map(T.string, STRINGS)],
  ]);
  if (withFailure) variables.set('failure', STRINGS);
  return variables;
}

export interface ConditionContext {
  /** Every step id of the plan (steps["x"] must name one). */
  stepIds: ReadonlySet<string>;
  /** on_failure and compensation steps may read `failure`. */
  failure: boolean;
}

/** Hints for the two mistakes a playbook migrated from the `${...}` language makes. */
function hint(source: string): string {
  if (source.includes('${')) {
    return ' (conditions are CEL: write alert.pod, not ${alert.pod}; see docs/orchestrator.md)';
  }
  const dashed = /steps\.([a-z0-9]+-[a-z0-9-]*)/.exec(source);
  if (dashed) return ` (a step id with '-' is written steps["${dashed[1]}"])`;
  return '';
}

/** Checks a condition at load; throws InvalidArgument naming `where`, the position and why. */
export function checkCondition(source: string, where: string, context: ConditionContext): void {
  let parsed: CelParsed;
  try {
    parsed = compileExpression(source, STANDARD_ENV, where).parsed;
    const type = checkExpression(parsed, source, conditionVariables(context.failure), where);
    if (type.k !== 'bool' && type.k !== 'dyn') {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: a condition must be a bool, this one is a ${typeName(type)}`,
      );
    }
  } catch (err) {
    if (err instanceof OmegaError && err.code === Code.InvalidArgument) {
      throw new OmegaError(Code.InvalidArgument, `${err.message}${hint(source)}`, { cause: err });
    }
    throw err;
  }
  for (const { id, expr } of stepReferences(parsed.expr)) {
    if (!context.stepIds.has(id)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: at ${positionOf(parsed, expr.id, source)}: steps["${id}"] names no step of this playbook`,
      );
    }
  }
}

/** `steps.x` and `steps["x"]` in an expression: the step ids it reads by name. */
function stepReferences(root: CelExpr): { id: string; expr: CelExpr }[] {
  const found: { id: string; expr: CelExpr }[] = [];
  const isSteps = (e: CelExpr | undefined) =>
    e?.exprKind.case === 'identExpr' && e.exprKind.value.name === 'steps';
  const visit = (expr: CelExpr | undefined): void => {
    if (!expr) return;
    const kind = expr.exprKind;
    if (kind.case === 'selectExpr') {
      if (isSteps(kind.value.operand)) found.push({ id: kind.value.field, expr });
      visit(kind.value.operand);
    } else if (kind.case === 'callExpr') {
      const [container, key] = kind.value.args;
      if (
        kind.value.function === '_[_]' &&
        isSteps(container) &&
        key?.exprKind.case === 'constExpr' &&
        key.exprKind.value.constantKind.case === 'stringValue'
      ) {
        found.push({ id: key.exprKind.value.constantKind.value, expr });
      }
      visit(kind.value.target);
      kind.value.args.forEach(visit);
    } else if (kind.case === 'listExpr') kind.value.elements.forEach(visit);
    else if (kind.case === 'structExpr') {
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value);
        visit(entry.value);
      }
    } else if (kind.case === 'comprehensionExpr') {
      const c = kind.value;
      [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(visit);
    }
  };
  visit(root);
  return found;
}

/**
 * Evaluates a condition against its bindings (workflow-scope.ts). A CEL error (a key that is
 * not there: guard it with has()) or a result that is not a bool throws InvalidArgument.
 */
export function evaluateCondition(
  source: string,
  bindings: Record<string, unknown>,
  where: string,
): boolean {
  const program = compileExpression(source, STANDARD_ENV, where);
  const result = program.run(bindings as Parameters<typeof program.run>[0]);
  if (isCelError(result)) {
    const missing = /^(field not found|no such key)/.test(result.message)
      ? ' (guard a key that may be missing with has(), e.g. has(alert.pod))'
      : '';
    throw new OmegaError(Code.InvalidArgument, `${where}: ${result.message}${missing}`);
  }
  if (typeof result !== 'boolean') {
    throw new OmegaError(Code.InvalidArgument, `${where}: evaluated to a non-bool value`);
  }
  return result;
}
