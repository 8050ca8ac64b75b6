// The PostgreSQL decoy against the real psql, and against bad input: random bytes, a bogus
// startup length, an oversized message, a slowloris client and a connection flood.
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
import { postgresHoneypot } from './postgres-honeypot';

const persona = { banner: 'PostgreSQL 15.5', hostname: 'db-01', extra: {} };

function psql(honeypot: Honeypot, user: string, password: string, sslmode = 'prefer') {
  return runClient('psql', ['-w', '-c', 'select 1'], {
    PGHOST: '127.0.0.1',
    PGPORT: String(honeypot.port),
    PGUSER: user,
    PGDATABASE: 'billing',
    PGPASSWORD: password,
    PGAPPNAME: 'psql',
    PGSSLMODE: sslmode,
    PGCONNECT_TIMEOUT: '10',
  });
}

function startupPacket(parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 3, 0, 0]),
    ...Object.entries(parameters).map(([k, v]) => Buffer.from(`${k}\0${v}\0`)),
    Buffer.from([0]),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

describe('postgres honeypot', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;

  beforeAll(async () => {
    collecting = collectingContext(persona, {
      idleTimeoutMs: 500,
      maxConnections: 8,
      maxBytesPerConnection: 64 * 1024,
    });
    honeypot = await postgresHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('refuses a wrong password as PostgreSQL does and records user, database and password', async () => {
    const run = await psql(honeypot, 'app', 'hunter2');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('FATAL:  password authentication failed for user "app"');
    expect(run.stderr).not.toMatch(GIVEAWAY);
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempts[0]).toMatchObject({
      protocol: 'postgres',
      username: 'app',
      request: 'user=app database=billing application_name=psql password=hunter2',
    });
    await disconnectedFor(collecting.interactions, 'auth failed');
  });

  it('records a honeytoken password as TOKEN_USE and still refuses it (after an SSLRequest)', async () => {
    const token = HONEYTOKENS['svc_backup']!;
    const run = await psql(honeypot, 'svc_backup', token.password, 'prefer');
    expect(run.stderr).toContain('password authentication failed for user "svc_backup"');
    const uses = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_TOKEN_USE,
    );
    expect(uses[0]).toMatchObject({ username: 'svc_backup', honeytokenId: token.id });
    expect(uses[0]!.request).toContain('database=billing');
  });

  it('records a client that sent no password', async () => {
    await runClient('psql', [
      '-w',
      '-h',
      '127.0.0.1',
      '-p',
      String(honeypot.port),
      '-U',
      'probe',
      '-d',
      'postgres',
    ]);
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
      2,
    );
    expect(attempts.map((a) => a.request)).toContain(
      'user=probe database=postgres application_name=psql (no password sent)',
    );
  });

  it('answers a query sent before the password with a protocol-violation FATAL', async () => {
    const query = Buffer.from('Q\0\0\0\rselect 1\0');
    const answer = await sendUntilClosed(honeypot.port, [
      startupPacket({ user: 'x', database: 'y' }),
      query,
    ]);
    expect(answer.toString('latin1')).toContain('expected password response, got message type 81');
    await disconnectedFor(collecting.interactions, 'protocol error');
  });

  it('stays up through random bytes, a bogus length, an oversized message, slowloris and a flood', async () => {
    await sendUntilClosed(honeypot.port, Buffer.from([0, 0, 0, 0, 1, 2, 3, 4]));
    await sendUntilClosed(honeypot.port, randomBytes(200 * 1024));
    const huge = Buffer.alloc(200 * 1024);
    huge.writeUInt32BE(huge.length);
    await sendUntilClosed(honeypot.port, [startupPacket({ user: 'x' }), Buffer.from('p'), huge]);
    const slow = await openSocket(honeypot.port);
    slow.write(Buffer.from([0, 0, 0]));
    await closedByServer(slow);
    const flood = await Promise.all(Array.from({ length: 20 }, () => openSocket(honeypot.port)));
    // Past maxConnections they are closed at accept; the others once idle.
    await Promise.all(flood.map(closedByServer));
    expect(
      collecting.interactions.filter((i) => i.request === 'refused: connection limit').length,
    ).toBeGreaterThanOrEqual(12);
    const run = await psql(honeypot, 'after', 'flood');
    expect(run.stderr).toContain('password authentication failed for user "after"');
  });
});
