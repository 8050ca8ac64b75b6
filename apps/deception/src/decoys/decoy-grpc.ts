// DeployDecoy, ListDecoys and RemoveDecoy on the decoys this process runs.
import type {
  DeployDecoyRequest,
  DeployDecoyResponse,
  ListDecoysRequest,
  ListDecoysResponse,
  RemoveDecoyRequest,
  RemoveDecoyResponse,
} from '@omega/proto';
import { Code, OmegaError, type CallContext } from '@omega/runtime';
import type { DecoyHost } from './decoy-host';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

export function decoyGrpcHandlers(host: DecoyHost) {
  return {
    deployDecoy: async (
      request: DeployDecoyRequest,
      ctx: CallContext,
    ): Promise<DeployDecoyResponse> => ({
      decoy: await host.deploy(request.spec, ctx.method, request.dryRun),
      // Local decoys are listeners of this process: no Kubernetes objects.
      manifestsYaml: '',
    }),
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
      if (!/^dc-[0-9a-f]{12}$/.test(request.decoyId)) {
        throw new OmegaError(
          Code.InvalidArgument,
          `${ctx.method}: decoy_id: ${JSON.stringify(request.decoyId.slice(0, 40))} is not a decoy id (dc-<12 hex>, as ListDecoys shows)`,
        );
      }
      return { decoy: await host.remove(request.decoyId, request.reason, ctx.method) };
    },
  };
}
