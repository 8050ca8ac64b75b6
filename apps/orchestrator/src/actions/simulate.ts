// simulate: asks the twin what a proposed action would cut (TwinService.SimulateWhatIf) before it
// runs; outputs `broken_flows` and `risk_after` for a later step's `when`. Until the twin is built
// it answers UNIMPLEMENTED, which fails the step at once with that answer.
import {
  ChangeKind,
  ProposedChange,
  TwinServiceClient,
  type SimulateWhatIfRequest,
  type SimulateWhatIfResponse,
} from '@omega/proto';
import { Code } from '@omega/runtime';
import { ActivityError, type Activity } from '@omega/workflow';
import { optional, required } from './action-params';
import { unaryCall } from './grpc-call';

const CHANGES: Record<string, ChangeKind> = {
  isolate_pod: ChangeKind.CHANGE_KIND_ISOLATE,
  block_ip: ChangeKind.CHANGE_KIND_BLOCK_SOURCE,
};

export function simulate(client: TwinServiceClient, timeoutMs: number): Activity {
  return async (ctx) => {
    const action = required(ctx, 'action');
    const kind = CHANGES[action];
    if (kind === undefined) {
      throw ActivityError.permanent(
        Code.InvalidArgument,
        `step ${ctx.stepId}: simulate knows ${Object.keys(CHANGES).join(', ')}, not '${action}'`,
      );
    }
    const change = ProposedChange.fromPartial({
      kind,
      targetNodeId: optional(ctx, 'target', ''),
      cidr: optional(ctx, 'cidr', ''),
    });
    const response = await unaryCall<SimulateWhatIfRequest, SimulateWhatIfResponse>(
      client,
      client.simulateWhatIf,
      'twin SimulateWhatIf',
      { changes: [change], snapshotId: '' },
      timeoutMs,
      ctx.signal,
    );
    return {
      broken_flows: String(response.brokenFlows.length),
      closed_paths: String(response.closedPaths.length),
      risk_before: String(response.riskBefore),
      risk_after: String(response.riskAfter),
    };
  };
}
