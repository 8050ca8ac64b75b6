// BlockSource / UnblockSource / ListBlocks: blocks live in `omega_policy` (this node's scope), where
// the policy watch applies them to XDP, so they survive restarts and one format serves the
// orchestrator and the RPCs; ListBlocks reads the kernel's entries and their drop counters.
import { POLICY_ALL_NODES, policyBlockKey, type KV } from '@omega/bus';
import {
  SourceBlock,
  type BlockSourceRequest,
  type BlockSourceResponse,
  type ListBlocksRequest,
  type ListBlocksResponse,
  type UnblockSourceRequest,
  type UnblockSourceResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
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
  caller: string,
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
        createdBy: caller,
        createTimeNs: now,
        expireTimeNs,
      });
  await deps.policy.put(key, SourceBlock.encode({ ...block, droppedPacketsTotal: 0n }).finish());
  return {
    block: { ...block, droppedPacketsTotal: await droppedPackets(deps, cidr) },
    created: !existing,
  };
}

export async function unblockSource(
  deps: BlockRpcDeps,
  request: UnblockSourceRequest,
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
