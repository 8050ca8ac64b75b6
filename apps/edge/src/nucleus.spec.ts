// The nucleus on a real UDP socket: a member's signed registration makes it push both endpoints to
// the pair at once; forged, replayed, foreign, malformed and over-rate messages are refused and
// counted, and nothing is pushed for them.
import { generateKeyPairSync } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import pino from 'pino';
import { formatPublicIdentity } from './edge-identity';
import { Nucleus } from './nucleus';
import { encodePush, verifyPush, type PeerPush } from './nucleus-push';
import { encodeSigned, ReplayCache, type HostMessage } from './signalling';

function host() {
  const signing = generateKeyPairSync('ed25519');
  const identity = formatPublicIdentity({
    identityKey: Buffer.from(signing.publicKey.export({ format: 'jwk' }).x!, 'base64url'),
    wireguardPublicKey: Buffer.alloc(32, 7),
  });
  return { key: signing.privateKey, identity };
}

let nonce = 0;
function message(identity: string, overrides: Partial<HostMessage> = {}): HostMessage {
  return {
    type: 'register',
    cluster: 'lab',
    identity,
    wireguardPort: 51820,
    timeMs: Date.now(),
    nonce: `nonce-${String(++nonce).padStart(12, '0')}`,
    ...overrides,
  };
}

const alice = host();
const bob = host();
const stranger = host();
const nucleusKeys = generateKeyPairSync('ed25519');
const nucleusPublic = Buffer.from(nucleusKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url');
let nucleus: Nucleus;
let port: number;
const sockets: Socket[] = [];

async function client(self: string): Promise<{ socket: Socket; pushes: unknown[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const pushes: unknown[] = [];
  const replay = new ReplayCache();
  socket.on('message', (d) => {
    const { type, identity, endpoint } = verifyPush(d, nucleusPublic, self, Date.now(), replay);
    pushes.push({ type, identity, endpoint });
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, pushes };
}

const from = (address: string): RemoteInfo => ({ address, family: 'IPv4', port: 9, size: 0 });

beforeAll(async () => {
  nucleus = new Nucleus({
    host: '127.0.0.1',
    port: 0,
    cluster: 'lab',
    members: new Set([alice.identity, bob.identity]),
    log: pino({ level: 'silent' }),
    signingKey: nucleusKeys.privateKey,
  });
  port = await nucleus.start();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await nucleus.close();
});

describe('nucleus', () => {
  it('pushes both endpoints to a pair at once when the second member registers', async () => {
    const a = await client(alice.identity);
    const b = await client(bob.identity);
    a.socket.send(
      encodeSigned(message(alice.identity, { wireguardPort: 51001 }), alice.key),
      port,
      '127.0.0.1',
    );
    await new Promise((r) => setTimeout(r, 200));
    b.socket.send(
      encodeSigned(message(bob.identity, { wireguardPort: 51002 }), bob.key),
      port,
      '127.0.0.1',
    );
    for (let i = 0; i < 50 && (a.pushes.length === 0 || b.pushes.length === 0); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(a.pushes).toEqual([
      { type: 'peer', identity: bob.identity, endpoint: '127.0.0.1:51002' },
    ]);
    expect(b.pushes).toEqual([
      { type: 'peer', identity: alice.identity, endpoint: '127.0.0.1:51001' },
    ]);
  });

  it('refuses a host that is not a member of the cluster', () => {
    nucleus.receive(
      encodeSigned(message(stranger.identity), stranger.key),
      from('10.0.0.1'),
      Date.now(),
    );
    expect(nucleus.counters.rejected.PermissionDenied).toBe(1);
  });

  it('refuses a registration of a member signed with another key (forged)', () => {
    nucleus.receive(
      encodeSigned(message(alice.identity), stranger.key),
      from('10.0.0.2'),
      Date.now(),
    );
    expect(nucleus.counters.rejected.Unauthenticated).toBe(1);
  });

  it('refuses a replayed registration and a stale one', () => {
    const datagram = encodeSigned(message(bob.identity), bob.key);
    nucleus.receive(datagram, from('10.0.0.3'), Date.now());
    nucleus.receive(datagram, from('10.0.0.3'), Date.now());
    nucleus.receive(
      encodeSigned(message(bob.identity, { timeMs: Date.now() - 120_000 }), bob.key),
      from('10.0.0.3'),
      Date.now(),
    );
    expect(nucleus.counters.rejected.Unauthenticated).toBe(3);
  });

  it('refuses a message of another cluster and malformed ones', () => {
    nucleus.receive(
      encodeSigned(message(alice.identity, { cluster: 'other' }), alice.key),
      from('10.0.0.4'),
      Date.now(),
    );
    expect(nucleus.counters.rejected.PermissionDenied).toBe(2);
    for (const junk of ['not json', '{"body":"eyJ0eXBlIjoieCJ9","sig":"AA"}', 'x'.repeat(5000)]) {
      nucleus.receive(Buffer.from(junk), from('10.0.0.5'), Date.now());
    }
    expect(nucleus.counters.rejected.InvalidArgument).toBe(3);
  });

  it('accepts 10 requests per second from one source IP and drops the rest', () => {
    const now = Date.now();
    const before = nucleus.counters.rateLimited;
    for (let i = 0; i < 25; i++) nucleus.receive(Buffer.from('junk'), from('10.0.0.99'), now);
    expect(nucleus.counters.rateLimited - before).toBe(15);
    nucleus.receive(Buffer.from('junk'), from('10.0.0.99'), now + 1000);
    expect(nucleus.counters.rateLimited - before).toBe(15);
  });
});

describe('pushes from the nucleus', () => {
  const push = (overrides: Partial<PeerPush> = {}): PeerPush => ({
    type: 'peer',
    to: alice.identity,
    identity: bob.identity,
    endpoint: '192.0.2.2:51820',
    timeMs: Date.now(),
    nonce: `push-nonce-${String(++nonce).padStart(8, '0')}`,
    ...overrides,
  });

  it('refuses a push not signed by the nucleus key', () => {
    expect(() =>
      verifyPush(
        encodePush(push(), stranger.key),
        nucleusPublic,
        alice.identity,
        Date.now(),
        new ReplayCache(),
      ),
    ).toThrow(/signature does not verify for the nucleus key/);
  });

  it('refuses a push addressed to another host, and a replayed one', () => {
    const replay = new ReplayCache();
    expect(() =>
      verifyPush(
        encodePush(push({ to: bob.identity }), nucleusKeys.privateKey),
        nucleusPublic,
        alice.identity,
        Date.now(),
        replay,
      ),
    ).toThrow(/addressed to another host/);
    const datagram = encodePush(push(), nucleusKeys.privateKey);
    expect(verifyPush(datagram, nucleusPublic, alice.identity, Date.now(), replay).identity).toBe(
      bob.identity,
    );
    expect(() => verifyPush(datagram, nucleusPublic, alice.identity, Date.now(), replay)).toThrow(
      /replayed/,
    );
  });
});
