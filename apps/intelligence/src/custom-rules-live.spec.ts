// Custom rules in a running intelligence on a real nats-server: a rule file in
// intelligence.customRulesDirs raises its alert on telemetry a sentinel publishes and is counted in
// omega_intelligence_rule_matches_total{rule_id}; a file added while it runs goes live; a file
// broken while it runs is reported on /metrics with its file, line and reason while the rules before
// keep firing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, provision, type Bus } from '@omega/bus';
import {
  IntelligenceServiceClient,
  ListRulesRequest,
  Severity,
  type Alert,
  type IntelligenceServiceService,
} from '@omega/proto';
import { createLogger, createPromiseClient, type PromiseClient } from '@omega/runtime';
import { runService, type RunningService } from '@omega/service';
import { eventually, localServiceEnv, withNats } from '@omega/testkit';
import { AlertStore } from './alert-store';
import {
  buildIntelligence,
  INTELLIGENCE_RESOURCES,
  intelligenceServiceConfigSchema,
  type IntelligenceServiceConfig,
} from './intelligence-service';
import { processLaunch } from './testing/spec-events';
import { SpecSentinel } from './testing/spec-sentinel';

const nats = withNats({ jetstream: true });
const PROBE_RULE = 'b16b00b5-0000-4000-8000-0000000000a1';
const SCANNER_RULE = 'b16b00b5-0000-4000-8000-0000000000b2';
let dir: string;
let running: RunningService<IntelligenceServiceConfig>;
let bus: Bus;
let store: AlertStore;
let sentinel: SpecSentinel;
let calls: PromiseClient<typeof IntelligenceServiceService>;

const ruleFile = (id: string, title: string, image: string, level = 'high'): string =>
  `title: ${title}
id: ${id}
description: A team's own rule, shipped through the chart's customRules
tags:
  - attack.discovery
  - attack.t1046
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    Image|endswith: ${image}
  condition: selection
level: ${level}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-custom-rules-'));
  await writeFile(
    join(dir, 'probe.yml'),
    ruleFile(PROBE_RULE, 'Team probe tool', '/omega-team-probe'),
  );
  running = await runService({
    name: 'intelligence',
    configSchema: intelligenceServiceConfigSchema,
    resources: INTELLIGENCE_RESOURCES,
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
      OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS: dir,
    }),
    build: buildIntelligence,
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'sentinel-spec',
    logger: createLogger({ service: 'sentinel', level: 'silent' }),
  });
  await provision(bus, { streams: ['TELEMETRY', 'ALERTS', 'DLQ'], kv: ['omega_identities'] });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
  store = new AlertStore(bus);
  calls = createPromiseClient(IntelligenceServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  calls?.close();
  await bus?.drain();
  await running?.service.shutdown('test done');
  await rm(dir, { recursive: true, force: true });
});

function alertFor(ruleId: string, pod: string): Promise<Alert> {
  return eventually(`an alert of ${ruleId} in ${pod}`, async () =>
    (await store.list(undefined, 1000)).alerts
      .map((s) => s.alert)
      .find((a) => a.ruleId === ruleId && a.explanation.includes(`pod shop/${pod}`)),
  );
}

async function metrics(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${running.httpPort}/metrics`);
  return response.text();
}

const launch = (pod: string, image: string) =>
  processLaunch({ 'omega.pod': pod, Image: image, CommandLine: image, ParentImage: '/bin/sh' });

describe('custom rules in a running intelligence', () => {
  it('a rule from the rule directory raises its alert on matching telemetry and is counted by rule id', async () => {
    await sentinel.publish('process', [
      launch('web-1', '/usr/bin/curl'),
      launch('web-1', '/usr/local/bin/omega-team-probe'),
    ]);
    const alert = await alertFor(`sigma:${PROBE_RULE}`, 'web-1');
    expect(alert).toMatchObject({
      severity: Severity.SEVERITY_HIGH,
      attackTechniqueIds: ['T1046'],
      ruleName: 'Team probe tool',
    });
    const listed = await calls.listRules(ListRulesRequest.fromPartial({}));
    expect(listed.rules.find((r) => r.id === `sigma:${PROBE_RULE}`)).toMatchObject({
      sourceName: `${dir}/probe.yml`,
    });
    expect(await metrics()).toContain(
      `omega_intelligence_rule_matches_total{rule_id="sigma:${PROBE_RULE}"} 1`,
    );
  });

  it('a rule file written while it runs goes live without a restart', async () => {
    await writeFile(
      join(dir, 'scanner.yaml'),
      ruleFile(SCANNER_RULE, 'Team scanner', '/omega-team-scanner', 'medium'),
    );
    await eventually('the new rule listed', async () =>
      (await calls.listRules(ListRulesRequest.fromPartial({}))).rules.find(
        (r) => r.id === `sigma:${SCANNER_RULE}`,
      ),
    );
    await sentinel.publish('process', [launch('web-2', '/opt/omega-team-scanner')]);
    expect((await alertFor(`sigma:${SCANNER_RULE}`, 'web-2')).severity).toBe(
      Severity.SEVERITY_MEDIUM,
    );
  });

  it('a file broken while it runs is reported with file, line and reason, and the rules before keep firing', async () => {
    await writeFile(
      join(dir, 'scanner.yaml'),
      ruleFile(SCANNER_RULE, 'Team scanner', '/omega-team-scanner').replace(
        'condition: selection',
        'condition: selection and nothing',
      ),
    );
    const rejected = await eventually('the broken file on /metrics', async () =>
      (await metrics())
        .split('\n')
        .find((l) => l.startsWith('omega_intelligence_rule_file_rejected{')),
    );
    // Line 13 of the file is `  condition: selection and nothing`.
    expect(rejected).toBe(
      `omega_intelligence_rule_file_rejected{file="${dir}/scanner.yaml",line="13",reason="rule ${SCANNER_RULE}: condition 'selection and nothing' refers to undefined search 'nothing'"} 1`,
    );
    await sentinel.publish('process', [launch('web-3', '/opt/omega-team-scanner')]);
    await alertFor(`sigma:${SCANNER_RULE}`, 'web-3');
  });
});
