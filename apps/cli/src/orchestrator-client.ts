// The OrchestratorService as the CLI calls it: one promise client per command run, whose errors
// name the method, the address and the gRPC status.
import type * as grpc from '@grpc/grpc-js';
import { OrchestratorServiceClient, type OrchestratorServiceService } from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';

export const DEFAULT_ORCHESTRATOR = '127.0.0.1:50054';
const TIMEOUT_MS = 15_000;

export type OrchestratorClient = PromiseClient<typeof OrchestratorServiceService>;

/** Unary calls give up after 15 s; pass `timeoutMs: Infinity` to follow a watch for as long as it runs. */
export function orchestratorClient(
  address: string,
  credentials?: grpc.ChannelCredentials,
): OrchestratorClient {
  return createPromiseClient(OrchestratorServiceClient, address, {
    timeoutMs: TIMEOUT_MS,
    ...(credentials ? { credentials } : {}),
  });
}
