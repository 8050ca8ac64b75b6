// The Redis decoy against the real redis-cli, and against bad input: random bytes, oversized
// inline requests, a slowloris client and a connection flood.
import { randomBytes } from 'node:crypto';
import { InteractionKind } from '@omega/proto';
import {
  closedByServer,
  collectingContext,
  disconnectedFor,
  GIVEAWAY,
  HONEYTOKENS,
  openSocket,
  recorded,
  runClient,
  sendUntilClosed,
  type CollectingContext,
} from '../testing/database-honeypot-context';
import type { Honeypot } from './honeypot';
import { redisHoneypot } from './redis-honeypot';

const persona = { banner: 'Redis 7.0.15', hostname: 'cache-01', extra: {} };

function cli(honeypot: Honeypot, ...args: string[]) {
  return runClient('redis-cli', [
    '-h',
    '127.0.0.1',
    '-p',
    String(honeypot.port),
    '--no-auth-warning',
    ...args,
  ]);
}

describe('redis honeypot (open, as an unprotected Redis)', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;

  beforeAll(async () => {
    collecting = collectingContext(persona, {
      idleTimeoutMs: 500,
      maxConnections: 8,
      maxBytesPerConnection: 256 * 1024,
    });
    honeypot = await redisHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('answers PING with PONG and records the command', async () => {
    expect((await cli(honeypot, 'PING')).stdout.trim()).toBe('PONG');
    const commands = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_COMMAND,
    );
    expect(commands.some((c) => c.request === 'PING' && c.protocol === 'redis')).toBe(true);
  });

  it('reports the persona version in INFO, and nothing that gives the decoy away', async () => {
    const info = (await cli(honeypot, 'INFO')).stdout;
    expect(info).toContain('redis_version:7.0.15');
    expect(info).toContain('# Keyspace');
    expect(info).not.toMatch(GIVEAWAY);
  });

  it('lists a plausible keyspace for KEYS * and keeps what SET writes', async () => {
    const keys = (await cli(honeypot, 'KEYS', '*')).stdout.trim().split('\n');
    expect(keys).toEqual(expect.arrayContaining(['user:1042', 'cache:feature-flags']));
    expect((await cli(honeypot, 'SET', 'backdoor', 'x')).stdout.trim()).toBe('OK');
    expect((await cli(honeypot, 'GET', 'backdoor')).stdout.trim()).toBe('x');
    expect((await cli(honeypot, 'CONFIG', 'GET', 'dir')).stdout.trim().split('\n')).toEqual([
      'dir',
      '/var/lib/redis',
    ]);
    const commands = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_COMMAND,
    );
    expect(commands.map((c) => c.request)).toEqual(
      expect.arrayContaining(['KEYS *', 'SET backdoor x']),
    );
  });

  it('answers an unknown command as Redis 7 does', async () => {
    const run = await cli(honeypot, 'FROBNICATE', 'a');
    expect(run.stdout.trim()).toBe(
      "ERR unknown command 'FROBNICATE', with args beginning with: 'a'",
    );
  });

  it('records a wrong AUTH as an AUTH_ATTEMPT with the user', async () => {
    const run = await cli(honeypot, '--user', 'admin', '--pass', 'hunter2', 'PING');
    expect(run.stdout + run.stderr).toContain('WRONGPASS');
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempts.find((a) => a.username === 'admin')?.request).toBe('AUTH admin hunter2');
  });

  it('answers inline commands (telnet, scanners)', async () => {
    const answer = await sendUntilClosed(honeypot.port, Buffer.from('PING\r\nECHO hi\r\nQUIT\r\n'));
    expect(answer.toString()).toBe('+PONG\r\n$2\r\nhi\r\n+OK\r\n');
  });

  it('reads inline and RESP requests mixed in one write, in order', async () => {
    const mixed = '*2\r\n$4\r\nECHO\r\n$1\r\na\r\nECHO b\r\n*1\r\n$4\r\nPING\r\nQUIT\r\n';
    const answer = await sendUntilClosed(honeypot.port, Buffer.from(mixed));
    expect(answer.toString()).toBe('$1\r\na\r\n$1\r\nb\r\n+PONG\r\n+OK\r\n');
  });

  it('stays up through random bytes, an oversized inline request, a slowloris client and a flood', async () => {
    await sendUntilClosed(honeypot.port, [randomBytes(64 * 1024), randomBytes(64 * 1024)]);
    const badLength = await sendUntilClosed(honeypot.port, Buffer.from('*99999999999\r\n'));
    expect(badLength.toString()).toBe('-ERR Protocol error: invalid multibulk length\r\n');
    await disconnectedFor(collecting.interactions, 'protocol error');
    const oversized = await sendUntilClosed(honeypot.port, Buffer.alloc(200 * 1024, 0x41));
    expect(oversized.toString()).toContain('-ERR Protocol error: too big inline request');
    const slow = await openSocket(honeypot.port);
    slow.write('*1\r\n$4\r\nPI');
    await closedByServer(slow);
    const flood = await Promise.all(Array.from({ length: 20 }, () => openSocket(honeypot.port)));
    // Past maxConnections they are closed at accept; the others once idle.
    await Promise.all(flood.map(closedByServer));
    const rejected = collecting.interactions.filter(
      (i) => i.request === 'refused: connection limit',
    );
    expect(rejected.length).toBeGreaterThanOrEqual(12);
    // A refused connection is a CONNECT and a DISCONNECT carrying the reason, in one session.
    for (const refusal of rejected) {
      expect(refusal.kind).toBe(InteractionKind.INTERACTION_KIND_DISCONNECT);
      const session = collecting.interactions.filter((i) => i.sessionId === refusal.sessionId);
      expect(session.map((i) => i.kind)).toEqual([
        InteractionKind.INTERACTION_KIND_CONNECT,
        InteractionKind.INTERACTION_KIND_DISCONNECT,
      ]);
    }
    expect((await cli(honeypot, 'PING')).stdout.trim()).toBe('PONG');
  });
});

describe('redis honeypot (asking for a password)', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;

  beforeAll(async () => {
    collecting = collectingContext({ ...persona, extra: { auth: 'password' } });
    honeypot = await redisHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('refuses commands before AUTH and a wrong password', async () => {
    expect((await cli(honeypot, 'KEYS', '*')).stdout.trim()).toBe(
      'NOAUTH Authentication required.',
    );
    const run = await cli(honeypot, '-a', 'letmein', 'PING');
    expect(run.stdout + run.stderr).toContain(
      'WRONGPASS invalid username-password pair or user is disabled.',
    );
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempts[0]).toMatchObject({ username: 'default', request: 'AUTH letmein' });
  });

  it('lets a honeytoken password in and records its use with the honeytoken id', async () => {
    const run = await cli(honeypot, '-a', HONEYTOKENS['default']!.password, 'PING');
    expect(run.stdout.trim()).toBe('PONG');
    const uses = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_TOKEN_USE,
    );
    expect(uses[0]).toMatchObject({
      username: 'default',
      honeytokenId: 'ht-redis-default',
      protocol: 'redis',
    });
  });
});
