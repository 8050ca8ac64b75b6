// Applies the `omega_policy` KV bucket's source blocks to this node: watches
// `block.all.>` and `block.<node>.>` (keys in @omega/bus policy-keys.ts), whose values are
// SourceBlock protobufs. A block with an
// `expire_time_ns` is lifted when it expires (and not applied when it already has). A malformed
// entry (policy-block.ts) is skipped, logged and counted; what was applied before stays applied.
import { POLICY_ALL_NODES, policyBlockFilter, type KV } from '@omega/bus';
import type { SourceBlock } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import { decodePolicyBlock } from './policy-block';

export interface BlockTarget {
  block(cidr: string): Promise<void>;
  unblock(cidr: string): Promise<void>;
}

export interface PolicyWatch {
  /** Resolves when the bucket's current blocks have been applied. */
  readonly initialized: Promise<void>;
  stop(): void;
}

export async function watchPolicy(
  kv: KV,
  node: string,
  target: BlockTarget,
  logger: Logger,
  rejected: { inc(): void },
  now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
): Promise<PolicyWatch> {
  const watcher = await kv.watch({
    key: [policyBlockFilter(POLICY_ALL_NODES), policyBlockFilter(node)],
  });
  // key → CIDR it applied, so a delete (which carries no value) knows what to unblock
  const applied = new Map<string, string>();
  const expiries = new Map<string, NodeJS.Timeout>();
  // setTimeout takes at most 2^31 - 1 ms (~24.8 days): a later expiry is re-checked then
  const scheduleExpiry = (key: string, expireNs: bigint): void => {
    const leftMs = Number((expireNs - now()) / 1_000_000n) + 1;
    const timer = setTimeout(
      () => {
        if (expireNs > now()) return scheduleExpiry(key, expireNs);
        void lift(key, 'expired').catch((err: unknown) =>
          logger.error({ err, key }, `lifting expired block ${key}: ${errorMessage(err)}`),
        );
      },
      Math.min(Math.max(leftMs, 1), 2_147_483_647),
    );
    timer.unref();
    expiries.set(key, timer);
  };
  const lift = async (key: string, why: string): Promise<void> => {
    clearTimeout(expiries.get(key));
    expiries.delete(key);
    const cidr = applied.get(key);
    applied.delete(key);
    // another key (node scope and all-nodes scope) may still want the same CIDR blocked
    if (cidr && ![...applied.values()].includes(cidr)) {
      await target.unblock(cidr);
      logger.info({ key, cidr }, `unblocked ${cidr} (${why})`);
    }
  };
  const decodeOrSkip = (
    key: string,
    revision: number,
    value: Uint8Array,
  ): SourceBlock | undefined => {
    try {
      return decodePolicyBlock(key, revision, value);
    } catch (err) {
      rejected.inc();
      logger.error({ err, key, revision }, `${errorMessage(err)}; skipped`);
      return undefined;
    }
  };
  const applyBlock = async (key: string, block: SourceBlock): Promise<void> => {
    const previous = applied.get(key);
    const leftNs = block.expireTimeNs === 0n ? undefined : block.expireTimeNs - now();
    if (leftNs !== undefined && leftNs <= 0n) return lift(key, 'expired');
    await target.block(block.cidr);
    applied.set(key, block.cidr);
    if (previous && previous !== block.cidr && ![...applied.values()].includes(previous)) {
      await target.unblock(previous);
    }
    clearTimeout(expiries.get(key));
    expiries.delete(key);
    if (leftNs !== undefined) scheduleExpiry(key, block.expireTimeNs);
    logger.info({ key, cidr: block.cidr, reason: block.reason }, `blocked ${block.cidr}`);
  };
  let markInitialized: () => void = () => {};
  const initialized = new Promise<void>((r) => (markInitialized = r));
  if (watcher.getPending?.() === 0) markInitialized();
  void (async () => {
    for await (const entry of watcher) {
      try {
        if (entry.operation !== 'PUT') {
          await lift(entry.key, 'removed from omega_policy');
        } else {
          const block = decodeOrSkip(entry.key, entry.revision, entry.value);
          if (block !== undefined) await applyBlock(entry.key, block);
        }
      } catch (err) {
        logger.error(
          { err, key: entry.key, revision: entry.revision },
          `omega_policy ${entry.key} (revision ${entry.revision}) not applied: ${errorMessage(err)}`,
        );
      }
      if (entry.delta === 0) markInitialized();
    }
  })();
  return {
    initialized,
    stop: () => {
      for (const timer of expiries.values()) clearTimeout(timer);
      watcher.stop();
    },
  };
}
