// The HTTP honeypot against curl: each skin's page, what a login records (a honeytoken's use too)
// and that it is always refused, and that oversized, slow or flooding clients cannot hold it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoyKind, InteractionKind } from '@omega/proto';
import { eventually } from '@omega/testkit';
import { runClient, socketClosed } from '../testing/client-process';
import { honeypotFixture, type HoneypotFixtureOptions } from '../testing/honeypot-fixture';
import type { Honeypot } from './honeypot';
import { httpHoneypot, MAX_BODY_BYTES, MAX_HEADER_BYTES } from './http-honeypot';
import { HTTP_SKINS } from './http-skins';

jest.setTimeout(60_000);

const HONEYTOKEN_ID = 'ht-http-1';
const open: Honeypot[] = [];

async function start(options: Partial<HoneypotFixtureOptions> = {}) {
  const fixture = honeypotFixture({
    kind: DecoyKind.DECOY_KIND_HTTP,
    honeytokens: { ['svc-backup:Backup#2024']: HONEYTOKEN_ID },
    ...options,
    persona: { hostname: 'gw-office-3', ...options.persona },
  });
  const honeypot = await httpHoneypot(fixture.context, { host: '127.0.0.1', port: 0 });
  open.push(honeypot);
  return { ...fixture, honeypot, url: `http://127.0.0.1:${honeypot.port}` };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((honeypot) => honeypot.close()));
});

/** curl's status code, headers and body: `-i` output split at the blank line. */
async function curl(...args: string[]) {
  const run = await runClient('curl', ['-s', '-i', '--max-time', '10', ...args]);
  const [head = '', ...body] = run.stdout.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: body.join('\r\n\r\n'), raw: run.stdout };
}

describe('http honeypot', () => {
  it.each(Object.values(HTTP_SKINS))(
    'serves the $name login page and records the request',
    async (skin) => {
      const { url, recorder } = await start({ persona: { extra: { skin: skin.name } } });
      const page = await curl(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.head).toContain(`Server: ${skin.defaultServer}`);
      expect(page.body).toContain(`action="${skin.loginPath}"`);
      expect(page.body).toContain('gw-office-3');
      const request = await recorder.until(
        'the request',
        (i) => i.kind === InteractionKind.INTERACTION_KIND_COMMAND,
      );
      expect(request).toMatchObject({ protocol: 'http', request: 'GET /' });
    },
  );

  it('takes its Server header from the persona banner', async () => {
    const { url } = await start({ persona: { banner: 'Apache/2.4.52 (Ubuntu)' } });
    expect((await curl(url)).head).toContain('Server: Apache/2.4.52 (Ubuntu)');
  });

  it('records a login form post as an auth attempt and refuses it', async () => {
    const { url, recorder } = await start({ persona: { extra: { skin: 'ci' } } });
    const login = await curl(
      '--data-urlencode',
      'j_username=admin',
      '--data-urlencode',
      'j_password=admin123',
      `${url}/j_spring_security_check`,
    );
    expect(login.status).toBe(401);
    expect(login.body).toContain('Invalid username or password');
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).map((i) => i.request)).toEqual([
      'POST /j_spring_security_check',
    ]);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT)).toEqual([
      expect.objectContaining({
        username: 'admin',
        request: 'POST /j_spring_security_check password: admin123',
      }),
    ]);
  });

  it('records a honeytoken login as a token use, and still refuses it', async () => {
    const { url, recorder } = await start({ persona: { extra: { skin: 'router' } } });
    const login = await curl(
      '--data-urlencode',
      'username=svc-backup',
      '--data-urlencode',
      'password=Backup#2024',
      `${url}/login.cgi`,
    );
    expect(login.status).toBe(200);
    expect(login.body).toContain('Invalid credentials');
    expect(recorder.of(InteractionKind.INTERACTION_KIND_TOKEN_USE)).toEqual([
      expect.objectContaining({
        username: 'svc-backup',
        honeytokenId: HONEYTOKEN_ID,
        request: 'POST /login.cgi',
      }),
    ]);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT)).toEqual([]);
  });

  it('records JSON logins and basic-auth credentials', async () => {
    const { url, recorder } = await start({ persona: { extra: { skin: 'dashboard' } } });
    const json = await curl(
      '-H',
      'Content-Type: application/json',
      '--data',
      '{"user":"grafana","password":"s3cret"}',
      `${url}/login`,
    );
    expect(json.status).toBe(401);
    const basic = await curl('-u', 'svc-backup:Backup#2024', `${url}/`);
    expect(basic.status).toBe(401);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT)).toEqual([
      expect.objectContaining({ username: 'grafana', request: 'POST /login password: s3cret' }),
    ]);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_TOKEN_USE)).toEqual([
      expect.objectContaining({
        username: 'svc-backup',
        honeytokenId: HONEYTOKEN_ID,
        request: 'GET / basic',
      }),
    ]);
  });

  it('answers unknown paths 404 and records them', async () => {
    const { url, recorder } = await start();
    expect((await curl(`${url}/.env`)).status).toBe(404);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).map((i) => i.request)).toEqual([
      'GET /.env',
    ]);
  });
});

describe('http honeypot under bad clients', () => {
  it('answers oversized headers 431 and still serves', async () => {
    const { url } = await start();
    const big = await curl('-H', `X-Filler: ${'a'.repeat(MAX_HEADER_BYTES + 100)}`, url);
    expect(big.status).toBe(431);
    expect((await curl(url)).status).toBe(200);
  });

  it('answers an oversized login body 413, with and without Expect: 100-continue, and still serves', async () => {
    const { url, recorder } = await start();
    const file = join(mkdtempSync(join(tmpdir(), 'http-honeypot-')), 'body');
    writeFileSync(file, `username=a&password=${'x'.repeat(MAX_BODY_BYTES * 4)}`);
    expect(
      (await curl('-H', 'Expect:', '--data-binary', `@${file}`, `${url}/login.cgi`)).status,
    ).toBe(413);
    expect(
      (await curl('-H', 'Expect: 100-continue', '--data-binary', `@${file}`, `${url}/login.cgi`))
        .status,
    ).toBe(413);
    const disconnects = await eventually('two disconnects', () => {
      const seen = recorder.of(InteractionKind.INTERACTION_KIND_DISCONNECT);
      return seen.length === 2 ? seen : undefined;
    });
    expect(disconnects.map((i) => i.request)).toEqual(['request too large', 'request too large']);
    expect((await curl(url)).status).toBe(200);
  });

  it('closes a client that sends nothing, and one that never finishes its headers', async () => {
    const { honeypot, recorder } = await start({ limits: { idleTimeoutMs: 300 } });
    const silent = connect(honeypot.port, '127.0.0.1');
    const slow = connect(honeypot.port, '127.0.0.1');
    for (const socket of [silent, slow])
      socket.on('data', () => undefined).on('error', () => undefined);
    slow.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await Promise.all([socketClosed(silent), socketClosed(slow)]);
    await eventually(
      'two disconnects',
      () => recorder.of(InteractionKind.INTERACTION_KIND_DISCONNECT).length === 2 || undefined,
    );
    expect(honeypot.connections()).toBe(0);
  });

  it('closes connections past maxConnections at once, and serves again once they are gone', async () => {
    const { honeypot, recorder, url } = await start({ limits: { maxConnections: 2 } });
    const held = Array.from({ length: 2 }, () => connect(honeypot.port, '127.0.0.1'));
    await eventually('two connections', () => honeypot.connections() === 2 || undefined);
    const flood = Array.from({ length: 10 }, () => connect(honeypot.port, '127.0.0.1'));
    for (const socket of flood) socket.on('error', () => undefined);
    await Promise.all(flood.map(socketClosed));
    expect(honeypot.connections()).toBe(2);
    expect(
      recorder.interactions.filter((i) => i.request === 'refused: connection limit'),
    ).toHaveLength(10);
    for (const socket of held) socket.destroy();
    await eventually('the held ones gone', () => honeypot.connections() === 0 || undefined);
    expect((await curl(url)).status).toBe(200);
  });

  it('answers a source past its request rate 429 without recording those requests', async () => {
    const { url, recorder } = await start();
    const run = await runClient('curl', [
      '-s',
      '-w',
      '%{http_code}\\n',
      // In parallel: 60 requests land within one second even on a busy machine.
      '--parallel',
      '--parallel-max',
      '60',
      ...Array.from({ length: 60 }, () => ['-o', '/dev/null', `${url}/`]).flat(),
    ]);
    const statuses = run.stdout.trim().split('\n');
    expect(statuses).toContain('429');
    expect(statuses.filter((s) => s === '200').length).toBe(
      recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).length,
    );
  });

  it('never says what it is, in any header or body of its answers', async () => {
    for (const skin of Object.values(HTTP_SKINS)) {
      const { url } = await start({ persona: { extra: { skin: skin.name } } });
      const answers = await Promise.all([
        curl(`${url}/`),
        curl(
          '--data',
          'username=a&password=b&user=a&j_username=a&j_password=b',
          `${url}${skin.loginPath}`,
        ),
        curl(`${url}/admin/config.php`),
        curl('-X', 'DELETE', `${url}/`),
        curl('-H', `X-Filler: ${'a'.repeat(MAX_HEADER_BYTES + 100)}`, url),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBeGreaterThan(0);
        expect(answer.raw).not.toMatch(/honeypot|omega|deception|decoy|node\.?js|express/i);
      }
    }
  });
});
