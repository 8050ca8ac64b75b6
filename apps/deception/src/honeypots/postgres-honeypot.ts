// The PostgreSQL decoy: takes the startup message and a cleartext password (what psql sends when
// the server asks for one), records them as an AUTH_ATTEMPT (TOKEN_USE for a honeytoken), and
// always fails the login as PostgreSQL does (FATAL 28P01). The wire protocol is pg-gateway's
// (server side of the v3 protocol on pg-protocol's reader/writer). One guard is added here: before
// the startup message pg-gateway trusts the length field, and a length under 8 would make it loop
// or throw, so pre-startup messages are framed here first (as the postmaster checks them), and an
// SSL or GSSAPI encryption request is answered 'N' (no TLS on the decoy).
import { PostgresConnection, type Credentials, type State } from 'pg-gateway';
import { InteractionKind } from '@omega/proto';
import { CloseReason, listenGuarded, type GuardedConnection } from './connection-guard';
import type { HoneypotContext, HoneypotFactory } from './honeypot';

/** The postmaster's bounds on a startup packet (MAX_STARTUP_PACKET_LENGTH). */
const MIN_STARTUP_BYTES = 8;
const MAX_STARTUP_BYTES = 10_000;
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const PASSWORD_MESSAGE = 0x70; // 'p'
const TERMINATE_MESSAGE = 0x58; // 'X'
/** Bounds of what one interaction keeps of a client-chosen string. */
const MAX_FIELD_CHARS = 128;

const DEFAULT_SERVER_VERSION = '15.5';

/** The version the persona claims: extra.server_version, else the first x.y in the banner. */
export function postgresVersionOf(context: HoneypotContext): string {
  return (
    context.persona.extra['server_version'] ??
    /\d+\.\d+(\.\d+)?/.exec(context.persona.banner)?.[0] ??
    DEFAULT_SERVER_VERSION
  );
}

function bounded(value: string): string {
  return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}...` : value;
}

/** The startup parameters worth keeping, as `user=… database=… application_name=…`. */
export function startupLine(parameters: Readonly<Record<string, string>>): string {
  return ['user', 'database', 'application_name']
    .filter((name) => parameters[name] !== undefined)
    .map((name) => `${name}=${bounded(parameters[name]!)}`)
    .join(' ');
}

class PostgresSession {
  readonly #library: PostgresConnection;
  /** Pre-startup bytes not yet framed; undefined once the startup message went through. */
  #preStartup: Buffer | undefined = Buffer.alloc(0);
  #handled: Promise<void> = Promise.resolve();
  #startup: string | undefined;
  #user = '';
  #passwordSeen = false;

  constructor(
    private readonly context: HoneypotContext,
    private readonly connection: GuardedConnection,
  ) {
    this.#library = new PostgresConnection(connection.socket, {
      serverVersion: postgresVersionOf(context),
      authMode: 'cleartextPassword',
      onStartup: (state) => this.#onStartup(state),
      onMessage: (data, state) => this.#onMessage(data, state),
      validateCredentials: (credentials) => this.#onPassword(credentials),
    });
    // Bytes reach the library only through the guard below, one chunk at a time.
    this.#library.removeSocketHandlers(connection.socket);
    connection.socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    // Before the listener's DISCONNECT, so a session's interactions stay in order.
    connection.socket.prependOnceListener('close', () => this.#onClose());
  }

  #receive(chunk: Buffer): void {
    const socket = this.connection.socket;
    if (socket.destroyed) return;
    const parts = this.#preStartup === undefined ? [chunk] : this.#framePreStartup(chunk);
    // One call per part: pg-gateway frames a whole call as pre- or post-startup, so bytes after the
    // startup message (a client that does not wait for the auth request) go in a call of their own.
    for (const part of parts ?? []) {
      if (part.length === 0) continue;
      this.#handled = this.#handled.then(() =>
        socket.destroyed ? undefined : this.#library.handleData(part),
      );
    }
  }

  /**
   * Checks each pre-startup message's length as the postmaster does; answers encryption requests.
   * Returns the parts to hand on to the library, or undefined when the connection was closed.
   */
  #framePreStartup(chunk: Buffer): Buffer[] | undefined {
    const socket = this.connection.socket;
    let pending = Buffer.concat([this.#preStartup!, chunk]);
    const forward: Buffer[] = [];
    while (this.#preStartup !== undefined && pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (length < MIN_STARTUP_BYTES || length > MAX_STARTUP_BYTES) {
        // The postmaster logs "invalid length of startup packet" and closes without a word.
        this.connection.close(CloseReason.ProtocolError);
        return undefined;
      }
      if (pending.length < length) break;
      const message = pending.subarray(0, length);
      pending = pending.subarray(length);
      const code = message.readUInt32BE(4);
      if (code === GSSENC_REQUEST_CODE) {
        socket.write('N');
        continue;
      }
      forward.push(message);
      // An SSLRequest is followed by another pre-startup message; anything else is the startup.
      if (code !== SSL_REQUEST_CODE) this.#preStartup = undefined;
    }
    if (this.#preStartup !== undefined) this.#preStartup = pending;
    else forward.push(pending);
    return forward;
  }

  #onStartup(state: State): boolean {
    const parameters = state.clientInfo?.parameters ?? { user: '' };
    this.#user = bounded(parameters.user);
    this.#startup = startupLine(parameters);
    return false;
  }

  /** Before login only a password message (or Terminate) is valid, as in the backend. */
  #onMessage(data: Uint8Array, state: State): boolean {
    if (!state.hasStarted || state.isAuthenticated) return false;
    const type = data[0];
    if (type === PASSWORD_MESSAGE || type === TERMINATE_MESSAGE) return false;
    this.#library.sendError({
      severity: 'FATAL',
      code: '08P01',
      message: `expected password response, got message type ${type ?? 0}`,
    });
    this.connection.closing(CloseReason.ProtocolError);
    this.connection.socket.end();
    return true;
  }

  #onPassword(credentials: Credentials): boolean {
    if (credentials.authMode !== 'cleartextPassword') return false;
    this.#passwordSeen = true;
    const honeytokenId = this.context.credentials(credentials.user, credentials.password);
    this.connection.record(
      honeytokenId === undefined
        ? InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT
        : InteractionKind.INTERACTION_KIND_TOKEN_USE,
      {
        username: this.#user,
        request: `${this.#startup ?? ''} password=${bounded(credentials.password)}`,
        ...(honeytokenId === undefined ? {} : { honeytokenId }),
      },
    );
    // Every login fails: pg-gateway answers FATAL 28P01 password authentication failed and closes.
    this.connection.closing(CloseReason.AuthFailed);
    return false;
  }

  /** A client that started but sent no password (no PGPASSWORD, a probe) still tried to log in. */
  #onClose(): void {
    if (this.#startup === undefined || this.#passwordSeen) return;
    this.connection.record(InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT, {
      username: this.#user,
      request: `${this.#startup} (no password sent)`,
    });
  }
}

/**
 * The PostgreSQL honeypot. Persona: extra.server_version or the banner's version; every login
 * is refused after the password is captured.
 */
export const postgresHoneypot: HoneypotFactory = (context, listen) =>
  listenGuarded(context, listen, 'postgres', (connection) => {
    new PostgresSession(context, connection);
  });
