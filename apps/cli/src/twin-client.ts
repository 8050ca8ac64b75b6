// The twin commands' one way to reach TwinService (through the gateway, closed after the command)
// and their one way to draw paths as Graphviz DOT.
import { toDot } from '@omega/attack-graph';
import {
  TwinServiceClient,
  type AttackPath,
  type GraphNode,
  type TwinServiceService,
} from '@omega/proto';
import type { PromiseClient } from '@omega/runtime';
import { connect, type CommandScope, type ConnectionOptions } from './command-kit';
import { gatewayClient } from './gateway-connection';

export type TwinClient = PromiseClient<typeof TwinServiceService>;

export async function withTwin(
  scope: CommandScope,
  options: ConnectionOptions,
  run: (client: TwinClient) => Promise<number>,
): Promise<number> {
  const client = gatewayClient(TwinServiceClient, await connect(scope, options));
  try {
    return await run(client);
  } finally {
    client.close();
  }
}

/** Paths as one DOT digraph: their edges, and their vertices read from the same snapshot. */
export async function pathsDot(
  client: TwinClient,
  paths: readonly AttackPath[],
  snapshotId: string,
  name: string,
): Promise<string> {
  const ids = new Set(paths.flatMap((p) => p.nodeIds));
  const { graph } = await client.getGraph({
    namespaces: [],
    nodeKinds: [],
    includeObservedFlows: false,
    snapshotId,
  });
  const nodes: GraphNode[] = (graph?.nodes ?? []).filter((n) => ids.has(n.id));
  const edges = [...new Map(paths.flatMap((p) => p.edges).map((e) => [e.id, e])).values()];
  return toDot({ nodes, edges }, name);
}
