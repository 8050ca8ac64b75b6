// Applies the `omega_policy` KV bucket's source blocks to this node: watches
// `block.all.>` and `block.<node>.>`, whose values are SourceBlock protobufs.
import type { KV } from '@omega/bus';
import { subjectToken } from '@omega/bus';
import { SourceBlock } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';

/** Every node's scope; a node name scopes a block to that node alone. */
export const ALL_NODES = 'all';

/**
 * The KV key of a block: `block.<scope>.<cidr>` with ':' (not allowed in KV keys) written as '_';
 * the value's `cidr` is what counts, the key only has to be unique per scope and CIDR.
 */
export function policyBlockKey(scope: string, cidr: string): string {
  return `block.${subjectToken(scope, 'policy scope')}.${cidr.replace(/:/g, '_')}`;
}

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
): Promise<PolicyWatch> {
  const watcher = await kv.watch({
    key: [`block.${ALL_NODES}.>`, `block.${subjectToken(node, 'node')}.>`],
  });
  // key → CIDR it applied, so a delete (which carries no value) knows what to unblock
  const applied = new Map<string, string>();
  let markInitialized: () => void = () => {};
  const initialized = new Promise<void>((r) => (markInitialized = r));
  if (watcher.getPending?.() === 0) markInitialized();
  void (async () => {
    for await (const entry of watcher) {
      try {
        if (entry.operation === 'PUT') {
          const block = SourceBlock.decode(entry.value);
          const previous = applied.get(entry.key);
          if (previous && previous !== block.cidr) await target.unblock(previous);
          await target.block(block.cidr);
          applied.set(entry.key, block.cidr);
          logger.info(
            { key: entry.key, cidr: block.cidr, reason: block.reason },
            `blocked ${block.cidr}`,
          );
        } else {
          const cidr = applied.get(entry.key);
          applied.delete(entry.key);
          if (cidr) {
            await target.unblock(cidr);
            logger.info({ key: entry.key, cidr }, `unblocked ${cidr}`);
          }
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
  return { initialized, stop: () => watcher.stop() };
}
