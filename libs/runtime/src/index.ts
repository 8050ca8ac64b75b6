// Public entry of @omega/runtime.
export { Code, OmegaError, errorMessage } from './errors';
export { injectTraceContext, extractTraceContext, type TextCarrier } from './trace-context';
