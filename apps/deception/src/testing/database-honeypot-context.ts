// Test-only: a honeypot context whose recorder collects interactions, real database clients run
// as child processes, and raw sockets for the bad-input specs of the database honeypots.
import { nativePasswordToken } from '../honeypots/mysql-honeypot';
import { execFile } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { DecoyKind, InteractionKind } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { eventually } from '@omega/testkit';
import {
  DEFAULT_HONEYPOT_LIMITS,
  type HoneypotContext,
  type HoneypotLimits,
  type Interaction,
  type Persona,
} from '../honeypots/honeypot';

export interface CollectingContext {
  readonly context: HoneypotContext;
  readonly interactions: Interaction[];
}

/** Honeytoken credentials the specs present: user → { password, id }. */
export const HONEYTOKENS: Readonly<Record<string, { password: string; id: string }>> = {
  svc_backup: { password: 'S3cr3t-backup-2024!', id: 'ht-db-backup' },
  default: { password: 'redis-canary-9f2c', id: 'ht-redis-default' },
};

export function collectingContext(
  persona: Persona,
  limits: Partial<HoneypotLimits> = {},
  kind: DecoyKind = DecoyKind.DECOY_KIND_UNSPECIFIED,
): CollectingContext {
  const interactions: Interaction[] = [];
  const context: HoneypotContext = {
    decoyId: 'decoy-db-1',
    kind,
    persona,
    limits: { ...DEFAULT_HONEYPOT_LIMITS, ...limits },
    recorder: { record: (interaction) => interactions.push(interaction) },
    credentials: (username, secret) =>
      HONEYTOKENS[username]?.password === secret ? HONEYTOKENS[username]!.id : undefined,
    // What the registry answers from SHA1(SHA1(password)), computed here from the password.
    nativePasswordCheck: (username, scramble, token) => {
      const known = HONEYTOKENS[username];
      return known && nativePasswordToken(known.password, scramble).equals(token)
        ? known.id
        : undefined;
    },
    logger: createLogger({ service: 'deception-spec', level: 'silent' }),
  };
  return { context, interactions };
}

export interface ClientRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a real client binary to completion (bounded by a generous timeout, never asserted on). */
export function runClient(
  binary: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  input?: string,
): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      [...args],
      { timeout: 20_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Connects, sends `bytes`, and collects what comes back until the server closes the socket. */
export function sendUntilClosed(port: number, bytes: Buffer | readonly Buffer[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => {
      for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) socket.write(chunk);
    });
  });
}

/** Opens a socket and resolves once connected (the slowloris and flood specs hold these). */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves when the server has closed `socket`. */
export function closedByServer(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    // Drains what the server sent (a greeting): a paused socket never reaches 'end' and 'close'.
    socket.resume();
  });
}

/** The interactions of one kind, once at least `count` are there. */
export function recorded(
  interactions: readonly Interaction[],
  kind: Interaction['kind'],
  count = 1,
): Promise<Interaction[]> {
  return eventually(`${count} interaction(s) of kind ${kind}`, () => {
    const found = interactions.filter((interaction) => interaction.kind === kind);
    return found.length >= count ? found : undefined;
  });
}

/** The DISCONNECT reasons recorded, once one of them is `reason`. */
export function disconnectedFor(
  interactions: readonly Interaction[],
  reason: string,
): Promise<(string | undefined)[]> {
  return eventually(`a DISCONNECT for ${reason}`, () => {
    const reasons = interactions
      .filter((interaction) => interaction.kind === InteractionKind.INTERACTION_KIND_DISCONNECT)
      .map((interaction) => interaction.request);
    return reasons.includes(reason) ? reasons : undefined;
  });
}

/** Nothing a decoy says may give it away. */
export const GIVEAWAY = /honeypot|omega|deception|decoy/i;
