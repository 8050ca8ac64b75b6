// Promise wrappers over the generated TrustService client for the calls enrollment, renewal and
// audit appends make.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from '@omega/runtime';
import {
  TrustServiceClient,
  type IssueIdentityRequest,
  type IssueIdentityResponse,
  type RenewIdentityRequest,
  type RenewIdentityResponse,
} from '@omega/proto';

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

/** A TrustService client; insecure unless `credentials` are given (the local stack's default). */
export function trustServiceClient(
  trustAddress: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): TrustServiceClient {
  return new TrustServiceClient(trustAddress, credentials, TRUST_CHANNEL_OPTIONS);
}

export type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

/** One unary call; `signal` cancels it (the call then rejects with Code.Canceled). */
export function callTrust<Req, Res>(
  client: TrustServiceClient,
  method: Unary<Req, Res>,
  name: string,
  request: Req,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const pending = method.call(
      client,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        signal?.removeEventListener('abort', cancel);
        if (error) {
          reject(
            new OmegaError(
              error.code as number as Code,
              `trust ${name} at ${client.getChannel().getTarget()}: ${error.details || error.message}`,
              { cause: error },
            ),
          );
        } else {
          resolve(response);
        }
      },
    );
    const cancel = (): void => pending.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

export function issueIdentity(
  client: TrustServiceClient,
  request: IssueIdentityRequest,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
): Promise<IssueIdentityResponse> {
  return callTrust(
    client,
    client.issueIdentity as Unary<IssueIdentityRequest, IssueIdentityResponse>,
    'IssueIdentity',
    request,
    timeoutMs,
  );
}

export function renewIdentity(
  client: TrustServiceClient,
  request: RenewIdentityRequest,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
): Promise<RenewIdentityResponse> {
  return callTrust(
    client,
    client.renewIdentity as Unary<RenewIdentityRequest, RenewIdentityResponse>,
    'RenewIdentity',
    request,
    timeoutMs,
  );
}
