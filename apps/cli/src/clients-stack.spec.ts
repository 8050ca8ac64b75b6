// The Go and Python clients (clients/go, clients/python) against the gateway of a real `omega up`
// stack (trust, intelligence, orchestrator, gateway as built processes): each quickstart dials
// localhost by name, verifies the gateway with the trust CA bundle, authenticates with the operator
// certificate or only a bearer token from CreateToken, lists, gets server info and streams an alert
// a sentinel's telemetry raised; a caller with neither is anonymous (WhoAmI only) and a forged
// token is refused. The venv and Go modules come from scripts/clients-tools.mjs (npm run setup).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  CreateTokenRequest,
  GatewayServiceClient,
  IntelligenceServiceClient,
  ListAlertsRequest,
  Severity,
  severityToJSON,
  type Alert,
} from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import type { ServiceName } from '@omega/service';
import { eventually, grpcurl } from '@omega/testkit';
import type { LocalStack } from './local-stack';
import { startSpecStack, type SpecStack } from './testing/spec-stack';
import { cliChannelCredentials } from './operator-identity';
import { REVERSE_SHELL_COMMAND, TelemetrySentinel } from './testing/telemetry-sentinel';

const root = join(__dirname, '..', '..', '..');
const SERVICES: ServiceName[] = ['trust', 'intelligence', 'orchestrator', 'gateway'];
const NODE = 'clients-spec-node';

/** How a client run exited and what it printed. */
interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args` (never rejects: a refusal is an answer to check). */
function run(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 180_000, ...options }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The venv scripts/clients-tools.mjs builds, keyed by clients/python/requirements.txt. */
function pythonVenv(): string {
  const requirements = readFileSync(join(root, 'clients', 'python', 'requirements.txt'));
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const cache = process.env['OMEGA_CACHE_DIR'] ?? join(homedir(), '.cache', 'omega');
  const venv = join(cache, `python-clients-${hash}`);
  if (!existsSync(join(venv, '.complete'))) {
    throw new Error(`the Python clients' venv is not at ${venv}: run npm run setup`);
  }
  return venv;
}

let spec: SpecStack | undefined;
let stack: LocalStack;
let dataDir: string;
let goQuickstart: string;
let python: string;
let raised: Alert;
let sentinel: TelemetrySentinel;

beforeAll(async () => {
  for (const name of SERVICES) {
    if (!existsSync(join(root, 'apps', name, 'dist', 'main.js'))) {
      throw new Error(`${name} is not built: run \`npm run build\` (npm test does it)`);
    }
  }
  python = join(pythonVenv(), 'bin', 'python');
  dataDir = mkdtempSync(join(tmpdir(), 'omega-clients-'));
  goQuickstart = join(dataDir, 'quickstart');
  // The Go example builds (Go's build cache makes a second build quick) while the stack starts.
  const goBuild = run('go', ['build', '-o', goQuickstart, './examples/quickstart'], {
    cwd: join(root, 'clients', 'go'),
  });
  spec = await startSpecStack(SERVICES, {
    prefix: 'omega-clients-',
    stateDir: dataDir,
    serviceEnv: { orchestrator: { OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: '' } },
  });
  stack = spec.stack;
  const built = await goBuild;
  if (built.code !== 0) throw new Error(`go build ./examples/quickstart failed:\n${built.stderr}`);

  // One alert, raised by the shipped rules from a sentinel's telemetry, seen through the gateway.
  sentinel = await TelemetrySentinel.enroll({
    dataDir,
    trustAddress: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
    natsUrl: stack.natsUrl ?? '',
    node: NODE,
  });
  await sentinel.launch(REVERSE_SHELL_COMMAND);
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  if (credentials === undefined) throw new Error(`no operator credential in ${dataDir}`);
  const intelligence = createPromiseClient(IntelligenceServiceClient, gatewayAddress(), {
    credentials: credentials as grpc.ChannelCredentials,
    timeoutMs: 20_000,
  });
  try {
    raised = await eventually('the reverse-shell alert listed through the gateway', async () =>
      (await intelligence.listAlerts(ListAlertsRequest.fromPartial({ pageSize: 10 }))).alerts.find(
        (alert) => alert.node === NODE,
      ),
    );
  } finally {
    intelligence.close();
  }
}, 420_000);

afterAll(async () => {
  await sentinel?.close();
  await spec?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The gateway by name: its certificate names localhost on a local stack. */
function gatewayAddress(): string {
  return `localhost:${stack.portsOf('gateway').grpcPort}`;
}

function operatorFile(name: 'ca.pem' | 'operator.pem' | 'operator-key.pem'): string {
  return join(dataDir, 'operator', name);
}

/** How a quickstart authenticates: the operator's certificate, a bearer token, or neither. */
type Caller = 'operator certificate' | { token: string } | 'anonymous';

/**
 * The quickstarts' flags are spelled alike: -flag for Go, --flag for Python. `replay`: retained
 * alerts from the last hour first (the one raised in beforeAll is streamed); otherwise new ones only.
 */
function flags(dash: '-' | '--', caller: Caller, replay: boolean): string[] {
  const pairs: [string, string][] = [
    ['address', gatewayAddress()],
    ['ca', operatorFile('ca.pem')],
  ];
  if (caller === 'operator certificate') {
    pairs.push(['cert', operatorFile('operator.pem')], ['key', operatorFile('operator-key.pem')]);
  } else if (caller !== 'anonymous') {
    pairs.push(['token', caller.token]);
  }
  if (replay) pairs.push(['since', dash === '-' ? '1h' : '3600']);
  pairs.push(['alerts', '1'], ['timeout', dash === '-' ? '60s' : '60']);
  return pairs.flatMap(([name, value]) => [`${dash}${name}`, value]);
}

function runGo(caller: Caller, replay = true): Promise<Run> {
  return run(goQuickstart, flags('-', caller, replay));
}

function runPython(caller: Caller, replay = true): Promise<Run> {
  return run(
    python,
    [join(root, 'clients', 'python', 'examples', 'quickstart.py'), ...flags('--', caller, replay)],
    { env: { ...process.env, PYTHONPATH: join(root, 'clients', 'python') } },
  );
}

function gatewayVersion(): string {
  const packageJson = readFileSync(join(root, 'apps', 'gateway', 'package.json'), 'utf8');
  return (JSON.parse(packageJson) as { version: string }).version;
}

/** What both quickstarts print for the operator on this stack, line by line. */
function expectOperatorRun(result: Run, authMethod = 'AUTH_METHOD_MTLS'): void {
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const lines = result.stdout.trim().split('\n');
  const alert = `${raised.id} ${severityToJSON(raised.severity)} ${raised.ruleId} "${raised.title}"`;
  expect(lines).toEqual(
    expect.arrayContaining([
      `whoami: omega://local/operator/cli (${authMethod})`,
      expect.stringMatching(new RegExp(`^server: omega ${gatewayVersion()}, cluster local,`)),
      'service: omega.v1.IntelligenceService SERVING_STATUS_SERVING',
      'service: omega.v1.DeceptionService SERVING_STATUS_NOT_SERVING',
      'alerts: 1 listed',
      `alert: ${alert}`,
      `streamed: ${alert}`,
      'stream: 1 alert(s)',
    ]),
  );
}

describe('the Go and Python clients against the gateway of omega up', () => {
  it('raised a real alert from a sentinel’s telemetry through the shipped rules', () => {
    expect(raised.node).toBe(NODE);
    expect(raised.severity).toBeGreaterThanOrEqual(Severity.SEVERITY_HIGH);
    expect(raised.ruleId).toMatch(/^sigma:/);
  });

  it('Go quickstart: verifies localhost with the CA bundle, says who the operator is, lists and streams the alert', async () => {
    expectOperatorRun(await runGo('operator certificate'));
  });

  it('Python quickstart: verifies localhost with the CA bundle, says who the operator is, lists and streams the alert', async () => {
    expectOperatorRun(await runPython('operator certificate'));
  });

  it('both quickstarts with only a bearer token from CreateToken and the CA bundle: the operator as a token caller, lists and streams', async () => {
    const credentials = await cliChannelCredentials(dataDir, 'gateway');
    const gateway = createPromiseClient(GatewayServiceClient, gatewayAddress(), {
      credentials: credentials as grpc.ChannelCredentials,
      timeoutMs: 20_000,
    });
    let secret: string;
    try {
      const created = await gateway.createToken(
        CreateTokenRequest.fromPartial({ roles: ['viewer'], description: 'clients spec' }),
      );
      expect(created.token).toMatchObject({
        subject: 'omega://local/operator/cli',
        roles: ['viewer'],
      });
      secret = created.secret;
    } finally {
      gateway.close();
    }
    const [go, python] = await Promise.all([
      runGo({ token: secret }),
      runPython({ token: secret }),
    ]);
    expectOperatorRun(go, 'AUTH_METHOD_TOKEN');
    expectOperatorRun(python, 'AUTH_METHOD_TOKEN');
  });

  it('both quickstarts stream an alert raised while their streams are open', async () => {
    let running = true;
    const runs = Promise.all([
      runGo('operator certificate', false),
      runPython('operator certificate', false),
    ]).finally(() => (running = false));
    // Neither says when its stream is subscribed: fresh alerts (a new pod each, so none is folded
    // into another) are raised until both have streamed one and exited.
    for (let n = 0; running; n++) {
      await sentinel.launch(REVERSE_SHELL_COMMAND, `live-${n}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    for (const result of await runs) {
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const streamed = /^streamed: (\S+) SEVERITY_\w+ sigma:\S+ "(.*)"$/m.exec(result.stdout);
      expect(streamed?.[1]).not.toBe(raised.id);
      expect(streamed?.[2]).toMatch(/clients\/live-\d+/);
      expect(result.stdout).toContain('stream: 1 alert(s)');
    }
  });

  it('answers docs/clients.md’s grpcurl commands: WhoAmI, ListAlerts, StreamAlerts until -max-time, CreateToken and a call with the token', async () => {
    const tls = [
      '-cacert',
      operatorFile('ca.pem'),
      '-cert',
      operatorFile('operator.pem'),
      '-key',
      operatorFile('operator-key.pem'),
    ];
    const who = await grpcurl([
      ...tls,
      '-d',
      '{}',
      gatewayAddress(),
      'omega.v1.GatewayService/WhoAmI',
    ]);
    expect(who).toMatchObject({ code: 0 });
    expect(who.stdout).toContain('"id": "omega://local/operator/cli"');
    const listed = await grpcurl([
      ...tls,
      '-d',
      '{"page_size": 10}',
      gatewayAddress(),
      'omega.v1.IntelligenceService/ListAlerts',
    ]);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toContain(`"id": "${raised.id}"`);
    const anHourAgoNs = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n;
    const streamed = await grpcurl([
      ...tls,
      '-max-time',
      '3',
      '-d',
      `{"start_time_ns": "${anHourAgoNs}"}`,
      gatewayAddress(),
      'omega.v1.IntelligenceService/StreamAlerts',
    ]);
    expect(streamed.stdout).toContain(`"id": "${raised.id}"`);
    expect(streamed.stderr).toContain('DeadlineExceeded');

    // A token made with the certificate, then used with only the CA bundle.
    const created = await grpcurl([
      ...tls,
      '-d',
      '{"roles": ["viewer"], "description": "quickstart"}',
      gatewayAddress(),
      'omega.v1.GatewayService/CreateToken',
    ]);
    expect(created).toMatchObject({ code: 0 });
    const { secret } = JSON.parse(created.stdout) as { secret: string };
    const byToken = await grpcurl([
      '-cacert',
      operatorFile('ca.pem'),
      '-H',
      `authorization: Bearer ${secret}`,
      '-d',
      '{}',
      gatewayAddress(),
      'omega.v1.GatewayService/WhoAmI',
    ]);
    expect(byToken).toMatchObject({ code: 0 });
    expect(byToken.stdout).toContain('"authMethod": "AUTH_METHOD_TOKEN"');
  });

  it('refuses both quickstarts a token that is not one, exit 1 naming the call', async () => {
    const forged = { token: 'not-a-token' };
    const [go, python] = await Promise.all([runGo(forged), runPython(forged)]);
    for (const refused of [go, python]) {
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toContain(`quickstart: ${gatewayAddress()}: WhoAmI:`);
      expect(refused.stderr).toContain('authorization: not an Omega token');
    }
    expect(go.stderr).toContain('code = Unauthenticated');
    expect(python.stderr).toContain('UNAUTHENTICATED');
  });

  it('answers both quickstarts without a certificate or token as anonymous: WhoAmI only, then GetServerInfo is refused, exit 1', async () => {
    const [go, python] = await Promise.all([runGo('anonymous'), runPython('anonymous')]);
    for (const refused of [go, python]) {
      expect(refused).toMatchObject({
        code: 1,
        stdout: 'whoami: anonymous (AUTH_METHOD_ANONYMOUS)\n',
      });
      expect(refused.stderr).toMatch(/^quickstart: GetServerInfo: /);
      expect(refused.stderr).toContain(
        '/omega.v1.GatewayService/GetServerInfo needs a credential: a bearer token or a client certificate from trust',
      );
    }
    expect(go.stderr).toContain('code = Unauthenticated');
    expect(python.stderr).toContain('UNAUTHENTICATED');
  });
});
