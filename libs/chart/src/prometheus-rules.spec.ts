// The PrometheusRule charts/omega renders, checked by the real promtool (Debian's prometheus
// package): the rule file is valid (`promtool check rules`) and every alert fires on the series
// that should raise it and on no other (`promtool test rules` with testdata/prometheus-rules-test.yaml,
// Prometheus's own rule engine). The values switch decides whether it renders at all.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findKubeTools,
  promtool,
  renderedRuleGroups,
  writeRuleFile,
  type KubeTools,
  type RuleGroup,
} from './index';

const UNIT_TESTS = join(__dirname, '..', 'testdata', 'prometheus-rules-test.yaml');
const PROMETHEUS_RULE_API = 'monitoring.coreos.com/v1/PrometheusRule';

let tools: KubeTools;
let dir: string;
beforeAll(async () => {
  tools = findKubeTools();
  dir = await mkdtemp(join(tmpdir(), 'omega-rules-'));
  await copyFile(UNIT_TESTS, join(dir, 'test.yaml'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The rendered groups written to rules.yaml (which test.yaml loads), then `promtool test rules`. */
async function unitTest(groups: readonly RuleGroup[]) {
  await writeRuleFile(join(dir, 'rules.yaml'), groups);
  return promtool(['test', 'rules', join(dir, 'test.yaml')]);
}

function alertNames(groups: readonly RuleGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.rules.map((r) => r.alert)))];
}

describe('the PrometheusRule', () => {
  it('is not rendered by default, nor by auto on a cluster without the Prometheus Operator', async () => {
    expect(await renderedRuleGroups(tools)).toEqual([]);
    expect(
      await renderedRuleGroups(tools, { set: { 'metrics.prometheusRule.enabled': 'auto' } }),
    ).toEqual([]);
  });

  it('is rendered by auto when the cluster serves PrometheusRule, and when forced on', async () => {
    const auto = await renderedRuleGroups(tools, {
      set: { 'metrics.prometheusRule.enabled': 'auto' },
      apiVersions: [PROMETHEUS_RULE_API],
    });
    const forced = await renderedRuleGroups(tools, {
      set: { 'metrics.prometheusRule.enabled': 'true' },
    });
    expect(forced).toEqual(auto);
    expect(alertNames(forced)).toEqual([
      'OmegaServiceDown',
      'OmegaServiceAbsent',
      'OmegaSentinelRingBufferLosses',
      'OmegaSentinelPublishDrops',
      'OmegaModuleFaulting',
      'OmegaLuaRuleFaulting',
      'OmegaConsumerLagging',
      'OmegaAuditCheckpointAging',
      'OmegaGrpcServerErrors',
    ]);
  });

  it('passes promtool check rules', async () => {
    const groups = await renderedRuleGroups(tools, {
      set: { 'metrics.prometheusRule.enabled': 'true' },
    });
    await writeRuleFile(join(dir, 'rules.yaml'), groups);
    const checked = await promtool(['check', 'rules', join(dir, 'rules.yaml')]);
    expect(checked.output).toContain('SUCCESS: 15 rules found');
    expect(checked.code).toBe(0);
  });

  it('fires each alert on the series that should raise it, with its labels and annotations (promtool test rules)', async () => {
    const tested = await unitTest(
      await renderedRuleGroups(tools, { set: { 'metrics.prometheusRule.enabled': 'true' } }),
    );
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code).toBe(0);
  });

  it('follows its values: a higher lag threshold no longer calls 2000 pending messages lagging', async () => {
    const tested = await unitTest(
      await renderedRuleGroups(tools, {
        set: {
          'metrics.prometheusRule.enabled': 'true',
          'metrics.prometheusRule.consumerPendingMessages': '5000',
        },
      }),
    );
    expect(tested.code).toBe(1);
    expect(tested.output).toContain('alertname: OmegaConsumerLagging');
    expect(tested.output).not.toContain('alertname: OmegaGrpcServerErrors');
  });

  it('leaves out what a disabled component would raise, and its job', async () => {
    const groups = await renderedRuleGroups(tools, {
      set: { 'metrics.prometheusRule.enabled': 'true', 'sentinel.enabled': 'false' },
    });
    expect(alertNames(groups)).not.toContain('OmegaSentinelRingBufferLosses');
    expect(alertNames(groups)).not.toContain('OmegaSentinelPublishDrops');
    const down = groups[0]?.rules.find((r) => r.alert === 'OmegaServiceDown');
    expect(down?.expr).toBe(
      'up{job=~"omega-(gateway|trust|intelligence|orchestrator|deception|twin)"} == 0',
    );
  });

  it('matches the jobs of a release with another name', async () => {
    const groups = await renderedRuleGroups(tools, {
      set: { 'metrics.prometheusRule.enabled': 'true', fullnameOverride: 'sec' },
    });
    const absent = groups[0]?.rules.filter((r) => r.alert === 'OmegaServiceAbsent');
    expect(absent?.map((r) => r.expr)).toContain('absent(up{job="sec-trust"})');
  });
});
