// Omega's error codes and error type, defined on the ground floor (@omega/errors, which imports
// nothing) and re-exported here so a service keeps one import for everything it needs.
export {
  Code,
  OmegaError,
  codeForHttpStatus,
  codeName,
  errorMessage,
  isPermanent,
  isRetryable,
  isRetryableCode,
} from '@omega/errors';
