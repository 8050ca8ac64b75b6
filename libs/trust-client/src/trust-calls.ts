// The TrustService client every service makes: trust's channel settings over the runtime's promise client.
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient, type TrustServiceService } from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/**
 * Reconnect backoff towards trust. grpc-js doubles its wait (×1.6) after each failed connect up to
 * 120 s, so after a long trust outage a service could keep failing its audit appends for two
 * minutes after trust is back; trust is one service in the same cluster, so retry it every few
 * seconds instead.
 *
 * The HTTP/2 receive window. AppendAuditBatch answers carry an offline bundle per entry (~0.7 KB:
 * entry, inclusion proof), ~90 KB for 128 entries, and grpc-js's default window is 64 KiB for the
 * whole connection: trust then stops mid-answer until this side's event loop sends a
 * WINDOW_UPDATE, and concurrent calls queue behind it. bench/trust (`--client-window default`)
 * measured 20,800-27,100 appends/s through the service with the default window and
 * 26,100-34,200/s with 8 MiB (2026-11-23).
 */
export const TRUST_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 5_000,
  'grpc-node.flow_control_window': 8 * 1024 * 1024,
};

/** omega.v1.TrustService as promise methods (`createPromiseClient`). */
export type TrustClient = PromiseClient<typeof TrustServiceService>;

/** A TrustService client; insecure unless `credentials` are given (the local stack's default). */
export function trustServiceClient(
  trustAddress: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): TrustClient {
  return createPromiseClient(TrustServiceClient, trustAddress, {
    credentials,
    channelOptions: TRUST_CHANNEL_OPTIONS,
  });
}
