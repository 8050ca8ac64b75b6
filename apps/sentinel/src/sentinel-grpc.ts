// The SentinelService handlers this sentinel answers: status, the block list, pcap replay and, when
// the sentinel runs modules, LoadModule/UnloadModule (without them those answer UNIMPLEMENTED).
import type { SentinelServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { requesterOf } from '@omega/trust-client';
import { blockSource, listBlocks, unblockSource, type BlockRpcDeps } from './rpc/block-rpcs';
import { replayPcap, type ReplayRpcDeps } from './rpc/replay-rpc';
import { getStatus, type StatusDeps } from './rpc/status-rpc';
import { loadModule, unloadModule, type ModuleRpcDeps } from './modules/module-rpcs';

export function sentinelGrpcHandlers(deps: {
  status: StatusDeps;
  blocks: BlockRpcDeps;
  replay: ReplayRpcDeps;
  modules?: ModuleRpcDeps;
}): ServiceHandlers<typeof SentinelServiceService> {
  const modules = deps.modules;
  return {
    ...(modules
      ? {
          loadModule: (request) => loadModule(modules, request),
          unloadModule: (request) => unloadModule(modules, request),
        }
      : {}),
    getStatus: () => getStatus(deps.status),
    blockSource: (request, ctx) => blockSource(deps.blocks, request, requesterOf(ctx.peer)),
    unblockSource: (request, ctx) => unblockSource(deps.blocks, request, requesterOf(ctx.peer)),
    listBlocks: (request) => listBlocks(deps.blocks, request),
    replayPcap: (request) => replayPcap(deps.replay, request),
  };
}
