// The CLI's contexts file (kubeconfig-like, default ~/.omega/config, OMEGA_CONFIG overrides): named
// gateway addresses with how to reach them (CA, client certificate directory, bearer token) and
// which one is current. Written with mode 0600: it may hold tokens.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDocument, stringify as yamlStringify } from 'yaml';
import { z } from 'zod';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

const contextSchema = z.strictObject({
  name: z.string().min(1),
  address: z.string().regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, 'expected host:port'),
  caFile: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  certDir: z.string().min(1).optional(),
});

const configSchema = z
  .strictObject({
    'current-context': z.string().optional(),
    contexts: z.array(contextSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.contexts.forEach((context, index) => {
      if (seen.has(context.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['contexts', index, 'name'],
          message: `duplicate context '${context.name}'`,
        });
      }
      seen.add(context.name);
    });
  });

export type CliContext = z.infer<typeof contextSchema>;
export type CliConfig = z.infer<typeof configSchema>;

/** Where the contexts file is: OMEGA_CONFIG, else ~/.omega/config. */
export function contextsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env['OMEGA_CONFIG'] || join(homedir(), '.omega', 'config');
}

/** `contexts[0].address` from a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Parses and validates the file's text; errors name the file and the field. */
export function parseContexts(text: string, file: string): CliConfig {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0];
    throw new OmegaError(
      Code.InvalidArgument,
      `${file}${line ? `:${line.line}:${line.col}` : ''}: not YAML: ${first.message.split('\n')[0]}`,
    );
  }
  const parsed = configSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldPath(issue.path);
    throw new OmegaError(
      Code.InvalidArgument,
      `${file}: ${field || '(top level)'}: ${issue.message}`,
    );
  }
  const current = parsed.data['current-context'];
  if (current && !parsed.data.contexts.some((c) => c.name === current)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${file}: current-context: no context named '${current}'`,
    );
  }
  return parsed.data;
}

/** The file's contexts; an absent file is an empty configuration. */
export async function loadContexts(file: string): Promise<CliConfig> {
  if (!existsSync(file)) return { contexts: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OmegaError(Code.FailedPrecondition, `${file}: ${errorMessage(err)}`, { cause: err });
  }
  return parseContexts(text, file);
}

/** Writes the file atomically with mode 0600 (its directory 0700 when created). */
export async function saveContexts(file: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(file), `.config-${process.pid}.tmp`);
  const ordered = {
    ...(config['current-context'] ? { 'current-context': config['current-context'] } : {}),
    contexts: config.contexts,
  };
  await writeFile(temporary, yamlStringify(ordered), { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** The context named `name`, or the current one; undefined when neither is set. */
export function selectContext(config: CliConfig, name?: string): CliContext | undefined {
  const wanted = name ?? config['current-context'];
  if (wanted === undefined || wanted === '') return undefined;
  const context = config.contexts.find((c) => c.name === wanted);
  if (!context) {
    throw new OmegaError(
      Code.NotFound,
      `no context named '${wanted}' (omega config get-contexts lists them)`,
    );
  }
  return context;
}

/** Adds or updates a context by name (fields not given stay as they were). */
export function upsertContext(
  config: CliConfig,
  context: Partial<CliContext> & { name: string },
): CliConfig {
  const existing = config.contexts.find((c) => c.name === context.name);
  const parsed = contextSchema.safeParse({ ...existing, ...stripUndefined(context) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new OmegaError(
      Code.InvalidArgument,
      `context '${context.name}': ${fieldPath(issue.path)}: ${issue.message}`,
    );
  }
  const merged = parsed.data;
  return {
    ...config,
    contexts: existing
      ? config.contexts.map((c) => (c.name === context.name ? merged : c))
      : [...config.contexts, merged],
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
