// The MySQL decoy: sends the v10 handshake (mysql_native_password) with the persona's version,
// takes the client's user name and password scramble, records them as an AUTH_ATTEMPT (TOKEN_USE
// when the scramble matches a honeytoken password issued for that user), and refuses every login
// with ERROR 1045 (28000). The handshake and the client's reply are mysql2's server side
// (Connection.serverHandshake). The refusal is written here: mysql2's error packet carries no
// SQLSTATE ("#_____"), and a real server's says 28000.
import { createHash, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import * as mysql2 from 'mysql2';
import { InteractionKind } from '@omega/proto';
import { CloseReason, listenGuarded, type GuardedConnection } from './connection-guard';
import type { HoneypotContext, HoneypotFactory } from './honeypot';

const DEFAULT_SERVER_VERSION = '8.0.36';
const ER_ACCESS_DENIED_ERROR = 1045;
const NATIVE_PASSWORD = 'mysql_native_password';
/** Bounds of what one interaction keeps of a client-chosen string. */
const MAX_FIELD_CHARS = 128;

/**
 * What a MySQL 8 server offers, without SSL (the decoy has no certificate) or compression:
 * LONG_PASSWORD … DEPRECATE_EOF as in mysql's include/mysql_com.h.
 */
const SERVER_CAPABILITIES =
  0x1 |
  0x2 |
  0x4 |
  0x8 |
  0x10 |
  0x40 |
  0x80 |
  0x100 |
  0x200 |
  0x400 |
  0x1000 |
  0x2000 |
  0x8000 |
  0x10000 |
  0x20000 |
  0x40000 |
  0x80000 |
  0x100000 |
  0x200000 |
  0x400000 |
  0x1000000;
const SERVER_STATUS_AUTOCOMMIT = 0x2;
const UTF8MB4_0900_AI_CI = 255;

/** mysql2's runtime exports its typings leave out (the classes createServer uses). */
interface ServerSideMysql {
  /** connectTimeout 0: the listener's idle timeout bounds a silent client instead. */
  ConnectionConfig: new (options: {
    stream: Socket;
    isServer: true;
    connectTimeout: number;
  }) => unknown;
  Connection: new (options: { config: unknown }) => MysqlServerConnection;
}
interface MysqlServerConnection {
  serverHandshake(args: Record<string, unknown>): void;
  on(event: 'error', listener: (err: Error) => void): void;
  clientHelloReply?: { authPluginName?: string };
}

interface ClientHello {
  readonly user?: string;
  readonly database?: string;
  readonly authPluginData1: Buffer;
  readonly authPluginData2: Buffer;
  readonly authToken?: Buffer;
}

/** The version the persona claims: extra.server_version, else the first x.y.z in the banner. */
export function mysqlVersionOf(context: HoneypotContext): string {
  return (
    context.persona.extra['server_version'] ??
    /\d+\.\d+\.\d+[\w.-]*/.exec(context.persona.banner)?.[0] ??
    DEFAULT_SERVER_VERSION
  );
}

/**
 * The mysql_native_password token a client sends for `password` and the server's 20-byte scramble:
 * SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
 */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  const sha1 = (...parts: Buffer[]): Buffer => {
    const hash = createHash('sha1');
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const mask = sha1(scramble, sha1(stage1));
  return Buffer.from(stage1.map((byte, i) => byte ^ mask[i]!));
}

/** An ERR packet as a MySQL server frames it (header: 3-byte length, sequence id). */
export function errorPacket(
  sequenceId: number,
  code: number,
  sqlState: string,
  message: string,
): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0xff, code & 0xff, code >> 8]),
    Buffer.from(`#${sqlState}`, 'ascii'),
    Buffer.from(message, 'utf8'),
  ]);
  const header = Buffer.from([
    payload.length & 0xff,
    (payload.length >> 8) & 0xff,
    payload.length >> 16,
    sequenceId,
  ]);
  return Buffer.concat([header, payload]);
}

function bounded(value: string): string {
  return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}...` : value;
}

function onClientHello(
  context: HoneypotContext,
  connection: GuardedConnection,
  hello: ClientHello,
  plugin: string,
): void {
  const user = bounded(hello.user ?? '');
  // A client may answer with another plugin's data (it would expect an auth switch): kept, not checked.
  const native = plugin === NATIVE_PASSWORD;
  const token = hello.authToken ?? Buffer.alloc(0);
  const scramble = Buffer.concat([hello.authPluginData1, hello.authPluginData2]);
  const honeytokenId = native ? context.nativePasswordCheck?.(user, scramble, token) : undefined;
  const fields = [`user=${user}`];
  if (hello.database) fields.push(`database=${bounded(hello.database)}`);
  fields.push(
    token.length === 0
      ? 'password=none'
      : `${native ? NATIVE_PASSWORD : `auth_plugin=${bounded(plugin)}`} scramble=${scramble.toString('hex')} token=${token.subarray(0, 64).toString('hex')}`,
  );
  connection.record(
    honeytokenId === undefined
      ? InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT
      : InteractionKind.INTERACTION_KIND_TOKEN_USE,
    {
      username: user,
      request: fields.join(' '),
      ...(honeytokenId === undefined ? {} : { honeytokenId }),
    },
  );
  const usingPassword = token.length === 0 ? 'NO' : 'YES';
  const message = `Access denied for user '${user}'@'${connection.source.ip}' (using password: ${usingPassword})`;
  // The client's reply was packet 1 of the exchange; the server's answer is packet 2.
  connection.closing(CloseReason.AuthFailed);
  connection.socket.end(errorPacket(2, ER_ACCESS_DENIED_ERROR, '28000', message));
}

/**
 * The MySQL honeypot. Persona: extra.server_version or the banner's version (e.g. "8.0.36");
 * honeytoken detection needs context.nativePasswordCheck (the client sends only a scramble).
 */
export const mysqlHoneypot: HoneypotFactory = (context, listen) => {
  const { Connection, ConnectionConfig } = mysql2 as unknown as ServerSideMysql;
  return listenGuarded(context, listen, 'mysql', (connection) => {
    const server = new Connection({
      config: new ConnectionConfig({
        stream: connection.socket,
        isServer: true,
        connectTimeout: 0,
      }),
    });
    server.on('error', (err) =>
      context.logger.debug(
        { err, session: connection.sessionId },
        'mysql honeypot connection error',
      ),
    );
    server.serverHandshake({
      protocolVersion: 10,
      serverVersion: mysqlVersionOf(context),
      connectionId: randomInt(10, 100_000),
      statusFlags: SERVER_STATUS_AUTOCOMMIT,
      characterSet: UTF8MB4_0900_AI_CI,
      capabilityFlags: SERVER_CAPABILITIES,
      authCallback: (hello: ClientHello) => {
        // Never calls back: mysql2 would answer OK or an error packet without SQLSTATE.
        const plugin = server.clientHelloReply?.authPluginName || NATIVE_PASSWORD;
        if (!connection.socket.destroyed) onClientHello(context, connection, hello, plugin);
      },
    });
  });
};
