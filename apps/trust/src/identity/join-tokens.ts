// One-time join tokens: an operator (or trust at startup, for the local runner) mints them; a
// workload redeems one once, before it expires, to enroll as the kind and name it was minted for.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile, rename } from 'node:fs/promises';
import { Code, OmegaError } from '@omega/runtime';
import { isSubjectKind, SUBJECT_KINDS, type SubjectKind } from '@omega/trust-client';
import type { IdentityStore, JoinTokenRecord } from './identity-store';

export const JOIN_TOKEN_PREFIX = 'omegaj1_';
/** Name of the file trust writes startup tokens to, in its key directory. */
export const JOIN_TOKENS_FILE = 'join-tokens';

export interface MintJoinTokenOptions {
  readonly kind: SubjectKind;
  /** The one name it enrolls, or `*` for any name of `kind`. */
  readonly name: string;
  readonly ttlSeconds: number;
  readonly nowMs: number;
  /** Default: the kind's default roles. */
  readonly roles?: readonly string[];
}

export interface MintedJoinToken {
  readonly token: string;
  readonly kind: SubjectKind;
  readonly name: string;
  readonly expiresAtMs: number;
}

export function joinTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Mints a single-use token; only its SHA-256 is stored. The admin path (no CLI needed). */
export async function mintJoinToken(
  store: IdentityStore,
  options: MintJoinTokenOptions,
): Promise<MintedJoinToken> {
  const token = `${JOIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record: JoinTokenRecord = {
    kind: options.kind,
    name: options.name,
    roles: [...(options.roles ?? defaultRoles(options.kind, options.name))],
    createdAtMs: options.nowMs,
    expiresAtMs: options.nowMs + options.ttlSeconds * 1000,
  };
  await store.createJoinToken(joinTokenHash(token), record);
  return { token, kind: options.kind, name: options.name, expiresAtMs: record.expiresAtMs };
}

/** Roles an identity gets when its attestation names none. */
export function defaultRoles(kind: SubjectKind, name: string): string[] {
  return kind === 'service' && name !== '*' ? ['service', `service:${name}`] : [kind];
}

/**
 * Redeems a token for `kind`/`name`; returns the roles it grants and how to undo the redemption. PermissionDenied naming the
 * failed check: unknown, already used, expired, or minted for another kind or name.
 */
export async function redeemJoinToken(
  store: IdentityStore,
  token: string,
  request: { kind: SubjectKind; name: string; subject: string; nowMs: number },
): Promise<RedeemedJoinToken> {
  const hash = joinTokenHash(token);
  const where = `join token ${hash.slice(0, 12)}…`;
  const deny = (detail: string): OmegaError =>
    new OmegaError(Code.PermissionDenied, `${where}: ${detail}`);
  const found = await store.getJoinToken(hash);
  if (found === undefined) throw deny('unknown (never minted, or minted by another trust domain)');
  const { record, revision } = found;
  if (record.usedAtMs !== undefined) {
    throw deny(
      `already used at ${new Date(record.usedAtMs).toISOString()} by ${record.usedBy ?? '?'}`,
    );
  }
  if (request.nowMs >= record.expiresAtMs) {
    throw deny(`expired at ${new Date(record.expiresAtMs).toISOString()}`);
  }
  if (record.kind !== request.kind || (record.name !== '*' && record.name !== request.name)) {
    throw deny(`minted for ${record.kind}/${record.name}, not ${request.kind}/${request.name}`);
  }
  const used: JoinTokenRecord = { ...record, usedAtMs: request.nowMs, usedBy: request.subject };
  const usedRevision = await store.updateJoinToken(hash, used, revision);
  if (usedRevision === undefined) throw deny('already used (redeemed concurrently)');
  return {
    roles: [...record.roles],
    release: async () => {
      // Only over our own write: a token someone else touched since stays as it is.
      await store.updateJoinToken(hash, record, usedRevision);
    },
  };
}

export interface RedeemedJoinToken {
  readonly roles: string[];
  /**
   * Makes the token usable again: for when issuance fails after the redemption (the audit log
   * could not record it), so a workload is not locked out by trust's own failure.
   */
  release(): Promise<void>;
}

/** Parses a startup entry `<kind>/<name>` (name may be `*`). */
export function parseJoinTokenSpec(spec: string): { kind: SubjectKind; name: string } {
  const [kind, name, ...rest] = spec.split('/');
  if (
    kind === undefined ||
    name === undefined ||
    name === '' ||
    rest.length > 0 ||
    !isSubjectKind(kind)
  ) {
    throw new OmegaError(
      Code.InvalidArgument,
      `identity.joinTokens.startup: ${JSON.stringify(spec)} must be <kind>/<name> with kind one of ${SUBJECT_KINDS.join(', ')}`,
    );
  }
  return { kind, name };
}

/**
 * Writes tokens as `<kind>/<name> <token> <expires ISO>` lines to `path`, mode 0600, replacing the
 * file atomically; the local runner reads it to enroll each service.
 */
export async function writeJoinTokenFile(
  path: string,
  tokens: readonly MintedJoinToken[],
): Promise<void> {
  const lines = tokens.map(
    (t) => `${t.kind}/${t.name} ${t.token} ${new Date(t.expiresAtMs).toISOString()}`,
  );
  const text = `# Omega join tokens: single use, written by trust at startup\n${lines.join('\n')}\n`;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}
