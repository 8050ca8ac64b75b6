// Noise control with a real client: curl from 127.0.0.1 against the HTTP honeypot is dropped when
// deception.ignore names its source, port or User-Agent (counted by reason), recorded otherwise;
// a honeytoken use is recorded whatever the list says; a bad CIDR is refused naming the entry.
import { DecoyKind, InteractionKind } from '@omega/proto';
import { freePort } from '@omega/testkit';
import { deceptionConfigSchema } from './deception-config';
import type { Honeypot } from './honeypots/honeypot';
import { httpHoneypot } from './honeypots/http-honeypot';
import { IgnoreList, ignoreConfigSchema, type IgnoreReason } from './ignore-list';
import { filteredFactories } from './interaction-filter';
import { runClient } from './testing/client-process';
import { honeypotFixture } from './testing/honeypot-fixture';

jest.setTimeout(60_000);

const open: Honeypot[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((honeypot) => honeypot.close()));
});

/** An HTTP decoy behind the filter with `ignore`; what reached the recorder and what was ignored. */
async function decoyIgnoring(ignore: Record<string, unknown>, port = 0) {
  const fixture = honeypotFixture({
    kind: DecoyKind.DECOY_KIND_HTTP,
    honeytokens: { 'svc-backup:Backup#2024': 'ht-1' },
    persona: { hostname: 'gw-office-3' },
  });
  const ignored: IgnoreReason[] = [];
  const factory = filteredFactories(new Map([[DecoyKind.DECOY_KIND_HTTP, httpHoneypot]]), {
    ignore: new IgnoreList(ignoreConfigSchema.parse(ignore)),
    onIgnored: (reason) => ignored.push(reason),
    honeytoken: () => undefined,
  }).get(DecoyKind.DECOY_KIND_HTTP)!;
  const honeypot = await factory(fixture.context, { host: '127.0.0.1', port });
  open.push(honeypot);
  return { ...fixture, honeypot, ignored, url: `http://127.0.0.1:${honeypot.port}` };
}

async function curl(...args: string[]): Promise<void> {
  const run = await runClient('curl', ['-s', '-o', '/dev/null', '--max-time', '10', ...args]);
  expect(run.code).toBe(0);
}

/** Closing the listener closes every connection: each one's DISCONNECT went through the filter. */
async function closed(honeypot: Honeypot): Promise<void> {
  await honeypot.close();
  open.splice(open.indexOf(honeypot), 1);
}

describe('deception.ignore', () => {
  it('drops every interaction of curl from 127.0.0.1 when 127.0.0.0/8 is listed, counting each as source', async () => {
    const decoy = await decoyIgnoring({ sources: ['10.42.0.0/16', '127.0.0.0/8'] });
    await curl(`${decoy.url}/admin`);
    await closed(decoy.honeypot);
    expect(decoy.recorder.interactions).toEqual([]);
    // CONNECT, the GET, DISCONNECT.
    expect(decoy.ignored).toEqual(['source', 'source', 'source']);
  });

  it('records curl from 127.0.0.1 when only other networks are listed, annotated with the decoy name', async () => {
    const decoy = await decoyIgnoring({ sources: ['10.42.0.0/16', 'fd00::/8', '192.168.1.7'] });
    await curl(`${decoy.url}/admin`);
    await closed(decoy.honeypot);
    expect(decoy.ignored).toEqual([]);
    const get = decoy.recorder.of(InteractionKind.INTERACTION_KIND_COMMAND)[0];
    expect(get).toMatchObject({
      request: 'GET /admin',
      source: { ip: '127.0.0.1' },
      clientSoftware: expect.stringMatching(/^curl\//),
      annotations: { 'deception.decoy_name': 'gw-office-3' },
    });
  });

  it('drops a client by its User-Agent from the request on, with the rest of its session', async () => {
    const decoy = await decoyIgnoring({ clients: ['kube-probe/'] });
    await curl('-A', 'kube-probe/1.34', `${decoy.url}/healthz`);
    await closed(decoy.honeypot);
    // The connect came before the client named itself: a low-severity event that raises no alert.
    expect(decoy.recorder.interactions.map((i) => i.kind)).toEqual([
      InteractionKind.INTERACTION_KIND_CONNECT,
    ]);
    expect(decoy.ignored).toEqual(['client', 'client']);
  });

  it('drops every interaction on a listed decoy port, counting each as port', async () => {
    const port = await freePort();
    const decoy = await decoyIgnoring({ ports: [port] }, port);
    await curl(`${decoy.url}/`);
    await closed(decoy.honeypot);
    expect(decoy.recorder.interactions).toEqual([]);
    expect(decoy.ignored).toEqual(['port', 'port', 'port']);
  });

  it('records a honeytoken login from an ignored source: a trusted address holding a planted credential is compromised', async () => {
    const decoy = await decoyIgnoring({ sources: ['127.0.0.1'] });
    await curl('-u', 'svc-backup:Backup#2024', `${decoy.url}/admin`);
    await closed(decoy.honeypot);
    expect(decoy.recorder.interactions.map((i) => [i.kind, i.honeytokenId])).toEqual([
      [InteractionKind.INTERACTION_KIND_TOKEN_USE, 'ht-1'],
    ]);
    // CONNECT, the GET and DISCONNECT are ignored; the login with the honeytoken is not.
    expect(decoy.ignored).toEqual(['source', 'source', 'source']);
  });

  it('matches IPv4 clients seen as IPv4-mapped IPv6 addresses, and IPv6 ranges', () => {
    const list = new IgnoreList(ignoreConfigSchema.parse({ sources: ['10.0.0.0/8', 'fd00::/8'] }));
    const at = (ip: string) =>
      list.reasonFor({ kind: 1, source: { ip, port: 1 }, protocol: 'tcp', sessionId: 's' }, 80);
    expect([at('::ffff:10.1.2.3'), at('fd12::1'), at('11.0.0.1'), at('fe80::1'), at('')]).toEqual([
      'source',
      'source',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses a bad CIDR, naming the entry and where it is', () => {
    const result = deceptionConfigSchema.safeParse({
      ignore: { sources: ['10.42.0.0/16', '10.0.0.0/33'] },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['ignore.sources.1', 'not a CIDR or address (e.g. 10.42.0.0/16, 127.0.0.1, fd00::/8)'],
    ]);
    expect(
      deceptionConfigSchema.safeParse({ ignore: { sources: ['0x0a.0.0.1'] } }).error?.issues[0]
        ?.message,
    ).toBe('not a CIDR or address (e.g. 10.42.0.0/16, 127.0.0.1, fd00::/8)');
  });
});
