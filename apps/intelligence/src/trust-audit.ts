// AppendAudit on trust's gRPC API as a promise, with a deadline; failures are OmegaErrors carrying
// trust's status code.
import * as grpc from '@grpc/grpc-js';
import type { AppendAuditRequest, AppendAuditResponse, TrustServiceClient } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

export function appendAuditEntry(
  client: TrustServiceClient,
  request: AppendAuditRequest,
  timeoutMs: number,
): Promise<AppendAuditResponse> {
  return new Promise((resolve, reject) => {
    client.appendAudit(
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        if (error) {
          reject(
            new OmegaError(
              error.code as number as Code,
              `trust AppendAudit at ${client.getChannel().getTarget()}: ${error.details || error.message}`,
              { cause: error },
            ),
          );
        } else {
          resolve(response);
        }
      },
    );
  });
}
