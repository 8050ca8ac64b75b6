// The DeceptionService RPCs built so far: plain async functions of (request, call context); every
// method not here answers UNIMPLEMENTED ("<method> is not built yet") through implementService.
import type { DeceptionServiceService } from '@omega/proto';
import type { ServiceHandlers } from '@omega/runtime';
import { decoyGrpcHandlers, type DecoyPlacement } from './decoys/decoy-grpc';
import { honeytokenGrpcHandlers } from './honeytokens/honeytoken-grpc';
import type { HoneytokenRegistry } from './honeytokens/honeytoken-registry';
import type { InteractionReader } from './interaction-query';
import type { RequestIds } from './request-ids';

export interface DeceptionParts {
  readonly honeytokens: HoneytokenRegistry;
  readonly decoys: DecoyPlacement;
  readonly interactions: InteractionReader;
  /** request_id records of MintHoneytoken (in omega_tokens) and DeployDecoy (in omega_decoys). */
  readonly mintRequests?: RequestIds;
  readonly deployRequests?: RequestIds;
}

export function deceptionGrpcHandlers(
  parts: DeceptionParts,
): ServiceHandlers<typeof DeceptionServiceService> {
  return {
    ...honeytokenGrpcHandlers(parts.honeytokens, parts.mintRequests),
    ...decoyGrpcHandlers(parts.decoys, parts.deployRequests),
    listInteractions: (request, ctx) => parts.interactions.list(request, ctx.method),
  };
}
