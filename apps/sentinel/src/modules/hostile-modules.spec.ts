// Hostile modules against the sandbox, with the sentinel's real telemetry path (TelemetryPublisher
// on a real nats-server) running the whole time: an endless loop, a memory bomb and a module that
// traps on every event are each stopped, counted and disabled after maxFaults, with the faults
// published as telemetry; a module importing outside the ABI never runs; and telemetry batches are
// published during every fault window (counted, not assumed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { Code, OmegaError } from '@omega/runtime';
import { Event, EventBatch, EventClass, ModuleState } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { splitSignedEventBatch } from '@omega/trust-client';
import { batchSigning } from '../events/batch-signing-key';
import { TelemetryPublisher } from '../events/telemetry-publisher';
import { wasmModule, type WasmModuleName } from '../testing/wasm-build';
import { Registry } from 'prom-client';
import { ModuleHost } from './module-host';
import { moduleMetrics } from './module-metrics';
import { MODULE_EVENT_KIND } from './module-verdicts';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
const MAX_FAULTS = 3;
const MEMORY_MAX_PAGES = 64;
const EVENT_BUDGET_MS = 100;
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'hostile-modules-spec', logger });
  await provision(bus, { streams: ['TELEMETRY'] });
  nats.beforeStop(() => bus.drain());
});

interface Rig {
  node: string;
  host: ModuleHost;
  publisher: TelemetryPublisher;
  registry: Registry;
  stop(): Promise<void>;
}

/** A publisher fed a process event every 5 ms, with the module host tapping it. */
async function rig(node: string): Promise<Rig> {
  const signing = await batchSigning({
    dataDir: join(mkdtempSync(join(tmpdir(), 'omega-hostile-')), 'state'),
    localSenderId: `omega://local/sentinel/${node}`,
    logger,
  });
  const tap: { host?: ModuleHost } = {};
  const registry = new Registry();
  const publisher = new TelemetryPublisher({
    bus,
    node,
    signing,
    sessionId: `session-${node}`,
    logger,
    flushIntervalMs: 20,
    onEvent: (kind, bytes) => tap.host?.offer(kind, bytes),
  });
  const host = new ModuleHost({
    node,
    limits: {
      eventBudgetMs: EVENT_BUDGET_MS,
      memoryMaxPages: MEMORY_MAX_PAGES,
      startTimeoutMs: 10_000,
    },
    maxFaults: MAX_FAULTS,
    publish: (kind, event) => publisher.add(kind, event),
    logger,
    metrics: moduleMetrics(registry),
  });
  let n = 0;
  const producer = setInterval(() => {
    n++;
    publisher.add(
      'process',
      Event.fromPartial({ id: `e${n}`, classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY, node }),
    );
  }, 5);
  tap.host = host;
  const h = host;
  return {
    node,
    host: h,
    publisher,
    registry,
    async stop() {
      clearInterval(producer);
      await h.close();
      await publisher.close();
    },
  };
}

async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The module events (faults) the sentinel published for `node`, read back from JetStream. */
async function moduleEvents(node: string): Promise<Event[]> {
  const consumer = await bus.js.consumers.get('TELEMETRY', {
    filter_subjects: [subjects.telemetry(MODULE_EVENT_KIND, node)],
  });
  const events: Event[] = [];
  for (;;) {
    const message = await consumer.next({ expires: 1_000 });
    if (!message) return events;
    events.push(...EventBatch.decode(splitSignedEventBatch(message.data).signedBytes).events);
  }
}

/** Loads `name`, waits until it is disabled; returns the batches published meanwhile. */
async function runUntilDisabled(r: Rig, name: WasmModuleName): Promise<bigint> {
  const before = r.publisher.stats.batchesPublished;
  await r.host.load({ name, version: '1', wasm: wasmModule('hostile-modules.spec', name) });
  await until(`${name} disabled`, () =>
    r.host.status().some((m) => m.state === ModuleState.MODULE_STATE_FAILED),
  );
  const published = r.publisher.stats.batchesPublished - before;
  r.publisher.flush();
  await until('the fault events published', () => r.publisher.stats.pendingBatches === 0);
  return published;
}

describe('hostile modules', () => {
  it('an endless loop is stopped by the watchdog at its time budget, three times, then disabled; telemetry flows throughout', async () => {
    const r = await rig('node-loop');
    try {
      const published = await runUntilDisabled(r, 'hostile-loop');
      const [status] = r.host.status();
      expect(status).toMatchObject({ state: ModuleState.MODULE_STATE_FAILED, faultsTotal: 3n });
      expect(status!.error).toMatch(/^time-budget: an event ran past the 100 ms budget/);
      expect(published).toBeGreaterThan(0n);
      const faults = await moduleEvents(r.node);
      expect(faults.map((e) => e.unmapped['module.fault'])).toEqual(Array(3).fill('time-budget'));
      expect(faults.map((e) => e.unmapped['module.disabled'])).toEqual(['false', 'false', 'true']);
      expect(faults[2]!.message).toMatch(/^module hostile-loop disabled after 3 faults/);
      expect(
        await r.registry.getSingleMetricAsString('omega_sentinel_module_faults_total'),
      ).toContain(
        'omega_sentinel_module_faults_total{module="hostile-loop",reason="time-budget"} 3',
      );
    } finally {
      await r.stop();
    }
  });

  it('a memory bomb hits the memory maximum, traps, and is disabled; its memory never passed the cap', async () => {
    const r = await rig('node-bomb');
    try {
      const published = await runUntilDisabled(r, 'hostile-memory-bomb');
      const [status] = r.host.status();
      expect(status).toMatchObject({ state: ModuleState.MODULE_STATE_FAILED, faultsTotal: 3n });
      const memoryBytes = Number(/memory (\d+) bytes/.exec(status!.error)?.[1]);
      expect(memoryBytes).toBeGreaterThan(0);
      expect(memoryBytes).toBeLessThanOrEqual(MEMORY_MAX_PAGES * 65_536);
      expect(status!.error).toMatch(/^trap: /);
      expect(published).toBeGreaterThan(0n);
      expect((await moduleEvents(r.node)).map((e) => e.unmapped['module.fault'])).toEqual(
        Array(3).fill('trap'),
      );
    } finally {
      await r.stop();
    }
  });

  it('a module that traps on every event is restarted fresh after each trap and disabled at the third', async () => {
    const r = await rig('node-trap');
    try {
      const published = await runUntilDisabled(r, 'hostile-trap');
      const [status] = r.host.status();
      expect(status).toMatchObject({ state: ModuleState.MODULE_STATE_FAILED, faultsTotal: 3n });
      expect(status!.error).toMatch(/^trap: trapped on event 0 .*unreachable/);
      expect(published).toBeGreaterThan(0n);
      expect(r.host.counters('hostile-trap')!.dropped).toBeGreaterThanOrEqual(3);
    } finally {
      await r.stop();
    }
  });

  it('a module importing a function outside the ABI is refused before it runs, and the running version stays', async () => {
    const r = await rig('node-import');
    try {
      await r.host.load({
        name: 'detector',
        version: '1',
        wasm: wasmModule('hostile-modules.spec', 'trivial'),
      });
      const refused = r.host.load({
        name: 'detector',
        version: '2',
        wasm: wasmModule('hostile-modules.spec', 'hostile-bad-import'),
      });
      await expect(refused).rejects.toThrow(
        new OmegaError(
          Code.PermissionDenied,
          'module detector: imports function wasi_snapshot_preview1.proc_exit, which is not part of module ABI v1 (allowed: memory env.memory, functions omega_v1.log)',
        ),
      );
      await expect(refused).rejects.toMatchObject({ code: Code.PermissionDenied });
      const before = r.host.counters('detector')!.events;
      await until(
        'the running version to keep receiving events',
        () => r.host.counters('detector')!.events > before,
      );
      expect(r.host.status()).toEqual([
        expect.objectContaining({
          name: 'detector',
          version: '1',
          state: ModuleState.MODULE_STATE_RUNNING,
          faultsTotal: 0n,
        }),
      ]);
    } finally {
      await r.stop();
    }
  });

  it('a new version replaces the running one only once it is ready, and events keep reaching a module', async () => {
    const r = await rig('node-swap');
    try {
      await r.host.load({
        name: 'detector',
        version: '1',
        wasm: wasmModule('hostile-modules.spec', 'trivial'),
      });
      await until('v1 to see events', () => r.host.counters('detector')!.events > 0);
      const status = await r.host.load({
        name: 'detector',
        version: '2',
        wasm: wasmModule('hostile-modules.spec', 'crypto-miner'),
      });
      expect(status).toMatchObject({ version: '2', state: ModuleState.MODULE_STATE_RUNNING });
      await until('v2 to see events', () => r.host.counters('detector')!.events > 0);
      expect(r.host.status().map((m) => m.version)).toEqual(['2']);
    } finally {
      await r.stop();
    }
  });
});
