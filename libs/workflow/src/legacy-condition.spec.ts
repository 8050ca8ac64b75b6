// Conditions of version-1 plans (replayed after an upgrade) and parameter templates: evaluation,
// and errors that name where and what.
import { evaluateLegacyCondition as evaluateCondition } from './legacy-condition';
import { resolveParams } from './template';

const scope = (values: Record<string, string>) => (name: string) => values[name];

describe('a step condition of a version-1 plan', () => {
  const values = scope({
    'alert.severity': 'high',
    'alert.count': '12',
    'steps.sim.cuts': 'false',
  });

  it.each([
    ['${alert.severity} in [high, critical]', true],
    ['${alert.severity} == "low" or ${alert.count} > 10', true],
    ['${alert.count} > 9', true],
    ['${alert.count} > 100', false],
    ['not ${steps.sim.cuts}', true],
    ['${alert.labels.team}', false],
    ['(${alert.severity} != high) and ${alert.count} >= 1', false],
    ['${alert.severity} contains ig', true],
  ])('%s is %s', (source, expected) => {
    expect(evaluateCondition(source, values, 'steps[0].when')).toBe(expected);
  });

  it('names the field and the column of a syntax error', () => {
    expect(() => evaluateCondition('${a} == ', values, 'steps[1].when')).toThrow(
      'steps[1].when: expected a value at the end',
    );
    expect(() => evaluateCondition('${a} == "x', values, 'steps[1].when')).toThrow(
      'steps[1].when: unclosed " at column 9',
    );
    expect(() => evaluateCondition('${a} in x', values, 'w')).toThrow(
      "w: 'in' needs a list on its right",
    );
  });
});

describe('parameter templates', () => {
  it('resolve references and name the parameter whose reference is unknown', () => {
    const values = scope({ 'alert.src_ip': '203.0.113.7' });
    expect(resolveParams({ cidr: '${alert.src_ip}/32' }, values, 'step block')).toEqual({
      cidr: '203.0.113.7/32',
    });
    expect(
      resolveParams(
        { ns: '${alert.pod_namespace:-default}', ip: '${alert.src_ip:-none}' },
        values,
        's',
      ),
    ).toEqual({
      ns: 'default',
      ip: '203.0.113.7',
    });
    expect(evaluateCondition('${alert.pod:-none} == none', values, 'w')).toBe(true);
    expect(() => resolveParams({ cidr: '${alert.dst}' }, values, 'step block')).toThrow(
      'step block.params.cidr: ${alert.dst} refers to nothing',
    );
  });
});
