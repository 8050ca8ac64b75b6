// BlockSource / UnblockSource / ListBlocks: blocks live in `omega_policy` (this node's scope), where
// the policy watch applies them to XDP, so they survive restarts and one format serves the
// orchestrator and the RPCs; ListBlocks reads the kernel's entries and their drop counters. Every
// block and unblock is appended to trust's audit log, naming who asked, before it is written.
import { POLICY_ALL_NODES, policyBlockKey, type KV } from '@omega/bus';
import {
  AuditEntry,
  AuditEntryKind,
  SourceBlock,
  type AuditRef,
  type IdentityRef,
  type BlockSourceRequest,
  type BlockSourceResponse,
  type ListBlocksRequest,
  type ListBlocksResponse,
  type UnblockSourceRequest,
  type UnblockSourceResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { describeRequester, requesterActor, type Requester } from '@omega/trust-client';
import { canonicalCidr } from '../policy/cidr';
import type { BlockEntryFrame } from '../wire/loader-frames';

export const DEFAULT_BLOCK_PAGE_SIZE = 100;
export const MAX_BLOCK_PAGE_SIZE = 1_000;

export interface BlockRpcDeps {
  node: string;
  policy: KV;
  /** The kernel's block entries; undefined when no loader runs (off mode). */
  listKernelBlocks(): Promise<BlockEntryFrame[]> | undefined;
  now(): bigint;
  /** Appends to trust's audit log; without it changes are not audited (sentinel.auditPolicyChanges). */
  audit?: (entry: AuditEntry, requestId: string) => Promise<AuditRef>;
  /** The actor of a change nobody verified asked for: this sentinel's identity, or its name. */
  self(): IdentityRef;
}

/**
 * Logs a block change before it is written, so none takes effect unlogged: an append that fails
 * fails the RPC with nothing written, and a write that fails after it leaves an entry for a change
 * that did not happen (a retry with the same request id gets the same entry back), never the reverse.
 */
async function auditChange(
  deps: BlockRpcDeps,
  change: { what: string; key: string; block: SourceBlock; requestId: string },
  requester: Requester,
): Promise<void> {
  if (!deps.audit) return;
  const entry = AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_POLICY_CHANGED,
    timeNs: deps.now(),
    actor: requesterActor(requester, deps.self()),
    subject: change.key,
    summary: `${change.what}${describeRequester(requester)}`.slice(0, 500),
    payloadType: SourceBlock.$type,
    payload: Buffer.from(SourceBlock.encode(change.block).finish()),
  });
  await deps.audit(entry, change.requestId ? `sentinel:${deps.node}:${change.requestId}` : '');
}

function expiryText(expireTimeNs: bigint): string {
  if (expireTimeNs === 0n) return 'until unblocked';
  return `until ${new Date(Number(expireTimeNs / 1_000_000n)).toISOString()}`;
}

async function readBlock(kv: KV, key: string): Promise<SourceBlock | undefined> {
  const entry = await kv.get(key);
  if (!entry || entry.operation !== 'PUT') return undefined;
  return SourceBlock.decode(entry.value);
}

async function droppedPackets(deps: BlockRpcDeps, cidr: string): Promise<bigint> {
  const entries = await deps.listKernelBlocks();
  return entries?.find((e) => e.cidr === cidr)?.droppedPackets ?? 0n;
}

export async function blockSource(
  deps: BlockRpcDeps,
  request: BlockSourceRequest,
  requester: Requester,
): Promise<BlockSourceResponse> {
  const { cidr } = canonicalCidr(request.cidr, 'BlockSourceRequest.cidr');
  const key = policyBlockKey(deps.node, cidr);
  const existing = await readBlock(deps.policy, key);
  const now = deps.now();
  const expireTimeNs =
    request.ttlSeconds > 0 ? now + BigInt(request.ttlSeconds) * 1_000_000_000n : 0n;
  const block: SourceBlock = existing
    ? { ...existing, expireTimeNs }
    : SourceBlock.fromPartial({
        cidr,
        reason: request.reason,
        alertId: request.alertId,
        workflowId: request.workflowId,
        createdBy: requester.subject ?? `grpc peer ${requester.address}`,
        createTimeNs: now,
        expireTimeNs,
      });
  const ttl = request.ttlSeconds > 0 ? `, ttl ${request.ttlSeconds} s` : '';
  await auditChange(
    deps,
    {
      what: `${existing ? 'renewed the block of' : 'blocked'} ${cidr} on node ${deps.node} ${expiryText(expireTimeNs)}${ttl} (omega_policy ${key})${block.reason ? `: ${block.reason}` : ''}`,
      key,
      block,
      requestId: request.requestId ? `block:${request.requestId}` : '',
    },
    requester,
  );
  await deps.policy.put(key, SourceBlock.encode({ ...block, droppedPacketsTotal: 0n }).finish());
  return {
    block: { ...block, droppedPacketsTotal: await droppedPackets(deps, cidr) },
    created: !existing,
  };
}

export async function unblockSource(
  deps: BlockRpcDeps,
  request: UnblockSourceRequest,
  requester: Requester,
): Promise<UnblockSourceResponse> {
  const { cidr } = canonicalCidr(request.cidr, 'UnblockSourceRequest.cidr');
  const key = policyBlockKey(deps.node, cidr);
  const existing = await readBlock(deps.policy, key);
  if (!existing) {
    const allKey = policyBlockKey(POLICY_ALL_NODES, cidr);
    if (await readBlock(deps.policy, allKey)) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `UnblockSource ${cidr}: blocked on every node by omega_policy key ${allKey}; delete that key (the orchestrator's unblock) to lift it`,
      );
    }
    return { wasBlocked: false, block: undefined };
  }
  const dropped = await droppedPackets(deps, cidr);
  await auditChange(
    deps,
    {
      what: `unblocked ${cidr} on node ${deps.node} (omega_policy ${key})${request.reason ? `: ${request.reason}` : ''}`,
      key,
      block: existing,
      requestId: request.requestId ? `unblock:${request.requestId}` : '',
    },
    requester,
  );
  await deps.policy.delete(key);
  return { wasBlocked: true, block: { ...existing, droppedPacketsTotal: dropped } };
}

export async function listBlocks(
  deps: BlockRpcDeps,
  request: ListBlocksRequest,
): Promise<ListBlocksResponse> {
  const pageSize = Math.min(request.pageSize || DEFAULT_BLOCK_PAGE_SIZE, MAX_BLOCK_PAGE_SIZE);
  let offset = 0;
  if (request.pageToken) {
    if (!/^[1-9]\d{0,8}$/.test(request.pageToken)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `ListBlocks: page_token ${JSON.stringify(request.pageToken)} is not one this sentinel issued`,
      );
    }
    offset = Number(request.pageToken);
  }
  const kernel = await deps.listKernelBlocks();
  if (!kernel) {
    throw new OmegaError(
      Code.FailedPrecondition,
      'ListBlocks: the sentinel runs in off mode, no block is enforced on this node (omega_policy still holds the requested ones)',
    );
  }
  const known = new Map<string, SourceBlock>();
  for (const scope of [POLICY_ALL_NODES, deps.node]) {
    for (const entry of kernel) {
      const block = await readBlock(deps.policy, policyBlockKey(scope, entry.cidr));
      if (block) known.set(entry.cidr, block);
    }
  }
  const blocks = kernel
    .map((entry) =>
      SourceBlock.fromPartial({
        ...(known.get(entry.cidr) ?? {}),
        cidr: entry.cidr,
        droppedPacketsTotal: entry.droppedPackets,
      }),
    )
    .sort((a, b) => a.cidr.localeCompare(b.cidr));
  const page = blocks.slice(offset, offset + pageSize);
  const next = offset + page.length;
  return { blocks: page, nextPageToken: next < blocks.length ? String(next) : '' };
}
