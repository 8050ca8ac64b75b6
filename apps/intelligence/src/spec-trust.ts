// The real trust service for the intelligence specs: apps/trust as built, run as a child process on
// the spec's nats-server by libs/testkit, with a TrustService client.
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient } from '@omega/proto';
import { startTrustProcess } from '@omega/testkit';

export interface SpecTrust {
  readonly address: string;
  readonly client: TrustServiceClient;
  readonly output: string[];
  stop(): Promise<void>;
}

export async function startSpecTrust(natsUrl: string, grpcPort?: number): Promise<SpecTrust> {
  const trust = await startTrustProcess({
    natsUrl,
    ...(grpcPort !== undefined ? { grpcPort } : {}),
  });
  const client = new TrustServiceClient(trust.address, grpc.credentials.createInsecure());
  return {
    address: trust.address,
    client,
    output: trust.output,
    stop: async () => {
      client.close();
      await trust.stop();
    },
  };
}
