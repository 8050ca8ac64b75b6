// Reads a zod schema as a tree of settings: the OMEGA_* variable for each leaf, how to coerce an
// environment string to the leaf's type, and how to name that type in an error message.
import type { z } from 'zod';
import { Code, OmegaError } from './errors';

/** One setting the schema declares, addressable by an environment variable. */
export interface ConfigLeaf {
  path: string[];
  envName: string;
  schema: z.ZodType;
}

/** The internal definition zod 4 keeps on every schema (`schema._zod.def`), as far as we read it. */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'catch',
  'nonoptional',
]);

/** Strips wrappers that do not change what a value must look like (optional, default, …). */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The object schema's keys, or undefined when the schema is not an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrapSchema(schema));
  return def.type === 'object' ? def.shape : undefined;
}

/** An object schema not wrapped in optional/default: its absence is an error, not a choice. */
export function isRequiredObject(schema: z.ZodType): boolean {
  return defOf(schema).type === 'object';
}

/** Whether an object schema accepts keys it does not declare (z.looseObject or a catchall). */
export function acceptsUnknownKeys(schema: z.ZodType): boolean {
  const def = defOf(unwrapSchema(schema));
  return def.catchall !== undefined && defOf(def.catchall).type !== 'never';
}

/** The schema that validates the value at `path` below `schema`, if the path leads anywhere. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(unwrapSchema(current));
    if (def.type === 'object') current = def.shape?.[String(segment)] ?? undefined;
    else if (def.type === 'array') current = def.element;
    else return undefined;
  }
  return current;
}

/** `shutdown.deadlineMs` → `OMEGA_SHUTDOWN_DEADLINE_MS`. */
export function envNameFor(path: readonly string[]): string {
  const segments = path.map((segment) =>
    segment
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toUpperCase(),
  );
  return ['OMEGA', ...segments].join('_');
}

/** Every non-object setting below an object schema, keyed by its environment variable. */
export function configLeaves(schema: z.ZodType): Map<string, ConfigLeaf> {
  const leaves = new Map<string, ConfigLeaf>();
  const visit = (node: z.ZodType, path: string[]): void => {
    const shape = objectShape(node);
    if (shape) {
      for (const [key, child] of Object.entries(shape)) visit(child, [...path, key]);
      return;
    }
    if (path.length === 0) return;
    const envName = envNameFor(path);
    const clash = leaves.get(envName);
    if (clash) {
      throw new OmegaError(
        Code.Internal,
        `config schema: ${path.join('.')} and ${clash.path.join('.')} both map to ${envName}; rename one`,
      );
    }
    leaves.set(envName, { path, envName, schema: node });
  };
  visit(schema, []);
  return leaves;
}

const NUMBER_TEXT = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * Turns an environment string into the value the schema expects where that is unambiguous.
 * Anything that does not fit stays a string, so validation reports it with the original text.
 */
export function coerceEnvValue(schema: z.ZodType, text: string): unknown {
  const def = defOf(unwrapSchema(schema));
  switch (def.type) {
    case 'number':
      return NUMBER_TEXT.test(text) ? Number(text) : text;
    case 'boolean':
      if (/^true$/i.test(text.trim())) return true;
      if (/^false$/i.test(text.trim())) return false;
      return text;
    case 'array': {
      if (text.trimStart().startsWith('[')) return parseJsonOr(text);
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
      return def.element
        ? items.map((item) => coerceEnvValue(def.element as z.ZodType, item))
        : items;
    }
    case 'object':
    case 'record':
    case 'union':
      return /^\s*[[{]/.test(text) ? parseJsonOr(text) : text;
    default:
      return text;
  }
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON after all: validation reports the text as it was given.
    return text;
  }
}

/** How an error message names the type a schema expects: "integer", "list of string", … */
export function describeType(schema: z.ZodType): string {
  const def = defOf(unwrapSchema(schema));
  switch (def.type) {
    case 'number':
      return def.format && /int/.test(def.format) ? 'integer' : 'number';
    case 'string':
      return def.format === 'url' ? 'URL' : def.format ? `string (${def.format})` : 'string';
    case 'enum':
      return `one of ${Object.values(def.entries ?? {})
        .map((value) => JSON.stringify(value))
        .join('|')}`;
    case 'literal':
      return (def.values ?? []).map((value) => JSON.stringify(value)).join('|');
    case 'array':
      return def.element ? `list of ${describeType(def.element)}` : 'list';
    case 'object':
    case 'record':
      return 'mapping';
    case 'union':
      return (def.options ?? []).map(describeType).join(' or ');
    default:
      return def.type;
  }
}
