// `${name}` references in step parameters (and the conditions of version-1 plans, see
// legacy-condition.ts), resolved against a workflow's inputs
// (e.g. `alert.src_ip`), its id (`workflow.id`) and earlier steps (`steps.<id>.status`,
// `steps.<id>.<output>`); `${name:-text}` stands for `text` when nothing has that name. Pure: the
// same history always resolves the same way.
import { Code, OmegaError } from '@omega/errors';

/** Looks a dotted name up; undefined when nothing has that name. */
export type Scope = (name: string) => string | undefined;

const REFERENCE = /\$\{\s*([A-Za-z0-9_.\-[\]]+?)(?::-([^}]*))?\s*\}/g;

/** The names a template refers to, in order. */
export function referencesOf(template: string): string[] {
  return [...template.matchAll(REFERENCE)].map((m) => m[1] as string);
}

/** Replaces every reference; throws InvalidArgument naming `where` and the unknown reference. */
export function resolveTemplate(template: string, scope: Scope, where: string): string {
  return template.replace(REFERENCE, (_whole, name: string, fallback: string | undefined) => {
    const value = scope(name) ?? fallback;
    if (value === undefined) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: \${${name}} refers to nothing (no input, step output or workflow field of that name)`,
      );
    }
    return value;
  });
}

/** Resolves every parameter template of a step. */
export function resolveParams(
  params: Record<string, string>,
  scope: Scope,
  where: string,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [key, template] of Object.entries(params)) {
    resolved[key] = resolveTemplate(template, scope, `${where}.params.${key}`);
  }
  return resolved;
}
