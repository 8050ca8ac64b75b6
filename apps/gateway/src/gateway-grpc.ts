// The GatewayService RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { GatewayServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { serverInfo, type ServerInfoOptions } from './server-info';

export function gatewayGrpcHandlers(
  info: ServerInfoOptions,
): ServiceHandlers<typeof GatewayServiceService> {
  return {
    getServerInfo: (_request, ctx) => serverInfo(info, ctx),
  };
}
