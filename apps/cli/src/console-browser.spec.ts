// The web console in a real browser (Debian's Chromium driven by playwright-core) against a real
// `omega up` stack (trust, intelligence, orchestrator, gateway as built processes; the console's
// build served by the gateway's web port): the files' CSP and caching with curl; log in, the
// roles shown, an alert raised by the shipped rules from a sentinel's telemetry appearing in the
// live feed and opened, a workflow step waiting for approval approved by a responder (and no
// button for a viewer), the gateway restarted mid-stream (the page says so and reconnects), a
// refused and an expired token, axe-core's accessibility check and screenshots of each page.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { CreateTokenRequest, GatewayServiceClient } from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import { eventually } from '@omega/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LocalStack } from './local-stack';
import { consoleInvite, consoleUrl } from './console-invite';
import { cliChannelCredentials } from './operator-identity';
import {
  verifyAltered,
  logInAt,
  launchChromium,
  screenshot,
  seriousAxeViolations,
} from './testing/console-browser';
import { curl as curlAt, type CurlAnswer } from './testing/curl';
import { REPO_ROOT, startSpecStack, type SpecStack } from './testing/spec-stack';
import { REVERSE_SHELL_COMMAND, TelemetrySentinel } from './testing/telemetry-sentinel';

const CONSOLE_DIST = join(REPO_ROOT, 'apps', 'console', 'dist');
const ARTEFACTS = join(REPO_ROOT, 'test-results', 'console');
const PLAYBOOK = `id: console-gated
steps:
  - id: contain
    action: annotate
    params: { text: 'approved in the web console' }
    approval: { timeout_ms: 600000 }
`;

let running: SpecStack;
let stack: LocalStack;
let dataDir: string;
let browser: Browser;
let sentinel: TelemetrySentinel;
const tokens: Record<'admin' | 'responder' | 'viewer', string> = {
  admin: '',
  responder: '',
  viewer: '',
};

const url = () => consoleUrl(stack.portsOf('gateway').grpcPort, true);
const caFile = () => join(dataDir, 'operator', 'ca.pem');

function curl(path: string, args: readonly string[] = []): Promise<CurlAnswer> {
  return curlAt(new URL(path, url()).toString(), args, {
    caFile: caFile(),
    scratchDir: dataDir,
  });
}

/** A Connect JSON call with curl, as the admin token. */
async function call(path: string, body: object): Promise<Record<string, unknown>> {
  const answer = await curl(`/omega.v1.${path}`, [
    '-H',
    `authorization: Bearer ${tokens.admin}`,
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify(body),
  ]);
  const parsed = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

beforeAll(async () => {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(`the console is not built: run \`npm run build\` (${CONSOLE_DIST})`);
  }
  running = await startSpecStack(['trust', 'intelligence', 'orchestrator', 'twin', 'gateway'], {
    prefix: 'omega-console-',
    serviceEnv: { orchestrator: { OMEGA_ORCHESTRATOR_PLAYBOOK_DIR: '' } },
  });
  ({ stack, dataDir } = running);
  const credentials = await cliChannelCredentials(dataDir, 'gateway');
  const gateway = createPromiseClient(
    GatewayServiceClient,
    `127.0.0.1:${stack.portsOf('gateway').grpcPort}`,
    { credentials: credentials as grpc.ChannelCredentials, timeoutMs: 20_000 },
  );
  try {
    const token = async (subject: string, roles: string[], ttlSeconds = 0) =>
      (
        await gateway.createToken(
          CreateTokenRequest.fromPartial({
            subject,
            roles,
            ttlSeconds,
            description: 'console spec',
          }),
        )
      ).secret;
    tokens.admin = await token('user:admin', ['admin']);
    tokens.responder = await token('user:rita', ['responder']);
    tokens.viewer = await token('user:victor', ['viewer']);
  } finally {
    gateway.close();
  }
  sentinel = await TelemetrySentinel.enroll({
    dataDir,
    trustAddress: `127.0.0.1:${stack.portsOf('trust').grpcPort}`,
    natsUrl: stack.natsUrl ?? '',
    node: 'console-node',
  });
  await call('OrchestratorService/PutPlaybook', { source: PLAYBOOK, sourceName: 'console.yml' });
  browser = await launchChromium(caFile());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await sentinel?.close();
  await running?.stop();
});

const logIn = (context: BrowserContext, token: string) => logInAt(context, url(), token);

describe('the gateway serves the console', () => {
  it('with a strict CSP, index.html revalidated and hashed assets immutable, no inline script', async () => {
    const index = await curl('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = index.headers['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = index.body.toString('utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(script[0]).toMatch(/\ssrc="\/assets\/[^"]+\.js"/);
      expect(script[1]?.trim()).toBe('');
    }
    const asset = readdirSync(join(CONSOLE_DIST, 'assets')).find((f) => f.endsWith('.js'))!;
    const js = await curl(`/assets/${asset}`, ['-H', 'accept-encoding: gzip']);
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const again = await curl(`/assets/${asset}`, ['-H', `if-none-match: ${js.headers['etag']}`]);
    expect(again.status).toBe(304);
    expect((await curl('/no-such-file.js')).status).toBe(404);
    // A method's path stays the protocol's: POST only.
    expect((await curl('/omega.v1.GatewayService/WhoAmI')).status).toBe(405);
    // The browser protocol is still POST on the same port.
    const who = await curl('/omega.v1.GatewayService/WhoAmI', [
      '-H',
      'content-type: application/json',
      '-d',
      '{}',
    ]);
    expect(who.status).toBe(200);
    expect(who.headers['cache-control']).toBe('no-store');
  });
});

describe('in the browser', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    ({ page, errors } = await logIn(context, tokens.responder));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
  });

  it('logs in with a token and shows who it is and its roles', async () => {
    expect(await page.getByTestId('who').textContent()).toBe('user:rita (responder)');
    await page.getByText('Live: new alerts appear at the top.').waitFor({ timeout: 20_000 });
    await screenshot(page, ARTEFACTS, '1-alerts-empty');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows an alert raised from a replayed attack as it happens, and opens it', async () => {
    const before = Date.now();
    await sentinel.launch(REVERSE_SHELL_COMMAND, 'console-victim');
    const row = page.locator('button[data-alert-id]').first();
    await row.waitFor({ timeout: 30_000 });
    const seenAfterMs = Date.now() - before;
    process.stdout.write(
      `console: alert rendered ${seenAfterMs} ms after the launch was published\n`,
    );
    expect(await row.textContent()).toMatch(/high/);
    await row.click();
    await page.getByRole('heading', { name: 'Why it fired' }).waitFor();
    const detail = await page.locator('.detail').textContent();
    expect(detail).toContain('console-node');
    expect(detail).toMatch(/T1059/);
    await screenshot(page, ARTEFACTS, '2-alert-detail');
    // Filters: a technique the alert has keeps it, another hides it.
    await page.getByLabel('ATT&CK technique').fill('T1059');
    expect(await page.locator('button[data-alert-id]').count()).toBeGreaterThan(0);
    await page.getByLabel('ATT&CK technique').fill('T9999');
    await page.getByText('No alert matches these filters').waitFor();
    await page.getByLabel('ATT&CK technique').fill('');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('says the gateway went away mid-stream, reconnects and streams again', async () => {
    const lost = page.getByText('Connection to the gateway lost').waitFor({ timeout: 60_000 });
    await stack.restartService('gateway');
    await lost;
    await page.getByText('Live: new alerts appear at the top.').waitFor({ timeout: 30_000 });
    const count = await page.locator('button[data-alert-id]').count();
    await sentinel.launch(REVERSE_SHELL_COMMAND, 'after-restart');
    await eventually(
      'a new alert after the restart',
      async () =>
        (await page.locator('button[data-alert-id]').count()) > count ? true : undefined,
      30_000,
      200,
    );
  }, 120_000);

  it('approves a workflow step waiting for approval', async () => {
    await call('OrchestratorService/StartPlaybook', {
      playbookId: 'console-gated',
      workflowId: 'console-approved',
    });
    await page.goto(`${url()}#/workflows`);
    await page.getByRole('button', { name: 'console-approved' }).click();
    const approve = page.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor({ timeout: 20_000 });
    await screenshot(page, ARTEFACTS, '3-workflow-waiting');
    await approve.click();
    await page.getByText(/^Approved: the workflow is now/).waitFor();
    await eventually(
      'the approved workflow completed',
      async () => {
        const { workflow } = await call('OrchestratorService/GetWorkflow', {
          workflowId: 'console-approved',
        });
        return (workflow as { status: string }).status === 'WORKFLOW_STATUS_COMPLETED'
          ? true
          : undefined;
      },
      30_000,
      200,
    );
    const { history } = await call('OrchestratorService/GetWorkflow', {
      workflowId: 'console-approved',
      includeHistory: true,
    });
    expect(JSON.stringify(history)).toContain('user:rita');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('verifies the audit log in the browser, and rejects a tampered checkpoint', async () => {
    await page.goto(`${url()}#/audit`);
    const verdict = page.getByTestId('audit-verdict');
    await verdict.waitFor({ timeout: 30_000 });
    expect(await verdict.textContent()).toMatch(
      /^✔ Verified in your browser: checkpoint of \d+ entries signed with Ed25519 and ML-DSA-65/,
    );
    expect(await page.getByText('proven').count()).toBeGreaterThan(0);
    await screenshot(page, ARTEFACTS, '6-audit-verified');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The gateway's answer altered on its way to the page: a larger tree claimed (text and field
    // agree, so only the signature can tell), then one byte of the ML-DSA-65 signature.
    const tamper = (name: string, change: (checkpoint: Record<string, unknown>) => void) =>
      verifyAltered(page, {
        // The real answer, fetched with curl (which trusts the stack's CA), then altered.
        real: () => call('TrustService/GetCheckpoint', {}),
        change: (body) => change(body['checkpoint'] as Record<string, unknown>),
        screenshot: (p) => screenshot(p, ARTEFACTS, name),
      });
    expect(
      await tamper('7-audit-tampered-size', (checkpoint) => {
        const size = BigInt(checkpoint['treeSize'] as string) + 1n;
        const [origin, , root] = (checkpoint['noteBody'] as string).split('\n');
        checkpoint['noteBody'] = `${origin}\n${size}\n${root}\n`;
        checkpoint['treeSize'] = String(size);
      }),
    ).toBe('Rejected: checkpoint: the Ed25519 signature does not verify');
    expect(
      await tamper('8-audit-tampered-ml-dsa', (checkpoint) => {
        const signature = checkpoint['signature'] as { mlDsa: string };
        const raw = Buffer.from(signature.mlDsa, 'base64');
        raw[100] = (raw[100] ?? 0) ^ 0x01;
        signature.mlDsa = raw.toString('base64');
      }),
    ).toBe('Rejected: checkpoint: the ML-DSA-65 signature does not verify');
  }, 90_000);

  it('lists the incident the alerts joined, with its timeline', async () => {
    await page.goto(`${url()}#/incidents`);
    const incident = page.getByRole('table', { name: 'Incidents' }).getByRole('button').first();
    await incident.waitFor({ timeout: 30_000 });
    await incident.click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('.detail .history li').count()).toBeGreaterThan(0);
    expect(await page.locator('.detail').textContent()).toContain('Reverse Shell');
    await screenshot(page, ARTEFACTS, '10-incident');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('opens the attack graph from the twin', async () => {
    await page.goto(`${url()}#/graph`);
    await page.getByRole('heading', { name: 'Attack graph' }).waitFor();
    // The twin answers (a graph, or none yet in a stack without Kubernetes), never an error.
    const drawn = page.getByRole('img', { name: /^Graph of \d+ nodes/ });
    const none = page.getByText('The twin has no graph yet');
    await drawn.or(none).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, ARTEFACTS, '9-attack-graph');
    expect(await seriousAxeViolations(page)).toEqual([]);
  }, 60_000);

  it('wrote no error to the browser console', () => {
    // Requests that failed while the gateway was down are the restart drill's, not the page's.
    const outage = /^Failed to load resource: net::ERR_CONNECTION_(CLOSED|REFUSED|RESET)$/;
    expect(errors.filter((e) => !outage.test(e))).toEqual([]);
  });
});

describe('what a user may not do, and tokens that no longer work', () => {
  let context: BrowserContext;

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  });
  afterEach(async () => {
    await context.close();
  });

  it('shows a viewer no approve button', async () => {
    await call('OrchestratorService/StartPlaybook', {
      playbookId: 'console-gated',
      workflowId: 'console-viewed',
    });
    const { page } = await logIn(context, tokens.viewer);
    expect(await page.getByTestId('who').textContent()).toBe('user:victor (viewer)');
    await page.goto(`${url()}#/workflows`);
    await page.getByRole('button', { name: 'console-viewed' }).click();
    await page.getByText('your roles cannot approve it').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await screenshot(page, ARTEFACTS, '4-workflow-viewer');
  }, 60_000);

  it('logs in with the token `npm run demo` prints beside the console URL', async () => {
    const lines = await consoleInvite(dataDir, stack.portsOf('gateway').grpcPort, true);
    expect(lines[0]).toBe(`web console: ${url()} (the browser must trust the CA in ${caFile()})`);
    const token = /token \(8 h\): (omegat_\S+)$/.exec(lines[1] ?? '')?.[1] ?? '';
    const { page } = await logIn(context, token);
    expect(await page.getByTestId('who').textContent()).toBe('user:demo (responder)');
  });

  it('says in plain words that a token is refused', async () => {
    const page = await context.newPage();
    await page.goto(url());
    await page.getByLabel('Token').fill('omegat_not-a-real-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^The gateway does not accept this token/);
    await screenshot(page, ARTEFACTS, '5-login-refused');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('returns to the login page when the token expires, saying so', async () => {
    const { secret } = (await call('GatewayService/CreateToken', {
      subject: 'user:brief',
      roles: ['viewer'],
      ttlSeconds: 8,
      description: 'console spec: expires',
    })) as { secret: string };
    const { page } = await logIn(context, secret);
    await page.getByText('Your token expired: log in with a new one.').waitFor({ timeout: 40_000 });
    await page.getByLabel('Token').waitFor();
  }, 60_000);
});

afterAll(() => {
  // The screenshots are the test's artefacts: each page's, none empty (screenshot() checks).
  expect(readdirSync(ARTEFACTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(
    10,
  );
});
