// block_ip / unblock_ip: a source block in the omega_policy KV bucket, in the format every
// sentinel's policy watch applies to its XDP deny list (key from @omega/bus policyBlockKey, value
// a SourceBlock). Scoped to one node or `all`, with an expiry the playbook enforces
// with a durable timer and unblock_ip. Idempotent: a block this workflow already wrote is kept.
import { POLICY_ALL_NODES, policyBlockKey, type KV } from '@omega/bus';
import { SourceBlock } from '@omega/proto';
import type { Activity } from '@omega/workflow';
import { canonicalCidr, integer, optional } from './action-params';

export function blockIp(policy: () => Promise<KV>, actor: string): Activity {
  return async (ctx): Promise<Record<string, string>> => {
    const cidr = canonicalCidr(ctx, 'cidr');
    const scope = optional(ctx, 'scope', POLICY_ALL_NODES);
    const expireAfterMs = integer(ctx, 'expire_after_ms', 3_600_000);
    const key = policyBlockKey(scope, cidr);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const expireNs = expireAfterMs > 0 ? nowNs + BigInt(expireAfterMs) * 1_000_000n : 0n;
    if (ctx.dryRun) return { key, cidr, scope, dry_run: 'true' };
    const kv = await policy();
    const existing = await kv.get(key);
    if (existing && existing.operation === 'PUT') {
      const block = SourceBlock.decode(existing.value);
      if (block.workflowId === ctx.workflowId) {
        return {
          key,
          cidr,
          scope,
          revision: String(existing.revision),
          expire_time_ns: String(block.expireTimeNs),
        };
      }
    }
    const block = SourceBlock.fromPartial({
      cidr,
      reason: optional(ctx, 'reason', `workflow ${ctx.workflowId} step ${ctx.stepId}`),
      alertId: ctx.inputs['alert.id'] ?? '',
      workflowId: ctx.workflowId,
      createdBy: actor,
      createTimeNs: nowNs,
      expireTimeNs: expireNs,
    });
    const revision = await kv.put(key, SourceBlock.encode(block).finish());
    return { key, cidr, scope, revision: String(revision), expire_time_ns: String(expireNs) };
  };
}

export function unblockIp(policy: () => Promise<KV>): Activity {
  return async (ctx): Promise<Record<string, string>> => {
    const cidr = canonicalCidr(ctx, 'cidr');
    const scope = optional(ctx, 'scope', POLICY_ALL_NODES);
    const key = policyBlockKey(scope, cidr);
    if (ctx.dryRun) return { key, cidr, scope, dry_run: 'true' };
    const kv = await policy();
    const existing = await kv.get(key);
    if (!existing || existing.operation !== 'PUT') return { key, cidr, scope, removed: 'false' };
    await kv.delete(key);
    return { key, cidr, scope, removed: 'true' };
  };
}
