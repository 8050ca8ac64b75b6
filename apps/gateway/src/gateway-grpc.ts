// GatewayService's RPCs: plain async functions of (request, call context).
import type { GatewayServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { checkAccess, whoAmI, type ServedMethods } from './caller-access';
import { serverInfo, type ServerInfoOptions } from './server-info';
import { createToken, listTokens, revokeToken, type TokenHandlerDeps } from './token-handlers';

export function gatewayGrpcHandlers(
  info: ServerInfoOptions,
  served: ServedMethods,
  deps: TokenHandlerDeps,
): ServiceHandlers<typeof GatewayServiceService> {
  return {
    whoAmI: (_request, ctx) => whoAmI(ctx, deps.auth),
    checkAccess: (request, ctx) => checkAccess(request, ctx, deps.auth, served, deps.tokens),
    getServerInfo: (_request, ctx) => serverInfo(info, ctx),
    createToken: (request, ctx) => createToken(request, ctx, deps),
    listTokens: (request, ctx) => listTokens(request, ctx, deps),
    revokeToken: (request, ctx) => revokeToken(request, ctx, deps),
  };
}
