// DNS canaries through the deception service as it runs (real nats-server, real gRPC), with the
// dig binary as the resolver: a minted hostname queried in any type, case or with labels in front,
// over UDP or TCP, is a TOKEN_USE interaction on omega.deception.dns naming the resolver; other
// names in the zone are NXDOMAIN with the zone's SOA, the apex answers SOA and NS, names outside
// are REFUSED; malformed, oversized and flooding queries are dropped or refused.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { promisify } from 'node:util';
import {
  DeceptionServiceClient,
  DeceptionServiceService,
  Event,
  HoneytokenKind,
  InteractionKind,
  MintHoneytokenRequest,
} from '@omega/proto';
import { Code, createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { eventually, freePort, withNats } from '@omega/testkit';
import type { DeceptionServiceConfig } from '../deception-service';
import { startDeception } from '../testing/start-deception';

const run = promisify(execFile);
const ZONE = 'cdn-assets.example.net';
const nats = withNats({ jetstream: true });
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;
let port: number;

beforeAll(async () => {
  port = await freePort();
  running = await startDeception(nats.url, {
    OMEGA_DECEPTION_HONEYTOKENS_TRIGGER_WRITE_INTERVAL_MS: '0',
    OMEGA_DECEPTION_DNS_ZONE: ZONE,
    OMEGA_DECEPTION_DNS_LISTEN: `127.0.0.1:${port}`,
    OMEGA_DECEPTION_DNS_NAME_SERVERS: 'ns1.example.net,ns2.example.net',
    OMEGA_DECEPTION_DNS_QUERIES_PER_SECOND_PER_SOURCE: '50',
    OMEGA_DECEPTION_DNS_MAX_TCP_CONNECTIONS: '4',
  });
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

/** dig's answer: its status line and sections, without comments that vary (ids, times). */
async function dig(name: string, type = 'A', ...flags: string[]) {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(port),
    '+norecurse',
    '+tries=1',
    '+time=5',
    ...flags,
    name,
    type,
  ]);
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1];
  const aa = /flags: [^;]*\baa\b/.test(stdout);
  const records = (section: string) => {
    const match = new RegExp(`;; ${section} SECTION:\\n([\\s\\S]*?)(\\n\\n|$)`).exec(stdout);
    return (match?.[1] ?? '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(/\s+/));
  };
  return { status, aa, answer: records('ANSWER'), authority: records('AUTHORITY'), stdout };
}

async function dnsEvents() {
  const subject = 'omega.deception.dns';
  const info = await running.bus.jsm.streams.info('DECEPTION', { subjects_filter: subject });
  const count = info.state.subjects?.[subject] ?? 0;
  if (count === 0) return { count };
  const stored = await running.bus.jsm.streams.getMessage('DECEPTION', { last_by_subj: subject });
  return { count, event: Event.decode(stored!.data) };
}

async function queries(transport: string, outcome: string): Promise<number> {
  const found = await running.service.metrics
    .getSingleMetric('omega_deception_dns_queries_total')
    ?.get();
  return (
    found?.values.find(
      (v) => v.labels['transport'] === transport && v.labels['outcome'] === outcome,
    )?.value ?? 0
  );
}

const mintCanary = () =>
  client.mintHoneytoken(
    MintHoneytokenRequest.fromPartial({
      kind: HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY,
      name: 'wiki-backup-host',
      placement: 'hosts file of the build server',
    }),
  );

describe('DNS canaries', () => {
  it('mints a unique hostname under the zone', async () => {
    const [a, b] = [await mintCanary(), await mintCanary()];
    expect(a.secretValue).toMatch(new RegExp(`^[a-z2-7]{26}\\.${ZONE.replace(/\./g, '\\.')}$`));
    expect(a.secretValue).not.toBe(b.secretValue);
  });

  it('reports a query for a canary, in another case and with labels in front, naming the resolver', async () => {
    const minted = await mintCanary();
    const before = (await dnsEvents()).count;
    const shouted = `x1.Www.${minted.secretValue.toUpperCase()}`;
    const answer = await dig(shouted, 'TXT');
    expect(answer.status).toBe('NOERROR');
    expect(answer.aa).toBe(true);
    expect(answer.answer).toEqual([]);
    expect(answer.authority[0]?.slice(0, 5)).toEqual([
      `${ZONE}.`,
      '60',
      'IN',
      'SOA',
      'ns1.example.net.',
    ]);
    const { event } = await eventually('the canary query on DECEPTION', async () => {
      const events = await dnsEvents();
      return events.count > before ? events : undefined;
    });
    expect(event?.srcEndpoint?.ip).toBe('127.0.0.1');
    const interaction =
      event?.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
    expect(interaction).toMatchObject({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      honeytokenId: minted.honeytoken!.id,
      protocol: 'dns',
      request: `TXT ${shouted} over udp`,
    });
    expect(event?.unmapped).toMatchObject({
      'deception.honeytoken_name': 'wiki-backup-host',
      'deception.placement': 'hosts file of the build server',
    });
  });

  it('reports a canary queried over TCP', async () => {
    const minted = await mintCanary();
    const before = (await dnsEvents()).count;
    expect((await dig(minted.secretValue, 'AAAA', '+tcp')).status).toBe('NOERROR');
    const { event } = await eventually('the TCP canary query on DECEPTION', async () => {
      const events = await dnsEvents();
      return events.count > before ? events : undefined;
    });
    const interaction =
      event?.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
    expect(interaction?.request).toBe(`AAAA ${minted.secretValue} over tcp`);
  });

  it('answers NXDOMAIN with the SOA for other names in the zone, and records nothing', async () => {
    const before = (await dnsEvents()).count;
    const answer = await dig(`aaaaaaaaaaaaaaaaaaaaaaaaaa.${ZONE}`);
    expect(answer.status).toBe('NXDOMAIN');
    expect(answer.aa).toBe(true);
    expect(answer.authority[0]?.[3]).toBe('SOA');
    // A canary queried after it is the one event that follows.
    const minted = await mintCanary();
    await dig(minted.secretValue);
    const { count, event } = await eventually('the canary after it', async () => {
      const events = await dnsEvents();
      return events.count > before ? events : undefined;
    });
    expect(count).toBe(before + 1);
    expect(
      event?.payload?.$case === 'deceptionInteraction' && event.payload.value.honeytokenId,
    ).toBe(minted.honeytoken!.id);
  });

  it('answers SOA and NS at the apex', async () => {
    const soa = await dig(ZONE, 'SOA');
    expect(soa.answer[0]?.slice(0, 6)).toEqual([
      `${ZONE}.`,
      '60',
      'IN',
      'SOA',
      'ns1.example.net.',
      `hostmaster.${ZONE}.`,
    ]);
    const ns = await dig(ZONE, 'NS');
    expect(ns.answer.map((record) => record[4]).sort()).toEqual([
      'ns1.example.net.',
      'ns2.example.net.',
    ]);
  });

  it('refuses names outside the zone', async () => {
    for (const name of ['example.net', `evil${ZONE}`, 'www.google.com']) {
      const answer = await dig(name);
      expect({ name, status: answer.status, answer: answer.answer }).toEqual({
        name,
        status: 'REFUSED',
        answer: [],
      });
    }
  });

  it('answers FORMERR to a query with no question and drops a packet past 1024 bytes', async () => {
    const socket = createSocket('udp4');
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    // A header alone: id 0x1234, a query with zero questions.
    socket.send(Buffer.from([0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), port, '127.0.0.1');
    const bytes = await reply;
    expect(bytes.readUInt16BE(0)).toBe(0x1234);
    expect(bytes.readUInt16BE(2) & 0x800f).toBe(0x8001);
    const oversizedBefore = await queries('udp', 'oversized');
    socket.send(Buffer.alloc(1500), port, '127.0.0.1');
    await eventually('the oversized packet counted', async () =>
      (await queries('udp', 'oversized')) > oversizedBefore ? true : undefined,
    );
    socket.close();
  });

  it('serves at most maxTcpConnections TCP connections at once', async () => {
    const held = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    // The server accepts the fifth and closes it at once: dig gets no answer over TCP.
    await expect(dig(ZONE, 'SOA', '+tcp')).rejects.toMatchObject({
      stdout: expect.stringMatching(/communications error|connection reset|end of file/i),
    });
    for (const socket of held) socket.destroy();
    await eventually(
      'a TCP query answered once the held connections are closed',
      async () => (await dig(ZONE, 'SOA', '+tcp').catch(() => undefined))?.status,
    );
  });

  it('drops a source past its rate (burst of twice the rate per second)', async () => {
    const socket = createSocket('udp4');
    const query = Buffer.from(
      '00010000000100000000000003777777076578616d706c65036e65740000010001',
      'hex',
    );
    const limitedBefore = await queries('udp', 'rate-limited');
    for (let i = 0; i < 300; i++) socket.send(query, port, '127.0.0.1');
    await eventually('queries past the burst dropped', async () =>
      (await queries('udp', 'rate-limited')) > limitedBefore ? true : undefined,
    );
    socket.close();
  });

  it('refuses to mint a DNS canary when no zone is served', async () => {
    const plain = await startDeception(nats.url);
    const plainClient = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${plain.grpcPort}`);
    try {
      await expect(
        plainClient.mintHoneytoken(
          MintHoneytokenRequest.fromPartial({
            kind: HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY,
            name: 'x',
          }),
        ),
      ).rejects.toMatchObject({
        code: Code.FailedPrecondition,
        message: expect.stringContaining('deception.dns.zone'),
      });
    } finally {
      plainClient.close();
      await plain.service.shutdown('test done');
    }
  });
});
