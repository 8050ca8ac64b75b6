// A type checker for the CEL a workflow evaluates: variables whose types are declared, CEL's
// standard operators, functions, conversions and macros. @bufbuild/cel 0.6 evaluates the whole
// language but does not yet check types (bufbuild/cel-es#129), and a playbook must be refused at
// load, not when an alert arrives: this checks what conditions can use and names the position.
import { Code, OmegaError } from '@omega/errors';
import { positionOf, type CelExpr, type CelParsed } from './cel-expression';

export type CelT =
  | { k: 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'null' | 'dyn' }
  | { k: 'list'; e: CelT }
  | { k: 'map'; key: CelT; v: CelT };

const scalar = (k: 'bool' | 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'null' | 'dyn') =>
  ({ k }) as CelT;
export const T = {
  bool: scalar('bool'),
  int: scalar('int'),
  uint: scalar('uint'),
  double: scalar('double'),
  string: scalar('string'),
  bytes: scalar('bytes'),
  null: scalar('null'),
  dyn: scalar('dyn'),
  list: (e: CelT): CelT => ({ k: 'list', e }),
  map: (key: CelT, v: CelT): CelT => ({ k: 'map', key, v }),
};

export function typeName(t: CelT): string {
  if (t.k === 'list') return `list(${typeName(t.e)})`;
  if (t.k === 'map') return `map(${typeName(t.key)}, ${typeName(t.v)})`;
  return t.k === 'null' ? 'null_type' : t.k;
}

/** Whether a value of type `a` may stand where `b` is expected (dyn fits both ways). */
function fits(a: CelT, b: CelT): boolean {
  if (a.k === 'dyn' || b.k === 'dyn') return true;
  if (a.k === 'list' && b.k === 'list') return fits(a.e, b.e);
  if (a.k === 'map' && b.k === 'map') return fits(a.key, b.key) && fits(a.v, b.v);
  return a.k === b.k;
}

/** The common type of two (a list literal's elements, a conditional's branches): dyn unless equal. */
function join(a: CelT, b: CelT): CelT {
  return typeName(a) === typeName(b) ? a : T.dyn;
}

const NUMERIC = new Set(['int', 'uint', 'double']);
const ORDERED = new Set(['int', 'uint', 'double', 'string', 'bytes', 'bool']);
const CONVERSIONS: Record<string, CelT> = {
  int: T.int,
  uint: T.uint,
  double: T.double,
  string: T.string,
  bytes: T.bytes,
  bool: T.bool,
  dyn: T.dyn,
};
const STRING_METHODS = new Set(['contains', 'startsWith', 'endsWith', 'matches']);

/** Checks `parsed` with `variables` declared; returns its type or throws naming the position. */
export function checkExpression(
  parsed: CelParsed,
  source: string,
  variables: ReadonlyMap<string, CelT>,
  where: string,
): CelT {
  const fail = (expr: CelExpr, message: string): never => {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: at ${positionOf(parsed, expr.id, source)}: ${message}`,
    );
  };
  const check = (expr: CelExpr, scope: ReadonlyMap<string, CelT>): CelT => {
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr': {
        const c = kind.value.constantKind.case;
        if (c === 'boolValue') return T.bool;
        if (c === 'int64Value') return T.int;
        if (c === 'uint64Value') return T.uint;
        if (c === 'doubleValue') return T.double;
        if (c === 'stringValue') return T.string;
        if (c === 'bytesValue') return T.bytes;
        if (c === 'nullValue') return T.null;
        return fail(expr, `unsupported constant ${c ?? ''}`);
      }
      case 'identExpr': {
        const type = scope.get(kind.value.name);
        if (!type) {
          return fail(
            expr,
            `undeclared reference to '${kind.value.name}' (known: ${[...variables.keys()].join(', ')})`,
          );
        }
        return type;
      }
      case 'selectExpr': {
        const operand = check(kind.value.operand as CelExpr, scope);
        const field = kind.value.field;
        if (operand.k === 'dyn') return kind.value.testOnly ? T.bool : T.dyn;
        if (operand.k !== 'map' || !fits(T.string, operand.key)) {
          return fail(expr, `type '${typeName(operand)}' has no field '${field}'`);
        }
        return kind.value.testOnly ? T.bool : operand.v;
      }
      case 'listExpr': {
        if (kind.value.optionalIndices.length > 0) fail(expr, 'optional elements are not enabled');
        let element: CelT | undefined;
        for (const e of kind.value.elements) {
          const t = check(e, scope);
          element = element === undefined ? t : join(element, t);
        }
        return T.list(element ?? T.dyn);
      }
      case 'structExpr': {
        if (kind.value.messageName) {
          return fail(expr, `message '${kind.value.messageName}' is not declared`);
        }
        let key: CelT | undefined;
        let value: CelT | undefined;
        for (const entry of kind.value.entries) {
          if (entry.optionalEntry) fail(expr, 'optional entries are not enabled');
          const k = check(entry.keyKind.value as CelExpr, scope);
          const v = check(entry.value as CelExpr, scope);
          key = key === undefined ? k : join(key, k);
          value = value === undefined ? v : join(value, v);
        }
        return T.map(key ?? T.dyn, value ?? T.dyn);
      }
      case 'comprehensionExpr': {
        const c = kind.value;
        const range = check(c.iterRange as CelExpr, scope);
        const inner = new Map(scope);
        if (range.k === 'list') {
          if (c.iterVar2) {
            inner.set(c.iterVar, T.int);
            inner.set(c.iterVar2, range.e);
          } else inner.set(c.iterVar, range.e);
        } else if (range.k === 'map') {
          inner.set(c.iterVar, range.key);
          if (c.iterVar2) inner.set(c.iterVar2, range.v);
        } else if (range.k === 'dyn') {
          inner.set(c.iterVar, T.dyn);
          if (c.iterVar2) inner.set(c.iterVar2, T.dyn);
        } else {
          return fail(expr, `cannot range over '${typeName(range)}' (a list or map is needed)`);
        }
        // The accumulator starts as its initial value's type and widens to what the step makes.
        const init = check(c.accuInit as CelExpr, inner);
        inner.set(c.accuVar, init.k === 'list' ? T.list(T.dyn) : init);
        const condition = check(c.loopCondition as CelExpr, inner);
        if (!fits(condition, T.bool)) fail(expr, 'a comprehension condition must be a bool');
        const step = check(c.loopStep as CelExpr, inner);
        inner.set(c.accuVar, join(init, step));
        return check(c.result as CelExpr, inner);
      }
      case 'callExpr':
        return checkCall(expr, kind.value, scope);
      default:
        return fail(expr, 'empty expression');
    }
  };

  const checkCall = (
    expr: CelExpr,
    call: { function: string; target?: CelExpr | undefined; args: CelExpr[] },
    scope: ReadonlyMap<string, CelT>,
  ): CelT => {
    const args = call.args.map((a) => check(a, scope));
    const target = call.target ? check(call.target, scope) : undefined;
    const [a, b, c] = args as [CelT, CelT, CelT];
    const name = call.function;
    const mismatch = (): never =>
      fail(
        expr,
        `found no matching overload for '${name}' applied to '(${[...(target ? [target] : []), ...args].map(typeName).join(', ')})'`,
      );
    const need = (ok: boolean, result: CelT): CelT => (ok ? result : mismatch());
    const isBool = (t: CelT) => fits(t, T.bool);
    switch (name) {
      case '_&&_':
      case '_||_':
        return need(isBool(a) && isBool(b), T.bool);
      case '!_':
      case '@not_strictly_false':
        return need(isBool(a), T.bool);
      case '_==_':
      case '_!=_':
        return need(fits(a, b) || (a.k === 'null') !== (b.k === 'null'), T.bool);
      case '_<_':
      case '_<=_':
      case '_>_':
      case '_>=_':
        if (a.k === 'dyn' || b.k === 'dyn') return T.bool;
        if (NUMERIC.has(a.k) && NUMERIC.has(b.k)) return T.bool;
        return need(ORDERED.has(a.k) && a.k === b.k, T.bool);
      case '_+_':
        if (a.k === 'dyn' || b.k === 'dyn') return a.k === 'dyn' ? b : a;
        if (a.k === 'list' && b.k === 'list') return T.list(join(a.e, b.e));
        return need(a.k === b.k && ['int', 'uint', 'double', 'string', 'bytes'].includes(a.k), a);
      case '_-_':
      case '_*_':
      case '_/_':
      case '_%_':
        if (a.k === 'dyn' || b.k === 'dyn') return a.k === 'dyn' ? b : a;
        return need(a.k === b.k && NUMERIC.has(a.k) && (name !== '_%_' || a.k !== 'double'), a);
      case '-_':
        return need(a.k === 'dyn' || a.k === 'int' || a.k === 'double', a);
      case '_?_:_':
        return need(isBool(a), join(b, c));
      case '_[_]':
        if (a.k === 'dyn') return T.dyn;
        if (a.k === 'list') return need(fits(b, T.int) || NUMERIC.has(b.k), a.e);
        if (a.k === 'map') return need(fits(b, a.key), a.v);
        return mismatch();
      case '@in':
        if (b.k === 'dyn') return T.bool;
        if (b.k === 'list') return need(fits(a, b.e), T.bool);
        if (b.k === 'map') return need(fits(a, b.key), T.bool);
        return mismatch();
      case 'size': {
        const of = target ?? a;
        return need(
          args.length === (target ? 0 : 1) &&
            ['string', 'bytes', 'list', 'map', 'dyn'].includes(of.k),
          T.int,
        );
      }
      default:
        break;
    }
    if (STRING_METHODS.has(name)) {
      const [subject, argument] = target ? [target, a] : name === 'matches' ? [a, b] : [];
      if (!subject || args.length !== (target ? 1 : 2)) return mismatch();
      return need(fits(subject, T.string) && fits(argument as CelT, T.string), T.bool);
    }
    const conversion = CONVERSIONS[name];
    if (conversion && !target && args.length === 1) {
      return need(a.k !== 'list' && a.k !== 'map' ? true : name === 'dyn', conversion);
    }
    return fail(expr, `undeclared reference to '${name}'`);
  };

  return check(parsed.expr, variables);
}
