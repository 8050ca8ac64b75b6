// The SentinelService handlers this sentinel answers: status, the block list, pcap replay. WASM
// modules (LoadModule, UnloadModule) are not built yet and answer UNIMPLEMENTED.
import type * as grpc from '@grpc/grpc-js';
import { SentinelServiceService, type SentinelServiceServer } from '@omega/proto';
import { toGrpcError, unimplementedService } from '@omega/runtime';
import { blockSource, listBlocks, unblockSource, type BlockRpcDeps } from './rpc/block-rpcs';
import { replayPcap, type ReplayRpcDeps } from './rpc/replay-rpc';
import { getStatus, type StatusDeps } from './rpc/status-rpc';

function unary<Req, Res>(
  answer: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    answer(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toGrpcError(err), null),
    );
  };
}

export function sentinelGrpcHandlers(deps: {
  status: StatusDeps;
  blocks: BlockRpcDeps;
  replay: ReplayRpcDeps;
}): SentinelServiceServer {
  // LoadModule and UnloadModule: UNIMPLEMENTED "<path> is not built yet"
  const notBuilt = unimplementedService(SentinelServiceService) as SentinelServiceServer;
  return {
    ...notBuilt,
    getStatus: unary(() => getStatus(deps.status)),
    blockSource: unary((request, call) =>
      blockSource(deps.blocks, request, `grpc peer ${call.getPeer()}`),
    ),
    unblockSource: unary((request) => unblockSource(deps.blocks, request)),
    listBlocks: unary((request) => listBlocks(deps.blocks, request)),
    replayPcap: unary((request) => replayPcap(deps.replay, request)),
  };
}
