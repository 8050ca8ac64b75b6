// The orchestrator as it runs in production: real replicas (child processes) on a real
// nats-server, alerts published to ALERTS, side effects observed at a real HTTP sink.
//  - 1,000 workflows of three steps complete while replicas are killed with SIGKILL five times,
//    and every step's side effect takes effect exactly once (idempotency keys hold across
//    retries and resumed steps), each in trust's audit log; re-published alerts start nothing new.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import { Alert, Severity, WorkflowStatus } from '@omega/proto';
import { startTrust, type TrustProcess, withNats } from '@omega/testkit';
import { HistoryStore, JetStreamOps, WORKFLOWS_STREAM, foldHistory } from '@omega/workflow';
import pino from 'pino';
import { startCountingSink, type CountingSink } from './testing/counting-sink';
import { call } from './testing/grpc-promise';
import { startOrchestrator, type OrchestratorProcess } from './testing/orchestrator-process';

const WORKFLOWS = 1000;
const KILLS = 5;
const REPLICAS = 3;

const nats = withNats({ jetstream: true });
let bus: Bus;
let sink: CountingSink;
let trust: TrustProcess;
const replicas: OrchestratorProcess[] = [];

/** A seeded generator, so every run kills at the same points. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'durability-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { streams: ['ALERTS', 'TASKS', 'WORKFLOWS', 'DLQ'] });
  sink = await startCountingSink();
  trust = await startTrust({ natsUrl: nats.url });
  nats.beforeStop(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await trust.stop();
    await sink.close();
    await bus.drain();
  });
});

function playbookDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omega-playbooks-'));
  writeFileSync(
    join(dir, 'three-steps.yml'),
    `id: three-steps
trigger:
  alert: { rule_ids: ['spec:load'] }
steps:
  - id: one
    action: notify
    params: { text: 'one \${alert.id}' }
    retry: { max_attempts: 20, initial_backoff_ms: 100, max_backoff_ms: 1000 }
  - id: two
    action: notify
    needs: [one]
    params: { text: 'two \${alert.id}' }
    retry: { max_attempts: 20, initial_backoff_ms: 100, max_backoff_ms: 1000 }
  - id: three
    action: notify
    needs: [two]
    params: { text: 'three \${alert.id}' }
    retry: { max_attempts: 20, initial_backoff_ms: 100, max_backoff_ms: 1000 }
`,
  );
  return dir;
}

function alert(n: number): Alert {
  return Alert.fromPartial({
    id: `alert-${String(n).padStart(4, '0')}`,
    timeNs: BigInt(Date.now()) * 1_000_000n,
    severity: Severity.SEVERITY_HIGH,
    title: `load ${n}`,
    ruleId: 'spec:load',
  });
}

it(`completes ${WORKFLOWS} three-step workflows while ${KILLS} replicas are killed with SIGKILL, each side effect once and audited`, async () => {
  const dir = playbookDir();
  const env = (): Record<string, string> => ({
    OMEGA_NATS_SERVERS: nats.url,
    OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: dir,
    OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: sink.url,
    OMEGA_ORCHESTRATOR_LEASE_MS: '2000',
    OMEGA_ORCHESTRATOR_TRUST_ADDRESS: trust.address,
  });
  for (let i = 0; i < REPLICAS; i++) replicas.push(await startOrchestrator(`replica-${i}`, env()));

  for (let n = 0; n < WORKFLOWS; n++) {
    await publish(bus, subjects.alerts('high'), Alert, alert(n), { msgId: `alert-${n}` });
  }
  const random = mulberry32(6);
  let restarts = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(800 + Math.floor(random() * 1500));
    const index = Math.floor(random() * REPLICAS);
    await replicas[index]!.kill9();
    replicas[index] = await startOrchestrator(`replica-${index}-r${++restarts}`, env());
  }
  // The same alerts again (new message ids, so JetStream stores them): nothing new may start.
  for (let n = 0; n < 100; n++) {
    await publish(bus, subjects.alerts('high'), Alert, alert(n), { msgId: `again-${n}` });
  }

  const store = new HistoryStore(bus, new JetStreamOps());
  const ids = Array.from(
    { length: WORKFLOWS },
    (_, n) => `three-steps--alert-${String(n).padStart(4, '0')}`,
  );
  const deadline = Date.now() + 240_000;
  let open = ids;
  while (open.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    for (const id of open) {
      const state = (await store.load(id)).state;
      if (state?.status !== WorkflowStatus.WORKFLOW_STATUS_COMPLETED) still.push(id);
    }
    open = still;
    if (open.length > 0) await sleep(500);
  }
  expect(open).toEqual([]);

  // Exactly once: every step of every workflow took effect once, and nothing else did.
  const expected = ids
    .flatMap((id) => ['one', 'two', 'three'].map((step) => `${id}/${step}`))
    .sort();
  expect([...sink.effects.keys()].sort()).toEqual(expected);
  expect([...sink.effects.values()].every((n) => n === 1)).toBe(true);
  // Each workflow's history holds one WORKFLOW_STARTED: the re-published alerts found theirs.
  const info = await bus.jsm.streams.info(WORKFLOWS_STREAM, { subjects_filter: 'omega.wf.>' });
  expect(Object.keys(info.state.subjects ?? {})).toHaveLength(WORKFLOWS);
  for (const id of ids.slice(0, 100)) {
    const events = (await store.load(id)).events;
    expect(foldHistory(events)?.status).toBe(WorkflowStatus.WORKFLOW_STATUS_COMPLETED);
    expect(events.filter((e) => e.sequence === 1n)).toHaveLength(1);
  }
  // Every step's successful attempt is in trust's audit log.
  const audited = new Set<string>();
  for (let start = 0n; ;) {
    const page = await call(trust.client, trust.client.listAuditEntries, {
      startIndex: start,
      pageSize: 1000,
      kind: 0,
      subject: '',
    });
    for (const r of page.records) {
      const m = / ok \[([^\]]+)\/\d+\]$/.exec(r.entry?.summary ?? '');
      if (m) audited.add(m[1]!);
    }
    if (page.records.length === 0 || page.nextIndex === start) break;
    start = page.nextIndex;
  }
  expect([...audited].sort()).toEqual(expected);
  const calls = [...sink.calls.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `durability: ${WORKFLOWS} workflows, ${KILLS} kills; ${calls} sink calls for ${expected.length} effects ` +
      `(${calls - expected.length} repeated calls absorbed by idempotency keys)\n`,
  );
}, 420_000);
