// The Redis decoy: speaks RESP2 and inline commands, records every command and AUTH, and answers
// as a Redis 7 would (redis-commands.ts). Requests are decoded by redis-parser (the RESP parser
// written for node_redis and ioredis); it decodes RESP values only, so this file adds the one piece
// of framing Redis itself has on top: a request whose first byte is not '*' is an inline command
// (one text line). The parser reports such a byte as a fatal error with its offset; the line from
// there is read here, and the bytes after it go back to the parser.
import { randomBytes } from 'node:crypto';
import RedisParser from 'redis-parser';
import { InteractionKind } from '@omega/proto';
import { CloseReason, listenGuarded, type GuardedConnection } from './connection-guard';
import type { HoneypotContext, HoneypotFactory } from './honeypot';
import { newRedisDecoyState, runRedisCommand, type RedisDecoyState } from './redis-commands';
import { encodeReply, reply, type RedisReply } from './redis-reply';

/** Commands one connection may send when limits.maxCommandsPerConnection is not set. */
export const DEFAULT_REDIS_MAX_COMMANDS = 1000;
/** Redis's own inline request bound (PROTO_INLINE_MAX_SIZE). */
const MAX_INLINE_BYTES = 64 * 1024;
/** Replies a client may leave unread before it is closed (Redis's client-output-buffer-limit). */
const MAX_UNREAD_REPLY_BYTES = 1024 * 1024;
/** The parser is fed at most this much at a time, which bounds what a protocol error costs. */
const PARSE_SLICE_BYTES = 4096;
/** Bounds of the command line kept in an interaction. */
const MAX_ARG_CHARS = 64;
const MAX_ARGS_RECORDED = 16;

const DEFAULT_VERSION = '7.2.4';

/** The version the persona claims: extra.redis_version, else the first x.y.z in the banner. */
export function redisVersionOf(context: HoneypotContext): string {
  return (
    context.persona.extra['redis_version'] ??
    /\d+\.\d+\.\d+/.exec(context.persona.banner)?.[0] ??
    DEFAULT_VERSION
  );
}

/** A command line as recorded: each argument and the count of arguments bounded. */
export function redisCommandLine(args: readonly string[]): string {
  const shown = args.slice(0, MAX_ARGS_RECORDED).map((arg) => {
    const printable = Array.from(arg, (c) => (c < ' ' || c === '\x7f' ? '.' : c)).join('');
    return printable.length > MAX_ARG_CHARS ? `${printable.slice(0, MAX_ARG_CHARS)}...` : printable;
  });
  if (args.length > MAX_ARGS_RECORDED) shown.push(`(+${args.length - MAX_ARGS_RECORDED} more)`);
  return shown.join(' ');
}

/** One connection's protocol state. */
class RedisSession {
  #authenticated: boolean;
  #commands = 0;
  #inline: Buffer | undefined;
  #afterFatal: Buffer | undefined;
  readonly #parser: RedisParser;

  constructor(
    private readonly context: HoneypotContext,
    private readonly state: RedisDecoyState,
    private readonly connection: GuardedConnection,
    private readonly passwordRequired: boolean,
  ) {
    this.#authenticated = !passwordRequired;
    this.#parser = new RedisParser({
      returnBuffers: true,
      returnReply: (value: unknown) => this.#request(value),
      returnError: (err) => this.#request([err.message]),
      returnFatalError: (err) => {
        // The bytes from the one the parser refused: an inline command (see the header).
        const decoded = JSON.parse(String(err.buffer)) as { data?: number[] } | null;
        this.#afterFatal = Buffer.from(decoded?.data ?? []).subarray(Math.max(0, err.offset - 1));
        this.#parser.reset();
      },
    });
    connection.socket.on('data', (chunk: Buffer) => this.#receive(chunk));
  }

  #receive(chunk: Buffer): void {
    for (
      let at = 0;
      at < chunk.length && !this.connection.socket.destroyed;
      at += PARSE_SLICE_BYTES
    ) {
      let rest: Buffer | undefined = chunk.subarray(at, at + PARSE_SLICE_BYTES);
      while (rest && rest.length > 0 && !this.connection.socket.destroyed) {
        if (this.#inline !== undefined) {
          rest = this.#readInline(rest);
          continue;
        }
        this.#afterFatal = undefined;
        try {
          this.#parser.execute(rest);
        } catch (err) {
          // A length the parser cannot hold (e.g. "*99999999999"); Redis answers the same and closes.
          this.context.logger.debug(
            { err, session: this.connection.sessionId },
            'redis request not decodable',
          );
          this.#send(reply.error('ERR Protocol error: invalid multibulk length'));
          this.connection.closing(CloseReason.ProtocolError);
          this.connection.socket.end();
          return;
        }
        rest = this.#afterFatal;
        if (rest) this.#inline = Buffer.alloc(0);
      }
    }
  }

  /** Adds bytes to the inline line; returns the bytes after a completed line. */
  #readInline(bytes: Buffer): Buffer | undefined {
    const newline = bytes.indexOf(0x0a);
    const line = Buffer.concat([this.#inline!, newline < 0 ? bytes : bytes.subarray(0, newline)]);
    if (line.length > MAX_INLINE_BYTES) {
      this.#send(reply.error('ERR Protocol error: too big inline request'));
      this.connection.closing(CloseReason.ProtocolError);
      this.connection.socket.end();
      return undefined;
    }
    if (newline < 0) {
      this.#inline = line;
      return undefined;
    }
    this.#inline = undefined;
    const args = line
      .toString('utf8')
      .trim()
      .split(/[ \t]+/)
      .filter(Boolean);
    if (args.length > 0) this.#request(args);
    return bytes.subarray(newline + 1);
  }

  #request(value: unknown): void {
    if (this.connection.socket.destroyed) return;
    if (value === null || (Array.isArray(value) && value.length === 0)) return;
    const parts = Array.isArray(value) ? value : [value];
    if (!parts.every((part) => Buffer.isBuffer(part) || typeof part === 'string')) {
      this.#send(reply.error("ERR Protocol error: expected '$', got something else"));
      this.connection.closing(CloseReason.ProtocolError);
      this.connection.socket.end();
      return;
    }
    const args = parts.map((part: Buffer | string) => part.toString());
    const limit = this.context.limits.maxCommandsPerConnection ?? DEFAULT_REDIS_MAX_COMMANDS;
    if (++this.#commands > limit) {
      this.connection.close(CloseReason.CommandLimit);
      return;
    }
    this.#command(args);
  }

  #command(args: readonly string[]): void {
    const name = args[0]!.toLowerCase();
    if (name === 'auth') return this.#auth(args.slice(1), args);
    if (name === 'hello') return this.#hello(args);
    this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
      request: redisCommandLine(args),
    });
    if (name === 'quit') {
      this.#send(reply.ok);
      this.connection.closing(CloseReason.ClientClosed);
      this.connection.socket.end();
      return;
    }
    if (!this.#authenticated) return this.#send(reply.error('NOAUTH Authentication required.'));
    this.#send(runRedisCommand(this.state, args, Date.now()));
  }

  /** AUTH [username] password: recorded, and accepted only for a honeytoken or an open decoy. */
  #authenticate(credentials: readonly string[], line: readonly string[]): RedisReply | undefined {
    const [username, password] =
      credentials.length === 1 ? ['default', credentials[0]!] : [credentials[0]!, credentials[1]!];
    const honeytokenId = this.context.credentials(username, password);
    this.connection.record(
      honeytokenId === undefined
        ? InteractionKind.INTERACTION_KIND_AUTH_ATTEMPT
        : InteractionKind.INTERACTION_KIND_TOKEN_USE,
      {
        username,
        request: redisCommandLine(line),
        ...(honeytokenId === undefined ? {} : { honeytokenId }),
      },
    );
    if (honeytokenId !== undefined) {
      this.#authenticated = true;
      return undefined;
    }
    if (!this.passwordRequired && credentials.length === 1) {
      return reply.error(
        'ERR AUTH <password> called without any password configured for the default user. ' +
          'Are you sure your configuration is correct?',
      );
    }
    if (!this.passwordRequired && username === 'default') return undefined;
    return reply.error('WRONGPASS invalid username-password pair or user is disabled.');
  }

  #auth(credentials: readonly string[], line: readonly string[]): void {
    if (credentials.length < 1 || credentials.length > 2) {
      this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        request: redisCommandLine(line),
      });
      return this.#send(reply.error("ERR wrong number of arguments for 'auth' command"));
    }
    this.#send(this.#authenticate(credentials, line) ?? reply.ok);
  }

  /** HELLO [2 [AUTH username password] [SETNAME name]]: RESP3 is refused, RESP2 described. */
  #hello(args: readonly string[]): void {
    const authAt = args.findIndex((arg, i) => i > 1 && arg.toLowerCase() === 'auth');
    if (authAt > 0 && authAt + 2 < args.length) {
      const refused = this.#authenticate([args[authAt + 1]!, args[authAt + 2]!], args);
      if (refused) return this.#send(refused);
    } else {
      this.connection.record(InteractionKind.INTERACTION_KIND_COMMAND, {
        request: redisCommandLine(args),
      });
    }
    if (args[1] !== undefined && args[1] !== '2') {
      return this.#send(reply.error('NOPROTO sorry, this protocol version is not supported.'));
    }
    if (!this.#authenticated)
      return this.#send(
        reply.error(
          'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        ),
      );
    this.#send(
      reply.array([
        ...[
          ['server', 'redis'],
          ['version', this.state.version],
        ].flatMap(([k, v]) => [reply.bulk(k!), reply.bulk(v!)]),
        reply.bulk('proto'),
        reply.integer(2),
        reply.bulk('id'),
        reply.integer(1187),
        ...[
          ['mode', 'standalone'],
          ['role', 'master'],
        ].flatMap(([k, v]) => [reply.bulk(k!), reply.bulk(v!)]),
        reply.bulk('modules'),
        reply.array([]),
      ]),
    );
  }

  #send(value: RedisReply): void {
    const socket = this.connection.socket;
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(encodeReply(value));
    if (socket.writableLength > MAX_UNREAD_REPLY_BYTES) {
      this.connection.close(CloseReason.UnreadReplies);
    }
  }
}

/**
 * The Redis honeypot. Persona: banner or extra.redis_version give the version; extra.auth
 * "password" makes it ask for AUTH (a honeytoken password is accepted), otherwise it is open.
 */
export const redisHoneypot: HoneypotFactory = async (context, listen) => {
  const passwordRequired = context.persona.extra['auth'] === 'password';
  let state: RedisDecoyState | undefined;
  const honeypot = await listenGuarded(context, listen, 'redis', (connection) => {
    state ??= newRedisDecoyState({
      version: redisVersionOf(context),
      hostname: context.persona.hostname,
      runId: randomBytes(20).toString('hex'),
      startedMs: Date.now() - 86_400_000 * 37,
      port: honeypot.port,
    });
    new RedisSession(context, state, connection, passwordRequired);
  });
  return honeypot;
};
