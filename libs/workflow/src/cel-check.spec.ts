// The load-time CEL checker against an outside truth: the conformance cases of the vendored
// sections that cel-go's checker accepts (those not marked disable_check) must be accepted too,
// unless they use what conditions leave out (timestamps, durations, type(), protobuf messages),
// which must be refused as undeclared.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimpleTestSchema } from '@bufbuild/cel-spec/cel/expr/conformance/test/simple_pb.js';
import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { checkExpression, typeName } from './cel-check';
import { parseBounded } from './cel-expression';

const corpus = JSON.parse(
  readFileSync(join(__dirname, '..', 'test-corpus', 'cel-spec', 'simple-tests.json'), 'utf8'),
) as Record<string, Record<string, JsonValue[]>>;

/** Cases cel-go type-checks with no declarations of their own. */
const checkable = Object.entries(corpus).flatMap(([file, sections]) =>
  Object.entries(sections).flatMap(([section, tests]) =>
    tests
      .map((json) => fromJson(SimpleTestSchema, json))
      .filter(
        (t) =>
          !t.disableCheck &&
          !t.container &&
          t.typeEnv.length === 0 &&
          Object.keys(t.bindings).length === 0,
      )
      .map((t) => ({
        path: `${file}/${section}/${t.name}`,
        expr: t.expr,
        expected: t.resultMatcher.case === 'value' ? t.resultMatcher.value.kind.case : undefined,
      })),
  ),
);

/** The type a result of that Value kind has, as typeName() spells it (a prefix for containers). */
const TYPE_OF_KIND: Record<string, string> = {
  boolValue: 'bool',
  int64Value: 'int',
  uint64Value: 'uint',
  doubleValue: 'double',
  stringValue: 'string',
  bytesValue: 'bytes',
  nullValue: 'null_type',
  listValue: 'list(',
  mapValue: 'map(',
};

const check = (expr: string) => checkExpression(parseBounded(expr, 'x'), expr, new Map(), 'x');

/** Left out of conditions on purpose (docs/orchestrator.md), with the refusal each gets. */
const LEFT_OUT: Record<string, string> = {
  'comparisons/eq_literal/eq_dyn_json_null':
    "x: at 1:5: message 'google.protobuf.Value' is not declared",
  'comparisons/eq_literal/not_eq_dyn_duration_null':
    "x: at 1:5: undeclared reference to 'duration'",
  'comparisons/eq_literal/not_eq_dyn_timestamp_null':
    "x: at 1:5: undeclared reference to 'timestamp'",
  'conversions/dyn/dyn_heterogeneous_list': "x: at 1:1: undeclared reference to 'type'",
  'conversions/identity/duration': "x: at 1:10: undeclared reference to 'duration'",
  'conversions/identity/timestamp': "x: at 1:11: undeclared reference to 'timestamp'",
  'conversions/int/timestamp': "x: at 1:5: undeclared reference to 'timestamp'",
};

describe('the CEL checker on the conformance cases cel-go type-checks', () => {
  it('considers 611 of them', () => {
    expect(checkable.length).toBe(611);
  });

  it.each(checkable.map((c) => [c.path, c.expr, c.expected] as const))(
    '%s: %s',
    (path, expr, expected) => {
      const refusal = LEFT_OUT[path];
      if (refusal) {
        expect(() => check(expr)).toThrow(refusal);
        return;
      }
      const type = typeName(check(expr));
      // An expected error has no type to compare; a value's type is the checker's, or dyn.
      if (expected === undefined || type === 'dyn') return;
      expect(type.startsWith(TYPE_OF_KIND[expected] ?? `no type for ${expected}`)).toBe(true);
    },
  );
});
