// The twin commands' one way to reach TwinService: through the gateway, closed after the command.
import { TwinServiceClient, type TwinServiceService } from '@omega/proto';
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
