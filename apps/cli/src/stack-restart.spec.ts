// `npm run up` twice on one data directory, then a kill -9 and restart of each service under load,
// on the secure default (mutual TLS, the bus authorized by trust): every service comes back ready
// each time, the ones that enroll resume from the credential they kept (single-use join tokens are
// spent), the load (the demo's recorded attack, replayed as a sentinel over and over while the
// services die) leaves every alert on ALERTS once and in the audit log once, and the log still
// verifies against what the CLI pinned before the restarts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@omega/service';
import { auditVerify } from './audit-command';
import { AuditEntryKind } from '@omega/proto';
import { connectBus, type Bus } from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { reservePortOffset, type PortOffset } from '@omega/testkit';
import { listAuditRecords } from './demo/demo-audit';
import { DemoObserver } from './demo/demo-observer';
import { ReplayFeed } from './demo/replay-feed';
import { VICTIM_NODE } from './demo/demo-topology';
import { LocalStack } from './local-stack';
import { cliChannelCredentials, operatorBusOptions, readOperatorFiles } from './operator-identity';

jest.setTimeout(600_000);

const root = join(__dirname, '..', '..', '..');
/** Held for the whole spec: the stack restarts on the same ports, and no other spec takes them meanwhile. */
let reserved: PortOffset | undefined;
let dataDir: string;
let output: string[] = [];
let stack: LocalStack | undefined;
let bus: Bus | undefined;
let observer: DemoObserver | undefined;
let load: Promise<void> | undefined;
let loadRunning = true;
let replays = 0;
let replaysBeforeKills = 0;
const alertIds: string[] = [];
const problems: string[] = [];

/** Polls `check` every 500 ms until it holds or `timeoutMs` has passed. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function up(): Promise<LocalStack> {
  output = [];
  const started = new LocalStack({
    root,
    stateDir: dataDir,
    portOffset: reserved!.offset,
    services: SERVICE_NAMES,
    out: (line) => output.push(line),
    readyTimeoutMs: 90_000,
    nodeBin: process.execPath,
    // The load: the demo's recording, sent as the victim's sentinel.
    extraJoinTokens: [`sentinel/${VICTIM_NODE}`],
  });
  await started.start();
  return started;
}

function states(of: LocalStack): Record<string, string> {
  return Object.fromEntries(of.status().map((row) => [row.name, row.state]));
}

const everyServiceReady = Object.fromEntries([
  ['nats', 'running'],
  ...SERVICE_NAMES.map((name) => [name, 'ready']),
]);

/** Each service's /readyz status, polled until 200 or a minute has passed. */
async function readyNow(of: LocalStack): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const name of SERVICE_NAMES) {
    const url = `http://127.0.0.1:${of.portsOf(name).httpPort}/readyz`;
    let status = 0;
    for (let attempt = 0; attempt < 240 && status !== 200; attempt++) {
      status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    result[name] = status;
  }
  return result;
}

async function verifyAudit(of: LocalStack): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const credentials = await cliChannelCredentials(dataDir, 'trust');
  const code = await auditVerify({
    trust: `127.0.0.1:${of.portsOf('trust').grpcPort}`,
    ...(credentials ? { credentials } : {}),
    stateFile: join(dataDir, 'audit-state.json'),
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
  });
  return { code, lines };
}

beforeAll(async () => {
  const missing = SERVICE_NAMES.filter(
    (n) => !existsSync(join(root, 'apps', n, 'dist', 'main.js')),
  );
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (npm run build)`);
  dataDir = mkdtempSync(join(tmpdir(), 'omega-restart-'));
  reserved = await reservePortOffset();
});

afterAll(async () => {
  loadRunning = false;
  await load;
  await observer?.stop();
  await bus?.drain().catch(() => undefined);
  await stack?.stop();
  reserved?.release();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a secure stack restarts on its own state', () => {
  it('comes up, and its audit log verifies (pinning the log key)', async () => {
    stack = await up();
    expect(states(stack)).toEqual(everyServiceReady);
    const first = await verifyAudit(stack);
    expect(first).toMatchObject({ code: 0 });
  });

  it('comes up a second time on the same data directory', async () => {
    await stack!.stop();
    stack = await up();
    expect(states(stack)).toEqual(everyServiceReady);
    // The enrolled services resumed from their kept credentials: no join token was needed.
    for (const name of SERVICE_NAMES.filter((n) => n !== 'trust')) {
      expect({
        name,
        resumed: output.some((l) => l.startsWith(name) && l.includes('resumed as')),
      }).toEqual({ name, resumed: true });
    }
    expect(await verifyAudit(stack)).toMatchObject({ code: 0 });
  });

  it('starts the load: the recorded attack replayed as sentinel/demo-victim, again and again', async () => {
    const operator = (await readOperatorFiles(dataDir))!;
    bus = await connectBus({
      servers: stack!.natsUrl!,
      name: 'restart-spec-operator',
      logger: createLogger({ service: 'restart-spec', level: 'silent' }),
      natsOptions: operatorBusOptions(operator),
    });
    observer = new DemoObserver(bus, {
      onAlert: (alert) => alertIds.push(alert.value.id),
      onWorkflowEvent: () => undefined,
      onBlock: () => undefined,
      onTelemetry: () => undefined,
      onProblem: (problem) => problems.push(problem),
    });
    await observer.start(VICTIM_NODE);
    const replay = await ReplayFeed.load(join(root, 'test-corpus', 'demo'), root, process.execPath);
    await replay.connect(
      bus,
      stack!.joinTokensPath,
      `127.0.0.1:${stack!.portsOf('trust').grpcPort}`,
      {
        caPem: operator.caPem,
        natsUrl: stack!.natsUrl!,
      },
    );
    load = (async () => {
      while (loadRunning) {
        for (const step of ['scan', 'reverse-shell'] as const) {
          await replay.playStep(step, undefined).then(
            () => (replays += 1),
            (err: unknown) => problems.push(`replay ${step}: ${String(err)}`),
          );
        }
      }
      await replay.close();
    })();
    await until(() => alertIds.length > 0, 60_000);
    expect(alertIds.length).toBeGreaterThan(0);
    replaysBeforeKills = replays;
  });

  it.each(SERVICE_NAMES as readonly ServiceName[])(
    'kill -9 of %s under load: it comes back ready and everything else stays ready',
    async (name) => {
      await stack!.restartService(name, 'SIGKILL');
      expect(states(stack!)).toEqual(everyServiceReady);
      // Every service answers /readyz again (the others reconnect to the bus, and after trust's
      // restart are authorized again); each may take up to a minute.
      expect(await readyNow(stack!)).toEqual(
        Object.fromEntries(SERVICE_NAMES.map((n) => [n, 200])),
      );
    },
  );

  it('the load lost and doubled nothing: every alert on ALERTS once, each audited exactly once', async () => {
    loadRunning = false;
    await load;
    // The load ran all through the kills (each replay of a step is one more round of batches).
    expect(replays - replaysBeforeKills).toBeGreaterThan(0);
    const credentials = await cliChannelCredentials(dataDir, 'trust');
    const trustAddress = `127.0.0.1:${stack!.portsOf('trust').grpcPort}`;
    const audited = async (): Promise<string[]> =>
      (await listAuditRecords(trustAddress, credentials))
        .filter((r) => r.entry?.kind === AuditEntryKind.AUDIT_ENTRY_KIND_ALERT)
        .map((r) => r.entry!.subject);
    // Alerts raised just before the last kill are audited once intelligence is back.
    let entries = await audited();
    await until(async () => {
      entries = await audited();
      return alertIds.every((id) => entries.includes(id));
    }, 90_000);
    const count = (list: string[]) =>
      list.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
    const onStream = count(alertIds);
    const inLog = count(entries);
    expect([...onStream.values()].filter((n) => n !== 1)).toEqual([]);
    expect(alertIds.filter((id) => inLog.get(id) !== 1)).toEqual([]);
    expect(problems).toEqual([]);
    if (process.env['RESTART_SPEC_VERBOSE']) {
      process.stderr.write(
        `load: ${replays} replays, ${alertIds.length} alerts, ${entries.length} audited\n`,
      );
    }
    await observer?.stop();
    await bus?.drain();
  });

  it('after every kill -9 the audit log still verifies against the pinned key and checkpoint', async () => {
    const { code, lines } = await verifyAudit(stack!);
    expect({ code, lines }).toMatchObject({ code: 0 });
  });
});
