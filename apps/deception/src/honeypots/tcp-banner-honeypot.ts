// The generic TCP decoy: greets with its persona's banner (an FTP, SMTP or vendor service's first
// line), then records what the client sends, one line at a time. With the `ftp` dialect
// (persona.extra.dialect, the default when the banner is an FTP greeting) it also answers the FTP
// login (RFC 959: USER → 331, PASS → 530, or 230 for a honeytoken credential), so credentials
// tried against it are captured and a planted one is reported. Anything else gets no answer, or
// persona.extra.reply after each line. A line is at most MAX_LINE_BYTES; bytes that are not text
// are kept in the payload sample and shown escaped.
import { InteractionKind } from '@omega/proto';
import { bounded, CloseReason, listenGuarded, type GuardedConnection } from './connection-guard';
import type { HoneypotContext, HoneypotFactory } from './honeypot';

/** The longest line kept; past it the connection is closed (no text service takes longer). */
export const MAX_LINE_BYTES = 4096;
/** Lines one connection may send when limits.maxCommandsPerConnection is not set. */
export const DEFAULT_BANNER_MAX_LINES = 64;
/** What a decoy without a banner says: vsftpd's greeting, the most common FTP server's. */
export const DEFAULT_TCP_BANNER = '220 (vsFTPd 3.0.5)';

type Dialect = 'ftp' | 'raw';

/** What vsftpd answers a logged-in client; data connections are never opened (no listing leaks). */
const LOGGED_IN_REPLIES: Readonly<Record<string, string>> = {
  PWD: '257 "/home/ftp" is the current directory',
  CWD: '250 Directory successfully changed.',
  TYPE: '200 Switching to Binary mode.',
  NOOP: '200 NOOP ok.',
  EPSV: '500 Illegal EPSV command.',
  PASV: '500 Illegal PASV command.',
  PORT: '500 Illegal PORT command.',
};

function dialectOf(context: HoneypotContext, banner: string): Dialect {
  const asked = context.persona.extra['dialect'];
  if (asked === 'ftp' || asked === 'raw') return asked;
  return /^220[ -].*ftp/i.test(banner) ? 'ftp' : 'raw';
}

/** A client line as recorded: control characters and non-ASCII bytes escaped, bounded. */
export function printableLine(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) {
    text +=
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bounded(text);
}

class BannerSession {
  #pending = Buffer.alloc(0);
  #lines = 0;
  #user: string | undefined;
  #loggedIn = false;

  constructor(
    private readonly context: HoneypotContext,
    private readonly connection: GuardedConnection,
    private readonly dialect: Dialect,
    private readonly maxLines: number,
  ) {
    connection.socket.on('data', (chunk: Buffer) => this.#receive(chunk));
  }

  #receive(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    for (;;) {
      if (this.connection.socket.destroyed) return;
      const newline = this.#pending.indexOf(0x0a);
      if (newline < 0) break;
      const line = this.#pending.subarray(0, newline);
      this.#pending = this.#pending.subarray(newline + 1);
      this.#line(line.at(-1) === 0x0d ? line.subarray(0, -1) : line);
    }
    if (this.#pending.length > MAX_LINE_BYTES) {
      this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        request: printableLine(this.#pending.subarray(0, 256)),
      });
      this.connection.close(CloseReason.RequestTooLarge);
    }
  }

  #line(line: Buffer): void {
    if (++this.#lines > this.maxLines) {
      this.connection.close(CloseReason.CommandLimit);
      return;
    }
    if (this.dialect === 'ftp') this.#ftp(line.toString('latin1'));
    else {
      this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        request: printableLine(line),
      });
      const reply = this.context.persona.extra['reply'];
      if (reply !== undefined) this.#send(reply);
    }
  }

  /** RFC 959's login, as vsftpd answers it; every other command is refused until logged in. */
  #ftp(line: string): void {
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const argument = space < 0 ? '' : line.slice(space + 1);
    if (verb === 'USER') {
      this.#user = bounded(argument, 256);
      this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, { request: 'USER' });
      this.#send('331 Please specify the password.');
      return;
    }
    if (verb === 'PASS' && this.#user !== undefined) {
      const username = this.#user;
      const honeytokenId = this.context.credentials(username, argument);
      this.connection.record(
        honeytokenId === undefined
          ? InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT
          : InteractionKind.INTERACTION_KIND_TOKEN_USE,
        { username, request: 'PASS', ...(honeytokenId !== undefined ? { honeytokenId } : {}) },
      );
      if (honeytokenId === undefined) {
        this.#send('530 Login incorrect.');
        this.#user = undefined;
        return;
      }
      this.#loggedIn = true;
      this.#send('230 Login successful.');
      return;
    }
    this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
      request: printableLine(Buffer.from(line, 'latin1')),
    });
    if (verb === 'QUIT') {
      this.#send('221 Goodbye.');
      this.connection.close(CloseReason.ClientClosed);
      return;
    }
    if (verb === 'SYST') this.#send('215 UNIX Type: L8');
    else if (verb === 'FEAT') this.#send('211-Features:\r\n EPSV\r\n PASV\r\n UTF8\r\n211 End');
    else if (!this.#loggedIn) this.#send('530 Please login with USER and PASS.');
    else this.#send(LOGGED_IN_REPLIES[verb] ?? '550 Permission denied.');
  }

  #send(line: string): void {
    if (!this.connection.socket.destroyed) this.connection.socket.write(`${line}\r\n`);
  }
}

export const tcpBannerHoneypot: HoneypotFactory = async (context, listen) => {
  const banner = context.persona.banner || DEFAULT_TCP_BANNER;
  const dialect = dialectOf(context, banner);
  const maxLines = context.limits.maxCommandsPerConnection ?? DEFAULT_BANNER_MAX_LINES;
  return listenGuarded(context, listen, dialect === 'ftp' ? 'ftp' : 'tcp', (connection) => {
    connection.socket.write(`${banner}\r\n`);
    new BannerSession(context, connection, dialect, maxLines);
  });
};
