// What the CLI prints for a failed call: the error, and when a service could not be reached, the
// two usual reasons (the stack is not running, or the CLI has no operator credential for it).
import { errorMessage } from '@omega/runtime';

const GRPC_UNAVAILABLE = 14;

export const UNREACHABLE_HINT =
  'is the stack running (npm run up)? Its services accept only callers with a certificate from trust: the CLI uses the operator credential `omega up` writes to <data-dir>/operator (pass --data-dir if the stack does not use .omega)';

export function cliErrorMessage(err: unknown): string {
  const message = errorMessage(err);
  const code = (err as { code?: unknown } | null)?.code;
  const unreachable = code === GRPC_UNAVAILABLE || /\bUNAVAILABLE\b|ECONNREFUSED/.test(message);
  return unreachable ? `${message} (${UNREACHABLE_HINT})` : message;
}
