// Test-only: the real trust service (apps/trust as built) as a child process on the spec's
// nats-server (libs/testkit starts it), with a TrustService client.
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient } from '@omega/proto';
import { startTrustProcess } from '@omega/testkit';

export interface SpecTrust {
  readonly address: string;
  readonly client: TrustServiceClient;
  stop(): Promise<void>;
}

export async function startSpecTrust(natsUrl: string): Promise<SpecTrust> {
  const trust = await startTrustProcess({ natsUrl });
  const client = new TrustServiceClient(trust.address, grpc.credentials.createInsecure());
  return {
    address: trust.address,
    client,
    stop: async () => {
      client.close();
      await trust.stop();
    },
  };
}
