// simulate: asks the twin what a proposed action would cut (TwinService.SimulateWhatIf) before it
// runs; outputs `broken_flows` and `risk_after` for a later step's `when`. A pod the twin does not
// know (NOT_FOUND) fails the step with the twin's answer.
import { ChangeKind, ProposedChange, type TwinServiceService } from '@omega/proto';
import { Code, type PromiseClient } from '@omega/runtime';
import { ActivityError, type Activity } from '@omega/workflow';
import { optional, required } from './action-params';
import { activityCall } from './grpc-call';

const CHANGES: Record<string, ChangeKind> = {
  isolate_pod: ChangeKind.CHANGE_KIND_ISOLATE,
  block_ip: ChangeKind.CHANGE_KIND_BLOCK_SOURCE,
};

export function simulate(
  client: PromiseClient<typeof TwinServiceService>,
  timeoutMs: number,
): Activity {
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
    const response = await activityCall(
      client.simulateWhatIf(
        { changes: [change], snapshotId: '' },
        { timeoutMs, signal: ctx.signal },
      ),
    );
    return {
      broken_flows: String(response.brokenFlows.length),
      closed_paths: String(response.closedPaths.length),
      risk_before: String(response.riskBefore),
      risk_after: String(response.riskAfter),
    };
  };
}
