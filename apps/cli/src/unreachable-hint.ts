// What the CLI prints for a failed call: the error, and when a service could not be reached, the
// two usual reasons (the stack is not running, or it runs with --mtls, which admits only callers
// holding a certificate from trust — the CLI has none).
import { errorMessage } from '@omega/runtime';

const GRPC_UNAVAILABLE = 14;

export const UNREACHABLE_HINT =
  'is the stack running (npm run up)? A stack started with --mtls accepts only callers that hold a certificate from trust, which the CLI does not have';

export function cliErrorMessage(err: unknown): string {
  const message = errorMessage(err);
  const code = (err as { code?: unknown } | null)?.code;
  const unreachable = code === GRPC_UNAVAILABLE || /\bUNAVAILABLE\b|ECONNREFUSED/.test(message);
  return unreachable ? `${message} (${UNREACHABLE_HINT})` : message;
}
