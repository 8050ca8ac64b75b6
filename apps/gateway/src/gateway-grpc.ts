// GatewayService's RPCs: plain async functions of (request, call context).
import type { GatewayServiceService } from '@omega/proto';
import type { CallContext, ServiceHandlers } from '@omega/runtime';
import type { CallLimits } from './call-limits';
import { pushBack } from './forwarding';
import { checkAccess, whoAmI, type ServedMethods } from './caller-access';
import { serverInfo, type ServerInfoOptions } from './server-info';
import { createToken, listTokens, revokeToken, type TokenHandlerDeps } from './token-handlers';

export function gatewayGrpcHandlers(
  info: ServerInfoOptions,
  served: ServedMethods,
  deps: TokenHandlerDeps,
  limits: CallLimits,
): ServiceHandlers<typeof GatewayServiceService> {
  // The same per-caller budget as forwarded calls: CreateToken asks trust to sign and log.
  const admit = (ctx: CallContext): void => {
    const { key, settings } = deps.auth.limitOf(ctx);
    pushBack(ctx, () => limits.admitCall(key, ctx.method, Date.now(), settings));
  };
  return {
    whoAmI: (_request, ctx) => whoAmI(ctx, deps.auth),
    checkAccess: (request, ctx) => {
      admit(ctx);
      return checkAccess(request, ctx, deps.auth, served, deps.tokens);
    },
    getServerInfo: (_request, ctx) => {
      admit(ctx);
      return serverInfo(info, ctx);
    },
    createToken: (request, ctx) => {
      admit(ctx);
      return createToken(request, ctx, deps);
    },
    listTokens: (request, ctx) => {
      admit(ctx);
      return listTokens(request, ctx, deps);
    },
    revokeToken: (request, ctx) => {
      admit(ctx);
      return revokeToken(request, ctx, deps);
    },
  };
}
