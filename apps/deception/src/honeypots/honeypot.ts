// What every honeypot is: a real protocol listener (on a well-kept library for its protocol) that
// records each interaction through one recorder and stays up whatever a client sends, bounded in
// connections, time and bytes. Each protocol's file (ssh-honeypot.ts, redis-honeypot.ts, ...)
// exports one HoneypotFactory; knowing one teaches the rest.
import type { DecoyKind, InteractionKind } from '@omega/proto';
import type { Logger } from '@omega/runtime';

/** How a decoy looks to a client: nothing here may say "honeypot" or "omega". */
export interface Persona {
  /** Protocol banner or server string, e.g. "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6". */
  readonly banner: string;
  /** Host name the decoy claims (shell prompt, HTTP title, MOTD). */
  readonly hostname: string;
  /** Protocol-specific persona settings (HTTP skin, server version, database names). */
  readonly extra: Readonly<Record<string, string>>;
}

/** Bounds every honeypot enforces on what clients can make it hold. */
export interface HoneypotLimits {
  /** Open connections at once; past it new ones are closed at accept (still recorded). */
  readonly maxConnections: number;
  /** A connection idle this long is closed (slowloris). */
  readonly idleTimeoutMs: number;
  /** A connection open this long is closed whatever it does. */
  readonly maxConnectionMs: number;
  /** Bytes a client may send on one connection before it is closed. */
  readonly maxBytesPerConnection: number;
  /** Bytes of a client's first data kept in the interaction (payload_sample). */
  readonly payloadSampleBytes: number;
  /**
   * Commands or queries one connection may send (pipelined or not) before it is closed; for
   * protocols with commands after login (Redis). Optional: each such honeypot has its default.
   */
  readonly maxCommandsPerConnection?: number;
}

export const DEFAULT_HONEYPOT_LIMITS: HoneypotLimits = {
  maxConnections: 256,
  idleTimeoutMs: 30_000,
  maxConnectionMs: 10 * 60_000,
  maxBytesPerConnection: 1024 * 1024,
  payloadSampleBytes: 4096,
};

/** One thing a client did, as a honeypot saw it (the recorder makes it an Event). */
export interface Interaction {
  readonly kind: InteractionKind;
  /** Client address and port, as the socket saw them. */
  readonly source: { readonly ip: string; readonly port: number };
  /** Application protocol spoken: "ssh", "http", "redis", "postgres", "mysql". */
  readonly protocol: string;
  /** One id per connection: every interaction of a connection shares it. */
  readonly sessionId: string;
  readonly username?: string;
  /** Command line, request line or query, bounded by the honeypot. */
  readonly request?: string;
  /** The first bytes the client sent (at most limits.payloadSampleBytes). */
  readonly payloadSample?: Uint8Array;
  /** Set when the client presented or used a honeytoken. */
  readonly honeytokenId?: string;
  /**
   * The client software as it named itself (SSH identification string, HTTP User-Agent), once the
   * protocol has said it; ignore lists match scanner identities on it.
   */
  readonly clientSoftware?: string;
  /** Context for people (decoy name, honeytoken placement), carried in the event's `unmapped`. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Where interactions go; never throws into a protocol handler (failures are counted and logged). */
export interface InteractionRecorder {
  record(interaction: Interaction): void;
}

/** Answers whether a presented credential is a honeytoken, and which (its id), or undefined. */
export type CredentialCheck = (username: string, secret: string) => string | undefined;

/**
 * For protocols where the client sends only a proof of the password (MySQL's
 * mysql_native_password: a scramble and the token made from it), the id of the honeytoken
 * credential of `username` whose password made `token`, or undefined. The registry answers it from
 * SHA1(SHA1(password)), what a MySQL server itself keeps, never from the password.
 */
export type NativePasswordCheck = (
  username: string,
  scramble: Buffer,
  token: Buffer,
) => string | undefined;

export interface HoneypotContext {
  readonly decoyId: string;
  readonly kind: DecoyKind;
  readonly persona: Persona;
  readonly limits: HoneypotLimits;
  readonly recorder: InteractionRecorder;
  readonly credentials: CredentialCheck;
  /** Optional: needed only by honeypots whose clients send a proof of the password (MySQL). */
  readonly nativePasswordCheck?: NativePasswordCheck;
  readonly logger: Logger;
}

/** A running listener. */
export interface Honeypot {
  /** The port it listens on (the one asked for, or the one the OS chose for 0). */
  readonly port: number;
  /** Open connections now. */
  connections(): number;
  /** Stops accepting and closes every connection. */
  close(): Promise<void>;
}

export type HoneypotFactory = (
  context: HoneypotContext,
  listen: { readonly host: string; readonly port: number },
) => Promise<Honeypot>;
