// The MySQL decoy against the real mysql client (its scramble of a honeytoken password is the
// second implementation of the token), and bad input: random bytes, an oversized packet, a slowloris
// client and a connection flood.
import { createHash, randomBytes } from 'node:crypto';
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
import { mysqlHoneypot, nativePasswordToken } from './mysql-honeypot';

const persona = { banner: '8.0.36-0ubuntu0.22.04.1', hostname: 'db-02', extra: {} };

function mysql(honeypot: Honeypot, user: string, password: string) {
  return runClient('mysql', [
    '--protocol=TCP',
    '-h',
    '127.0.0.1',
    '-P',
    String(honeypot.port),
    '-u',
    user,
    `--password=${password}`,
    '--connect-timeout=10',
    '-e',
    'select 1',
    'orders',
  ]);
}

describe('mysql honeypot', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;

  beforeAll(async () => {
    collecting = collectingContext(persona, {
      idleTimeoutMs: 500,
      maxConnections: 8,
      maxBytesPerConnection: 64 * 1024,
    });
    honeypot = await mysqlHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('computes the mysql_native_password token as the protocol defines it', () => {
    const scramble = Buffer.from('0123456789abcdefghij');
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
    const stage1 = sha1(Buffer.from('secret'));
    const expected = Buffer.from(
      stage1.map((byte, i) => byte ^ sha1(Buffer.concat([scramble, sha1(stage1)]))[i]!),
    );
    expect(nativePasswordToken('secret', scramble)).toEqual(expected);
  });

  it('refuses a wrong password with ERROR 1045 (28000) and records the user and the hash offered', async () => {
    const run = await mysql(honeypot, 'root', 'toor');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1' (using password: YES)",
    );
    expect(run.stderr).not.toMatch(GIVEAWAY);
    await disconnectedFor(collecting.interactions, 'auth failed');
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempts[0]).toMatchObject({ protocol: 'mysql', username: 'root' });
    expect(attempts[0]!.request).toMatch(
      /^user=root database=orders mysql_native_password scramble=[0-9a-f]{40} token=[0-9a-f]{40}$/,
    );
  });

  it('recognises a honeytoken password from its scramble, records TOKEN_USE and still refuses', async () => {
    const token = HONEYTOKENS['svc_backup']!;
    const run = await mysql(honeypot, 'svc_backup', token.password);
    expect(run.stderr).toContain("ERROR 1045 (28000): Access denied for user 'svc_backup'");
    const uses = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_TOKEN_USE,
    );
    expect(uses[0]).toMatchObject({ username: 'svc_backup', honeytokenId: token.id });
  });

  it('does not take another password of a honeytoken user for the honeytoken', async () => {
    await mysql(honeypot, 'svc_backup', 'not-the-token');
    const attempts = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
      2,
    );
    expect(attempts.some((a) => a.username === 'svc_backup')).toBe(true);
    expect(
      collecting.interactions.filter((i) => i.kind === InteractionKind.INTERACTION_KIND_TOKEN_USE),
    ).toHaveLength(1);
  });

  it('stays up through random bytes, an oversized packet, a slowloris client and a flood', async () => {
    await sendUntilClosed(honeypot.port, randomBytes(200 * 1024));
    const oversized = Buffer.alloc(200 * 1024);
    oversized.writeUIntLE(0xfffffe, 0, 3);
    oversized[3] = 1;
    await sendUntilClosed(honeypot.port, oversized);
    const slow = await openSocket(honeypot.port);
    slow.write(Buffer.from([0x20, 0, 0]));
    await closedByServer(slow);
    const flood = await Promise.all(Array.from({ length: 20 }, () => openSocket(honeypot.port)));
    // Past maxConnections they are closed at accept; the others once idle.
    await Promise.all(flood.map(closedByServer));
    expect(
      collecting.interactions.filter((i) => i.request === 'refused: connection limit').length,
    ).toBeGreaterThanOrEqual(12);
    const run = await mysql(honeypot, 'after', 'flood');
    expect(run.stderr).toContain("ERROR 1045 (28000): Access denied for user 'after'");
  });
});
