// `npm run up` twice on one data directory, then a kill -9 and restart of each service, on the
// secure default (mutual TLS, the bus authorized by trust): every service comes back ready each
// time, the ones that enroll resume from the credential they kept (single-use join tokens are
// spent), and the audit log still verifies against what the CLI pinned before the restarts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@omega/service';
import { auditVerify } from './audit-command';
import { LocalStack } from './local-stack';
import { cliChannelCredentials } from './operator-identity';

jest.setTimeout(600_000);

const root = join(__dirname, '..', '..', '..');
const portOffset = 1000 + Math.floor(Math.random() * 1900);
let dataDir: string;
let output: string[] = [];
let stack: LocalStack | undefined;

async function up(): Promise<LocalStack> {
  output = [];
  const started = new LocalStack({
    root,
    stateDir: dataDir,
    // gRPC ports 51051-52957: inside the range .ci/run reserves from ephemeral ports.
    portOffset,
    services: SERVICE_NAMES,
    out: (line) => output.push(line),
    readyTimeoutMs: 90_000,
    nodeBin: process.execPath,
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

beforeAll(() => {
  const missing = SERVICE_NAMES.filter(
    (n) => !existsSync(join(root, 'apps', n, 'dist', 'main.js')),
  );
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (npm run build)`);
  dataDir = mkdtempSync(join(tmpdir(), 'omega-restart-'));
});

afterAll(async () => {
  await stack?.stop();
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

  it.each(SERVICE_NAMES as readonly ServiceName[])(
    'kill -9 of %s: it comes back ready and everything else stays ready',
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

  it('after every kill -9 the audit log still verifies against the pinned key and checkpoint', async () => {
    const { code, lines } = await verifyAudit(stack!);
    expect({ code, lines }).toMatchObject({ code: 0 });
  });
});
