// Which guarantees of an append-only stream a server's configuration no longer gives (retention,
// limits, discard, deny flags, storage, subjects, replicas, rollups, message TTLs). Pure: provision()
// refuses such a stream instead of quietly repairing it, and the audit log checks it before opening.
import type { StreamConfig } from '@nats-io/jetstream';
import { Code, OmegaError } from '@omega/runtime';
import type { DeclaredStreamConfig } from './resources';

/** One field whose server value lets messages go (or be refused) where the declaration does not. */
export interface StreamWeakening {
  readonly field: string;
  readonly found: unknown;
  readonly required: unknown;
}

/** Limits where -1 or 0 means unlimited (the server reports unset limits as -1, max_age as 0). */
const LIMIT_FIELDS = ['max_msgs', 'max_bytes', 'max_age', 'max_msgs_per_subject', 'max_msg_size'];

/**
 * The fields of `found` that are weaker than `required`: another retention or storage, a limit that
 * is set (or lower) where the declaration has none (or a higher one), discard old where the
 * declaration discards new, a deny flag or subject dropped, fewer replicas, rollups or per-message
 * TTLs allowed. Fields that are merely different (a description, a higher limit) are not listed.
 */
export function streamWeakenings(
  required: DeclaredStreamConfig,
  found: StreamConfig,
): StreamWeakening[] {
  const server = found as unknown as Record<string, unknown>;
  const declared = required as unknown as Record<string, unknown>;
  const weakened: StreamWeakening[] = [];
  const add = (field: string, have: unknown, want: unknown) =>
    weakened.push({ field, found: have, required: want });

  if (server['retention'] !== required.retention) {
    add('retention', server['retention'], required.retention);
  }
  if (required.storage === 'file' && server['storage'] !== 'file') {
    add('storage', server['storage'], required.storage);
  }
  if (required.discard === 'new' && server['discard'] !== 'new') {
    add('discard', server['discard'] ?? 'old', required.discard);
  }
  for (const field of LIMIT_FIELDS) {
    const want = declared[field];
    if (typeof want !== 'number') continue;
    const have = typeof server[field] === 'number' ? (server[field] as number) : -1;
    const unlimited = (n: number) => n <= 0;
    if (!unlimited(have) && (unlimited(want) || have < want)) add(field, have, want);
  }
  for (const field of ['deny_delete', 'deny_purge'] as const) {
    if (required[field] === true && server[field] !== true)
      add(field, server[field] ?? false, true);
  }
  if (required.allow_rollup_hdrs !== true && server['allow_rollup_hdrs'] === true) {
    add('allow_rollup_hdrs', true, false);
  }
  // nats-server 2.11+: a publisher could give its message a TTL and it would vanish.
  if (server['allow_msg_ttl'] === true) add('allow_msg_ttl', true, false);
  const subjects = Array.isArray(server['subjects']) ? (server['subjects'] as string[]) : [];
  const missing = (required.subjects ?? []).filter((s) => !subjects.includes(s));
  if (missing.length > 0) add('subjects', subjects, required.subjects);
  const replicas = typeof server['num_replicas'] === 'number' ? server['num_replicas'] : 1;
  if (required.num_replicas !== undefined && replicas < required.num_replicas) {
    add('num_replicas', replicas, required.num_replicas);
  }
  return weakened;
}

/** `max_bytes is 1048576, required -1 (unlimited); deny_delete is false, required true`. */
export function describeWeakenings(weakened: readonly StreamWeakening[]): string {
  return weakened
    .map(({ field, found, required }) => {
      const unlimited =
        LIMIT_FIELDS.includes(field) && typeof required === 'number' && required <= 0
          ? ' (unlimited)'
          : '';
      return `${field} is ${JSON.stringify(found)}, required ${JSON.stringify(required)}${unlimited}`;
    })
    .join('; ');
}

/**
 * Throws FailedPrecondition naming each weakened field of stream `name` with the value found and
 * the one required. A weakened append-only stream may already have lost messages, so it is not
 * repaired here: an operator restores the configuration after checking what the stream still holds.
 */
export function requireStreamNotWeakened(
  name: string,
  required: DeclaredStreamConfig,
  found: StreamConfig,
): void {
  const weakened = streamWeakenings(required, found);
  if (weakened.length === 0) return;
  throw new OmegaError(
    Code.FailedPrecondition,
    `stream ${name}: its configuration was weakened: ${describeWeakenings(weakened)}. ` +
      `It is append-only and may already have lost messages, so it is not repaired ` +
      `automatically: check what it still holds, then restore ${weakened
        .map((w) => w.field)
        .join(', ')} (nats stream edit ${name}; retention and storage need a new stream)`,
  );
}
