// DeployDecoy, ListDecoys and RemoveDecoy on the decoys of this service, wherever they run
// (listeners of this process, or objects in Kubernetes namespaces).
import { isDecoyId } from '@omega/bus';
import type {
  Decoy,
  DecoyKind,
  DecoySpec,
  DeployDecoyRequest,
  DeployDecoyResponse,
  ListDecoysRequest,
  ListDecoysResponse,
  RemoveDecoyRequest,
  RemoveDecoyResponse,
} from '@omega/proto';
import { Code, OmegaError, type CallContext } from '@omega/runtime';
import { requesterOf } from '@omega/trust-client';
import type { RequestIds } from '../request-ids';
import type { DecoyHost } from './decoy-host';

/** Where decoys run: both placements answer the three RPCs the same way. */
export interface DecoyPlacement {
  deploy(
    spec: DecoySpec | undefined,
    method: string,
    dryRun: boolean,
  ): Promise<{ decoy: Decoy; manifestsYaml: string }>;
  list(filter: { namespace: string; kind: DecoyKind; includeRemoved: boolean }): Decoy[];
  remove(id: string, reason: string, method: string): Promise<Decoy>;
}

/** Decoys as listeners of this process: no Kubernetes objects, so no manifests. */
export function localPlacement(host: DecoyHost): DecoyPlacement {
  return {
    deploy: async (spec, method, dryRun) => ({
      decoy: await host.deploy(spec, method, dryRun),
      manifestsYaml: '',
    }),
    list: (filter) => host.list(filter),
    remove: (id, reason, method) => host.remove(id, reason, method),
  };
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

/**
 * DeployDecoy once per request_id: a repeat from the same requester within the window answers the
 * decoy the first call deployed (as it is now), without deploying another.
 */
async function deployOnce(
  host: DecoyPlacement,
  requests: RequestIds,
  request: DeployDecoyRequest,
  ctx: CallContext,
): Promise<DeployDecoyResponse> {
  if (request.requestId.length > 128) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${ctx.method}: request_id: longer than 128 characters`,
    );
  }
  const claim = await requests.claim(requesterOf(ctx.peer), request.requestId);
  if (claim.done) {
    const decoy = host
      .list({ namespace: '', kind: 0, includeRemoved: true })
      .find((d) => d.id === claim.id);
    if (decoy !== undefined) return { decoy, manifestsYaml: '' };
    throw new OmegaError(
      Code.AlreadyExists,
      `${ctx.method}: request_id "${request.requestId.slice(0, 64)}" deployed decoy ${claim.id}, which this service no longer knows`,
    );
  }
  try {
    const deployed = await host.deploy(request.spec, ctx.method, false);
    await claim.complete(deployed.decoy.id);
    return deployed;
  } catch (err) {
    await claim.release();
    throw err;
  }
}

export function decoyGrpcHandlers(host: DecoyPlacement, requests?: RequestIds) {
  return {
    deployDecoy: async (
      request: DeployDecoyRequest,
      ctx: CallContext,
    ): Promise<DeployDecoyResponse> =>
      requests !== undefined && request.requestId !== '' && !request.dryRun
        ? deployOnce(host, requests, request, ctx)
        : host.deploy(request.spec, ctx.method, request.dryRun),
    listDecoys: (request: ListDecoysRequest, ctx: CallContext): ListDecoysResponse => {
      const offset = request.pageToken === '' ? 0 : Number(request.pageToken);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${ctx.method}: page_token: not one this service returned`,
        );
      }
      const size = Math.min(request.pageSize || DEFAULT_PAGE, MAX_PAGE);
      const all = host.list({
        namespace: request.namespace,
        kind: request.kind,
        includeRemoved: request.includeRemoved,
      });
      return {
        decoys: all.slice(offset, offset + size),
        nextPageToken: offset + size < all.length ? String(offset + size) : '',
      };
    },
    removeDecoy: async (
      request: RemoveDecoyRequest,
      ctx: CallContext,
    ): Promise<RemoveDecoyResponse> => {
      if (!isDecoyId(request.decoyId)) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${ctx.method}: decoy_id: ${JSON.stringify(request.decoyId.slice(0, 40))} is not a decoy id (dc-<12 hex>, as ListDecoys shows)`,
        );
      }
      return { decoy: await host.remove(request.decoyId, request.reason, ctx.method) };
    },
  };
}
