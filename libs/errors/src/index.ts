// Public entry of @omega/errors: Code, OmegaError and the one retry rule; imports nothing.
export { Code, OmegaError, codeName, errorMessage } from './errors';
export { codeForHttpStatus, isPermanent, isRetryable, isRetryableCode } from './retry';
