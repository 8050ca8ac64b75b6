// deploy_decoy: asks the deception service to deploy a decoy (DeceptionService.DeployDecoy), with
// the idempotency key as request id. Until deception is built it answers UNIMPLEMENTED, which
// fails the step at once with that answer (not retried).
import {
  DecoyKind,
  DeceptionServiceClient,
  DecoySpec,
  type DeployDecoyRequest,
  type DeployDecoyResponse,
} from '@omega/proto';
import { Code } from '@omega/runtime';
import { ActivityError, type Activity } from '@omega/workflow';
import { integer, optional, required } from './action-params';
import { unaryCall } from './grpc-call';

export function deployDecoy(client: DeceptionServiceClient, timeoutMs: number): Activity {
  return async (ctx) => {
    const kindName = required(ctx, 'kind').toUpperCase();
    const kind = DecoyKind[`DECOY_KIND_${kindName}` as keyof typeof DecoyKind];
    if (kind === undefined) {
      throw ActivityError.permanent(
        Code.InvalidArgument,
        `step ${ctx.stepId}: parameter 'kind' is '${kindName.toLowerCase()}'; known: ${Object.keys(
          DecoyKind,
        )
          .filter((k) => k.startsWith('DECOY_KIND_') && k !== 'DECOY_KIND_UNSPECIFIED')
          .map((k) => k.slice('DECOY_KIND_'.length).toLowerCase())
          .join(', ')}`,
      );
    }
    const request: DeployDecoyRequest = {
      spec: DecoySpec.fromPartial({
        kind,
        name: required(ctx, 'name'),
        namespace: optional(ctx, 'namespace', 'default'),
        port: integer(ctx, 'port', 0),
      }),
      dryRun: ctx.dryRun,
      requestId: ctx.idempotencyKey,
    };
    const response = await unaryCall<DeployDecoyRequest, DeployDecoyResponse>(
      client,
      client.deployDecoy,
      'deception DeployDecoy',
      request,
      timeoutMs,
      ctx.signal,
    );
    return { decoy_id: response.decoy?.id ?? '', name: response.decoy?.spec?.name ?? '' };
  };
}
