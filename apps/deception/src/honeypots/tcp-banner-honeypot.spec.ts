// The generic TCP decoy against curl's FTP client (a real client speaking RFC 959) and raw sockets:
// the banner it greets with, the credentials tried, a honeytoken login, and bad input (binary bytes,
// an endless line, too many lines, a flood).
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
import { tcpBannerHoneypot } from './tcp-banner-honeypot';

describe('TCP banner honeypot, FTP persona, against curl', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;
  const curl = (user: string) =>
    runClient('curl', [
      '-sS',
      '--max-time',
      '5',
      '--user',
      user,
      `ftp://127.0.0.1:${honeypot.port}/`,
    ]);

  beforeAll(async () => {
    collecting = collectingContext(
      { banner: '220 (vsFTPd 3.0.3)', hostname: 'files-01', extra: {} },
      { idleTimeoutMs: 1_000, maxConnections: 8 },
    );
    honeypot = await tcpBannerHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('refuses a wrong login as vsftpd does and records the user and the attempt', async () => {
    const run = await curl('admin:hunter2');
    expect(run.code).toBe(67); // curl: "the user name, password, or similar was not accepted"
    const [attempt] = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempt).toMatchObject({ protocol: 'ftp', username: 'admin', request: 'PASS' });
    expect(JSON.stringify(collecting.interactions)).not.toContain('hunter2');
  });

  it('lets a honeytoken credential in and reports its use', async () => {
    const { password, id } = HONEYTOKENS['svc_backup']!;
    await curl(`svc_backup:${password}`);
    const [use] = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_TOKEN_USE,
    );
    expect(use).toMatchObject({ username: 'svc_backup', honeytokenId: id, protocol: 'ftp' });
    // After the login curl asks for the directory: the decoy answers it and records the command.
    await recorded(collecting.interactions, InteractionKind.INTERACTION_KIND_COMMAND, 3);
    expect(collecting.interactions.map((i) => i.request)).toContain('PWD');
  });
});

describe('TCP banner honeypot, raw persona', () => {
  let collecting: CollectingContext;
  let honeypot: Honeypot;

  beforeAll(async () => {
    collecting = collectingContext(
      {
        banner: 'SSH-1.99-Cisco-1.25',
        hostname: 'sw-core-2',
        extra: { reply: '% Authorization failed.' },
      },
      { idleTimeoutMs: 500, maxConnections: 4, maxCommandsPerConnection: 3 },
    );
    honeypot = await tcpBannerHoneypot(collecting.context, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => honeypot.close());

  it('greets with the banner, answers each line with the persona reply and records it', async () => {
    const answer = await sendUntilClosed(honeypot.port, Buffer.from('show version\r\n'));
    expect(answer.toString()).toBe('SSH-1.99-Cisco-1.25\r\n% Authorization failed.\r\n');
    expect(answer.toString()).not.toMatch(GIVEAWAY);
    const commands = await recorded(
      collecting.interactions,
      InteractionKind.INTERACTION_KIND_COMMAND,
    );
    expect(commands[0]).toMatchObject({ protocol: 'tcp', request: 'show version' });
  });

  it('shows bytes that are not text escaped, and closes after the line budget', async () => {
    await sendUntilClosed(honeypot.port, [
      Buffer.from([0x16, 0x03, 0x01, 0xff, 0x0a]),
      Buffer.from('a\nb\nc\nd\n'),
    ]);
    await disconnectedFor(collecting.interactions, 'command limit');
    expect(collecting.interactions.map((i) => i.request)).toContain('\\x16\\x03\\x01\\xff');
  });

  it('closes a line that never ends, recording its start', async () => {
    await sendUntilClosed(
      honeypot.port,
      Buffer.from(randomBytes(8192).map((b) => (b === 0x0a ? 0x41 : b))),
    );
    await disconnectedFor(collecting.interactions, 'request too large');
  });

  it('stays up through a flood and an idle client, bounded in connections', async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => openSocket(honeypot.port)));
    await disconnectedFor(collecting.interactions, 'refused: connection limit');
    await Promise.all(held.map((socket) => closedByServer(socket)));
    await disconnectedFor(collecting.interactions, 'idle timeout');
    const answer = await sendUntilClosed(honeypot.port, Buffer.from('x\n'));
    expect(answer.toString()).toContain('SSH-1.99-Cisco-1.25');
  });
});
