// Reading an action's parameters: required ones named when missing, typed ones checked, so a bad
// playbook parameter fails the step at once (not retried) with the step and parameter named.
import { isIP } from 'node:net';
import { Code } from '@omega/runtime';
import { ActivityError, type ActivityContext } from '@omega/workflow';

export function required(ctx: ActivityContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined || value === '') {
    throw ActivityError.permanent(
      Code.InvalidArgument,
      `step ${ctx.stepId}: parameter '${name}' is required`,
    );
  }
  return value;
}

export function optional(ctx: ActivityContext, name: string, fallback: string): string {
  const value = ctx.params[name];
  return value === undefined || value === '' ? fallback : value;
}

export function integer(ctx: ActivityContext, name: string, fallback: number): number {
  const value = ctx.params[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw ActivityError.permanent(
      Code.InvalidArgument,
      `step ${ctx.stepId}: parameter '${name}' must be a non-negative integer, got '${value}'`,
    );
  }
  return n;
}

/** "203.0.113.7" → "203.0.113.7/32"; a CIDR is checked and kept. */
export function canonicalCidr(ctx: ActivityContext, name: string): string {
  const raw = required(ctx, name).trim();
  const [address, prefix] = raw.split('/', 2) as [string, string | undefined];
  const family = isIP(address);
  const max = family === 4 ? 32 : family === 6 ? 128 : 0;
  const bits = prefix === undefined ? max : Number(prefix);
  if (max === 0 || !Number.isInteger(bits) || bits < 0 || bits > max) {
    throw ActivityError.permanent(
      Code.InvalidArgument,
      `step ${ctx.stepId}: parameter '${name}' is not an IP address or CIDR: '${raw}'`,
    );
  }
  return `${address}/${bits}`;
}
