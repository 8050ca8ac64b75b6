// The SSH honeypot: an ssh2 server that records every authentication attempt, refuses all but a
// honeytoken credential, and gives that one a fake interactive shell that records each command.
import { createHash } from 'node:crypto';
import { createServer, type Server as NetServer } from 'node:net';
import { InteractionKind } from '@omega/proto';
import {
  Server as SshServer,
  utils,
  type AuthContext,
  type Connection,
  type ServerChannel,
} from 'ssh2';
import { bounded, CloseReason, ConnectionGuard, type GuardedConnection } from './connection-guard';
import type { HoneypotContext, HoneypotFactory } from './honeypot';
import { answerCommandLine, motdOf, promptOf, type ShellIdentity } from './ssh-shell';
import { listenOn } from './listen-on';

/** The identification string of Ubuntu 22.04's sshd, used when the persona gives none. */
export const DEFAULT_SSH_BANNER = 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6';
/** Authentication attempts one connection may make before it is disconnected (sshd's MaxAuthTries). */
export const MAX_AUTH_ATTEMPTS = 6;
/**
 * How long a refused password waits for its answer, as PAM's failure delay makes sshd wait: an
 * instant refusal is a tell, and the wait slows guessing down.
 */
export const AUTH_FAILURE_DELAY_MS = 2000;
/** Session channels one connection may open. */
const MAX_SESSIONS = 4;
/** Longest shell line kept; the rest of a longer line is dropped. */
const MAX_LINE_CHARS = 4096;

/** Where an SSH decoy's host key comes from: the same one every time for one decoy. */
export interface SshHostKeySource {
  /** The decoy's OpenSSH-format private key. */
  forDecoy(decoyId: string): string | Promise<string>;
}

/**
 * Host keys per decoy, generated once and kept for the decoy's life in this process, so a client
 * reconnecting after a honeypot restart sees the same key (a changed key is a tell). The service
 * keeps them in omega_decoys instead (ssh-host-key-store.ts), so they outlive the process too.
 */
export class SshHostKeys implements SshHostKeySource {
  readonly #keys = new Map<string, string>();

  /** The decoy's OpenSSH-format ed25519 private key, generated on first use. */
  forDecoy(decoyId: string): string {
    let key = this.#keys.get(decoyId);
    if (key === undefined) {
      key = parseableHostKey();
      this.#keys.set(decoyId, key);
    }
    return key;
  }
}

/**
 * A new ed25519 key that ssh2 itself parses back: ssh2 writes about one key in 400 that its own
 * parser refuses as "Malformed OpenSSH private key" (8 of 3,000 measured), failing the decoy.
 */
export function parseableHostKey(): string {
  for (let attempt = 1; ; attempt++) {
    const key = utils.generateKeyPairSync('ed25519').private;
    if (!(utils.parseKey(key) instanceof Error) || attempt >= 8) return key;
  }
}

const defaultHostKeys = new SshHostKeys();

/** OpenSSH's fingerprint of a public key blob: "SHA256:" and unpadded base64 of its SHA-256. */
export function sshFingerprint(publicKeyBlob: Uint8Array): string {
  const digest = createHash('sha256').update(publicKeyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * The identification string without "SSH-2.0-" (ssh2 adds it): printable ASCII only and at most
 * 255 characters with the prefix, as RFC 4253 section 4.2 requires.
 */
export function identOf(banner: string): string {
  const line = banner.replace(/[^\x20-\x7e]/g, '').trim() || DEFAULT_SSH_BANNER;
  return line.replace(/^SSH-2\.0-/, '').slice(0, 255 - 'SSH-2.0-'.length);
}

/** What an attempt presented, as its interaction's request says. */
function attemptOf(auth: AuthContext): string {
  switch (auth.method) {
    case 'password':
      return `password: ${bounded(auth.password, 256)}`;
    case 'publickey':
      return `publickey ${bounded(auth.key.algo, 64)} ${sshFingerprint(auth.key.data)}`;
    default:
      return bounded(auth.method, 64);
  }
}

function authenticate(
  context: HoneypotContext,
  connection: GuardedConnection,
  client: Connection,
  identity: { username: string },
  failureDelayMs: number,
): void {
  let attempts = 0;
  client.on('authentication', (auth) => {
    const username = bounded(auth.username, 256);
    // "none" is how a client asks which methods exist, not an attempt.
    if (auth.method === 'none') return auth.reject(['publickey', 'password']);
    attempts += 1;
    const honeytokenId =
      auth.method === 'password' ? context.credentials(auth.username, auth.password) : undefined;
    if (honeytokenId !== undefined) {
      connection.record(InteractionKind.INTERACTION_KIND_TOKEN_USE, {
        username,
        request: 'password',
        honeytokenId,
      });
      identity.username = auth.username;
      return auth.accept();
    }
    connection.record(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, {
      username,
      request: attemptOf(auth),
    });
    const refuse = (): void => {
      auth.reject(['publickey', 'password']);
      if (attempts >= MAX_AUTH_ATTEMPTS) connection.close(CloseReason.AuthAttemptLimit);
    };
    // Only passwords wait: sshd answers a public key it does not know at once.
    if (auth.method !== 'password' || failureDelayMs <= 0) return refuse();
    setTimeout(refuse, failureDelayMs).unref();
  });
}

/**
 * One COMMAND per entered line. On a pty, bash's side of the terminal too: the login message, the
 * prompt, echo, backspace, ^C and ^D; without one (`ssh -T`, piped input) only the answers.
 */
function runShell(
  connection: GuardedConnection,
  shell: ShellIdentity,
  stream: ServerChannel,
  pty: boolean,
): void {
  const write = (text: string): void => void stream.write(pty ? text.replace(/\n/g, '\r\n') : text);
  const prompt = pty ? promptOf(shell) : '';
  const echo = (text: string): void => (pty ? write(text) : undefined);
  let line = '';
  if (pty) write(motdOf() + prompt);
  stream.on('end', () => {
    stream.exit(0);
    stream.end();
  });
  stream.on('data', (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (char === '\r' || char === '\n') {
        echo('\n');
        const entered = line;
        line = '';
        if (entered.trim() !== '') {
          connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
            username: shell.username,
            request: bounded(entered),
          });
        }
        const answer = answerCommandLine(shell, entered);
        write(answer.output);
        if (answer.exit) {
          echo('logout\n');
          stream.exit(0);
          return stream.end();
        }
        write(prompt);
      } else if (char === '\x7f' || char === '\b') {
        if (line.length > 0) echo('\b \b');
        line = line.slice(0, -1);
      } else if (char === '\x03') {
        line = '';
        echo(`^C\n${prompt}`);
      } else if (char === '\x04' && line === '') {
        echo('logout\n');
        stream.exit(0);
        return stream.end();
      } else if (char >= ' ' && line.length < MAX_LINE_CHARS) {
        line += char;
        echo(char);
      }
    }
  });
}

function serveSessions(
  connection: GuardedConnection,
  client: Connection,
  shell: ShellIdentity,
): void {
  let sessions = 0;
  client.on('session', (accept, reject) => {
    if (++sessions > MAX_SESSIONS) return reject();
    const session = accept();
    let pty = false;
    session.on('pty', (accept) => {
      pty = true;
      accept?.();
    });
    session.on('window-change', (accept) => accept?.());
    session.on('env', (accept) => accept?.());
    session.on('subsystem', (_accept, reject) => reject?.());
    session.on('shell', (accept) => runShell(connection, shell, accept(), pty));
    session.on('exec', (accept, _reject, info) => {
      const stream = accept();
      connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        username: shell.username,
        request: bounded(info.command),
      });
      const answer = answerCommandLine(shell, info.command);
      // Like bash, a non-interactive command's errors go to stderr.
      if (answer.exitCode === 0) stream.write(answer.output);
      else stream.stderr.write(answer.output);
      stream.exit(answer.exitCode);
      stream.end();
    });
  });
  client.on('tcpip', (_accept, reject, info) => {
    connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
      username: shell.username,
      request: bounded(`direct-tcpip ${info.destIP}:${info.destPort}`),
    });
    reject();
  });
  client.on('request', (accept, reject) => reject?.());
}

export interface SshHoneypotOptions {
  /** Where the decoy's host key is kept (default: one store for the process). */
  readonly hostKeys?: SshHostKeySource;
  /** Default AUTH_FAILURE_DELAY_MS. */
  readonly authFailureDelayMs?: number;
}

export const sshHoneypot: HoneypotFactory = (context, listen) => startSshHoneypot(context, listen);

export async function startSshHoneypot(
  context: HoneypotContext,
  listen: { readonly host: string; readonly port: number },
  options: SshHoneypotOptions = {},
): ReturnType<HoneypotFactory> {
  const hostKeys = options.hostKeys ?? defaultHostKeys;
  const failureDelayMs = options.authFailureDelayMs ?? AUTH_FAILURE_DELAY_MS;
  const { limits, persona } = context;
  const guard = new ConnectionGuard({
    protocol: 'ssh',
    limits,
    recorder: context.recorder,
    logger: context.logger,
  });
  const admitted = new Map<string, GuardedConnection>();
  // Connections whose client sent an SSH identification string (ssh2 said "connection").
  const greeted = new WeakSet<GuardedConnection>();
  const ssh = new SshServer({
    hostKeys: [await hostKeys.forDecoy(context.decoyId)],
    ident: identOf(persona.banner),
    // ssh2's keepalive pings would count as activity and defeat the idle limit.
    keepaliveInterval: Math.min(limits.maxConnectionMs, 2 ** 31 - 1),
  });
  ssh.on('connection', (client, info) => {
    const connection = admitted.get(`${info.ip}|${info.port}`);
    if (connection === undefined) return client.end();
    const identity = { username: '' };
    greeted.add(connection);
    connection.clientSoftware = bounded(info.header.identRaw, 256);
    client.on('error', (err) => {
      context.logger.debug({ err, decoy: context.decoyId }, 'ssh client error');
      connection.close(CloseReason.ProtocolError);
    });
    authenticate(context, connection, client, identity, failureDelayMs);
    client.on('ready', () =>
      serveSessions(connection, client, {
        username: identity.username,
        hostname: persona.hostname,
      }),
    );
  });

  const tcp: NetServer = createServer((socket) => {
    const connection = guard.admit(socket);
    if (connection === undefined) return;
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    admitted.set(key, connection);
    socket.once('close', () => admitted.delete(key));
    // ssh2 ends a socket whose first bytes are not SSH without telling: it ended first, before
    // the client did and before any identification string, so the client spoke something else.
    let clientEnded = false;
    socket.once('end', () => (clientEnded = true));
    socket.once('finish', () => {
      if (!clientEnded && !greeted.has(connection)) connection.closing(CloseReason.ProtocolError);
    });
    ssh.injectSocket(socket);
  });
  const port = await listenOn(tcp, listen);
  context.logger.info({ decoy: context.decoyId, port }, `ssh honeypot listening on port ${port}`);
  return {
    port,
    connections: () => guard.connections(),
    close: async () => {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      await guard.closeAll();
      await closed;
    },
  };
}
