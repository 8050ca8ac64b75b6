// The GatewayService RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { GatewayServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { checkAccess, whoAmI, type ServedMethods } from './caller-access';
import { serverInfo, type ServerInfoOptions } from './server-info';

export function gatewayGrpcHandlers(
  info: ServerInfoOptions,
  served: ServedMethods,
): ServiceHandlers<typeof GatewayServiceService> {
  return {
    whoAmI: (_request, ctx) => whoAmI(ctx),
    checkAccess: (request, ctx) => checkAccess(request, ctx, served),
    getServerInfo: (_request, ctx) => serverInfo(info, ctx),
  };
}
