// annotate: records a note on the workflow (and, through the audit wrapper, in the audit log):
// "what we did and why" for the people reading the incident later. No other side effect.
import type { Activity } from '@omega/workflow';
import { required } from './action-params';

export function annotate(): Activity {
  return (ctx) => Promise.resolve({ note: required(ctx, 'text') });
}
