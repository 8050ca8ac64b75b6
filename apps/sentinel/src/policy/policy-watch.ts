// Applies the `omega_policy` KV bucket's source blocks to this node: watches
// `block.all.>` and `block.<node>.>` (keys in @omega/bus policy-keys.ts), whose values are
// SourceBlock protobufs. A block with an
// `expire_time_ns` is lifted when it expires (and not applied when it already has).
import { POLICY_ALL_NODES, policyBlockFilter, type KV } from '@omega/bus';
import { SourceBlock } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';

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
  let markInitialized: () => void = () => {};
  const initialized = new Promise<void>((r) => (markInitialized = r));
  if (watcher.getPending?.() === 0) markInitialized();
  void (async () => {
    for await (const entry of watcher) {
      try {
        if (entry.operation === 'PUT') {
          const block = SourceBlock.decode(entry.value);
          const previous = applied.get(entry.key);
          const leftNs = block.expireTimeNs === 0n ? undefined : block.expireTimeNs - now();
          if (leftNs !== undefined && leftNs <= 0n) {
            await lift(entry.key, 'expired');
          } else {
            await target.block(block.cidr);
            applied.set(entry.key, block.cidr);
            if (previous && previous !== block.cidr && ![...applied.values()].includes(previous)) {
              await target.unblock(previous);
            }
            clearTimeout(expiries.get(entry.key));
            expiries.delete(entry.key);
            if (leftNs !== undefined) scheduleExpiry(entry.key, block.expireTimeNs);
            logger.info(
              { key: entry.key, cidr: block.cidr, reason: block.reason },
              `blocked ${block.cidr}`,
            );
          }
        } else {
          await lift(entry.key, 'removed from omega_policy');
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
