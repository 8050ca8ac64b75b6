// Service configuration: one zod schema, filled from defaults, then a YAML file, then OMEGA_*
// environment variables, and refused as a whole with every bad key named if anything is off.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import {
  acceptsUnknownKeys,
  coerceEnvValue,
  configLeaves,
  describeType,
  envNameFor,
  isRequiredObject,
  objectShape,
  schemaAt,
} from './config-schema';
import { LayeredConfig, isPlainObject } from './config-layers';
import { Code, OmegaError, errorMessage } from './errors';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const portSchema = () => z.int().min(0).max(65535);

/** The settings every service has; services add their own with `baseConfigSchema.extend({...})`. */
export const baseConfigSchema = z.strictObject({
  service: z.strictObject({ name: z.string().min(1) }),
  grpc: z.strictObject({
    host: z.string().min(1).default('0.0.0.0'),
    port: portSchema(),
    /** HTTP/2 streams (calls) one connection may have open at once (grpc.max_concurrent_streams). */
    maxConcurrentStreams: z.int().positive().default(100),
    /** A connection with no call open for this long is closed (grpc.max_connection_idle_ms). */
    maxConnectionIdleMs: z.int().positive().default(300_000),
    /** A connection is asked to go away after about this long, ±10% (grpc.max_connection_age_ms). */
    maxConnectionAgeMs: z.int().positive().default(3_600_000),
    /** Calls still open on a connection past its age get this long to finish. */
    maxConnectionAgeGraceMs: z.int().positive().default(300_000),
    /** Connections one remote address may hold open at once; more are closed on arrival. */
    maxConnectionsPerAddress: z.int().positive().default(64),
    /** Connections the gRPC port holds open at once from everyone; more are closed on arrival. */
    maxConnections: z.int().positive().default(512),
    /**
     * The largest request message (after decompression) a method accepts; larger ones are refused
     * RESOURCE_EXHAUSTED before any handler runs (grpc.max_receive_message_length).
     */
    maxReceiveMessageBytes: z
      .int()
      .positive()
      .max(64 * 1024 * 1024)
      .default(4 * 1024 * 1024),
  }),
  /** Serves /metrics, /healthz and /readyz. */
  http: z.strictObject({ host: z.string().min(1).default('0.0.0.0'), port: portSchema() }),
  nats: z
    .strictObject({
      servers: z.array(z.string().min(1)).min(1).default(['nats://127.0.0.1:4222']),
      name: z.string().min(1).optional(),
      /**
       * `identity`: TLS to the bus with the trust-issued certificate, and trust (the server's
       * authorization callout) grants this identity's row of the bus permission table. `none`:
       * the server asks for nothing (development only; every service logs a warning).
       */
      auth: z.enum(['none', 'identity']).default('none'),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({}),
  otel: z
    .strictObject({
      /**
       * OTLP/HTTP base URL (…/v1/traces is appended). Unset: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT,
       * and without those spans are not exported (docs/tracing.md).
       */
      endpoint: z.url({ protocol: /^https?$/ }).optional(),
      /** Parent-based ratio of new traces sampled. Unset: OTEL_TRACES_SAMPLER(_ARG), else all. */
      sampleRatio: z.number().min(0).max(1).optional(),
    })
    .prefault({}),
  shutdown: z.strictObject({ deadlineMs: z.int().positive().default(10_000) }).prefault({}),
  /** How the service gets its identity from trust (for signing and mutual TLS). */
  enrollment: z
    .strictObject({
      /** `off`, a one-time join token (local), or a projected service-account token (Kubernetes). */
      mode: z.enum(['off', 'join-token', 'kubernetes']).default('off'),
      /** `host:port` of trust's gRPC endpoint. */
      trustAddress: z.string().min(1).default('127.0.0.1:50052'),
      joinToken: z.string().min(1).optional(),
      /** The join-tokens file trust writes at startup; the service takes the line for its name. */
      joinTokenFile: z.string().min(1).optional(),
      serviceAccountTokenPath: z.string().min(1).default('/var/run/secrets/omega/token'),
      /** The trust CA (PEM) to check trust's certificate with; default: read from the bus. */
      trustCaFile: z.string().min(1).optional(),
      /**
       * Where the service keeps its credential between runs (mode 0600): a restart renews it
       * instead of needing a new (single-use) join token. Unset: enroll on every start.
       */
      stateDir: z.string().min(1).optional(),
      /** Requested credential lifetime; default: trust's. */
      credentialTtlSeconds: z.int().positive().optional(),
      /** How long start-up keeps trying to enroll while trust is not reachable yet. */
      timeoutMs: z.int().positive().default(120_000),
    })
    .prefault({}),
  /** Mutual TLS 1.3 for gRPC with the certificate trust issued at enrollment. */
  tls: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
});

export type BaseConfig = z.output<typeof baseConfigSchema>;

/** OMEGA_* variables that are not settings: the file path itself and tooling's own variables. */
export const NON_CONFIG_ENV_VARS: readonly string[] = ['OMEGA_CONFIG_FILE', 'OMEGA_CACHE_DIR'];

export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.argv.slice(2); `--config <file>` (or `--config=<file>`) names the YAML file. */
  argv?: string[];
  /** Lowest-precedence values, deep-merged under the file and the environment. */
  defaults?: unknown;
}

/**
 * Reads the configuration the schema describes. Precedence, lowest first: `defaults`, the YAML file
 * (`--config <file>` or OMEGA_CONFIG_FILE), then one environment variable per setting, named from
 * its path (grpc.port → OMEGA_GRPC_PORT; lists are comma-separated or JSON). Throws one
 * InvalidArgument OmegaError naming every unknown key, unknown variable and mistyped value.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  opts: LoadConfigOptions = {},
): z.output<S> {
  const env = opts.env ?? process.env;
  const argv = opts.argv ?? process.argv.slice(2);
  const layers = new LayeredConfig();
  const problems: string[] = [];

  if (opts.defaults !== undefined) {
    if (!isPlainObject(opts.defaults)) {
      throw new OmegaError(Code.Internal, 'config: defaults must be a mapping');
    }
    layers.merge(opts.defaults, 'defaults');
  }
  const file = configFilePath(argv, env);
  if (file !== undefined) layers.merge(readYamlFile(file), `file ${file}`);

  const leaves = configLeaves(schema);
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (!name.startsWith('OMEGA_') || text === undefined || NON_CONFIG_ENV_VARS.includes(name))
      continue;
    const leaf = leaves.get(name);
    if (!leaf) {
      const guess = closest(name, [...leaves.keys()]);
      problems.push(
        `${name}: unknown variable, no config key maps to it (env)${guess ? `; did you mean ${guess}?` : ''}`,
      );
      continue;
    }
    layers.set(leaf.path, coerceEnvValue(leaf.schema, text), `env ${name}`);
  }

  addRequiredSections(schema, layers.value);
  findUnknownKeys(schema, layers.value, [], layers, problems);
  const result = schema.safeParse(layers.value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const problem = describeIssue(issue, schema, layers);
      if (problem !== undefined) problems.push(problem);
    }
  }
  if (!result.success && problems.length === 0) problems.push(z.prettifyError(result.error));
  if (problems.length > 0 || !result.success) {
    const lines = [...new Set(problems)].map((problem) => `config: ${problem}`);
    throw new OmegaError(Code.InvalidArgument, lines.join('\n'));
  }
  return result.data as z.output<S>;
}

function configFilePath(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
    if (arg === '--config') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new OmegaError(Code.InvalidArgument, 'config: --config needs a file path');
      }
      return next;
    }
  }
  return env['OMEGA_CONFIG_FILE'] || undefined;
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `config: file ${file}: cannot read it: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((err) => {
      const at = err.linePos?.[0];
      const where = at ? `line ${at.line}, column ${at.col}: ` : '';
      // yaml appends " at line L, column C:" and a source excerpt; the position is already given.
      const reason = err.message.split(/ at line \d+, column \d+:|\n/)[0];
      return `config: file ${file}: ${where}${reason}`;
    });
    throw new OmegaError(Code.InvalidArgument, lines.join('\n'), { cause: doc.errors[0] });
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `config: file ${file}: expected a mapping at the top level, got ${Array.isArray(value) ? 'a list' : show(value)}`,
    );
  }
  return value;
}

/**
 * Gives every required section that no source mentions an empty mapping, so a missing setting is
 * reported by its own path (grpc.port) rather than as a missing section (grpc).
 */
function addRequiredSections(schema: z.ZodType, value: Record<string, unknown>): void {
  for (const [key, child] of Object.entries(objectShape(schema) ?? {})) {
    if (!isRequiredObject(child)) continue;
    if (value[key] === undefined) value[key] = {};
    const section = value[key];
    if (isPlainObject(section)) addRequiredSections(child, section);
  }
}

/** Keys the schema does not declare; z.object would drop them silently, so they are refused here. */
function findUnknownKeys(
  schema: z.ZodType,
  value: unknown,
  path: PropertyKey[],
  layers: LayeredConfig,
  problems: string[],
): void {
  const shape = objectShape(schema);
  if (shape && isPlainObject(value)) {
    const loose = acceptsUnknownKeys(schema);
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const childSchema = shape[key];
      if (childSchema) {
        findUnknownKeys(childSchema, child, childPath, layers, problems);
      } else if (!loose) {
        const guess = closest(key, Object.keys(shape));
        const origin = layers.originOf(childPath);
        problems.push(
          `${displayPath(childPath)}: unknown key${origin ? ` (${origin})` : ''}${guess ? `; did you mean ${guess}?` : ''}`,
        );
      }
    }
  } else if (Array.isArray(value)) {
    const element = schemaAt(schema, [0]);
    if (element)
      value.forEach((item, i) => findUnknownKeys(element, item, [...path, i], layers, problems));
  }
}

function describeIssue(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  layers: LayeredConfig,
): string | undefined {
  if (issue.code === 'unrecognized_keys') return undefined; // reported by findUnknownKeys
  const path = issue.path;
  const where = displayPath(path);
  const value = layers.valueAt(path);
  const origin = layers.originOf(path);
  const target = schemaAt(schema, path);
  const typeName = target ? describeType(target) : 'value';

  if (value === undefined) {
    const envHint = path.every((segment) => typeof segment === 'string')
      ? ` or ${envNameFor(path as string[])}`
      : '';
    return `${where}: required, expected ${typeName} (set ${where} in the config file${envHint})`;
  }

  let expected: string;
  switch (issue.code) {
    case 'invalid_type':
      expected = target ? typeName : issue.expected;
      break;
    case 'too_big':
      expected = boundText(
        typeName,
        issue.origin,
        issue.inclusive ? 'at most' : 'under',
        issue.maximum,
      );
      break;
    case 'too_small':
      expected = boundText(
        typeName,
        issue.origin,
        issue.inclusive ? 'at least' : 'over',
        issue.minimum,
      );
      break;
    case 'invalid_value':
      expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
      break;
    case 'invalid_format':
      expected = issue.format === 'url' ? 'URL' : `${typeName} in ${issue.format} format`;
      break;
    case 'not_multiple_of':
      expected = `${typeName} that is a multiple of ${String(issue.divisor)}`;
      break;
    default:
      return `${where}: ${issue.message}, got ${show(value)}${origin ? ` (${origin})` : ''}`;
  }
  return `${where}: expected ${expected}, got ${show(value)}${origin ? ` (${origin})` : ''}`;
}

function boundText(
  typeName: string,
  origin: string,
  relation: string,
  bound: number | bigint,
): string {
  const limit = String(bound);
  if (origin === 'array' || origin === 'set') return `${typeName} with ${relation} ${limit} items`;
  if (origin === 'string') return `${typeName} of ${relation} ${limit} characters`;
  return `${typeName} ${relation} ${limit}`;
}

/** `['nats', 'servers', 1]` → `nats.servers[1]`. */
function displayPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The candidate a typo most likely meant, if any is close enough to suggest. */
function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
