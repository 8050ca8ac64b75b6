// The `intelligence.outputs` list: where alerts go besides ALERTS, each destination with its own
// bounded queue, retry policy and send timeout (docs/alert-outputs.md).
import { z } from 'zod';

/** Severities an output can be limited to, lowest first (the `minSeverity` of each output). */
export const OUTPUT_SEVERITIES = [
  'unknown',
  'informational',
  'low',
  'medium',
  'high',
  'critical',
  'fatal',
] as const;

/** Longest URL an output accepts. */
export const MAX_OUTPUT_URL_CHARS = 2048;

/** An http(s) URL with no user or password in it (credentials come from files or the environment). */
const outputUrl = z
  .string()
  .max(MAX_OUTPUT_URL_CHARS)
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a URL: '${text.slice(0, 100)}'` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `scheme ${url.protocol} is not http: or https:` });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        message: 'credentials in the URL would be logged: use tokenFile or tokenEnv',
      });
    }
  });

/**
 * Name of an environment variable holding a secret. Not OMEGA_*: those are Omega's settings, and
 * an unknown one stops the service.
 */
const secretEnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name')
  .refine((name) => !name.startsWith('OMEGA_'), 'OMEGA_* variables are settings, not secrets');

/** A bearer token for an HTTP output, read from a file (a mounted Secret) or an environment variable. */
const tokenSource = {
  /** File holding the token (trailing newline ignored); re-read when it changes. */
  tokenFile: z.string().min(1).max(4096).optional(),
  /** Environment variable holding the token. */
  tokenEnv: secretEnvName.optional(),
};

const deliveryPolicy = {
  /** Metric label and log name of this output: lowercase letters, digits and dashes. */
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label (a-z, 0-9, -)'),
  /** Alerts below this severity are not sent here. */
  minSeverity: z.enum(OUTPUT_SEVERITIES).default('unknown'),
  /** Alerts waiting to be sent; when full the oldest is dropped (and counted). */
  maxQueued: z.int().min(1).max(1_000_000).default(10_000),
  /** Attempts per alert before it is dropped (and counted). */
  maxAttempts: z.int().min(1).max(1000).default(10),
  /** First retry delay; doubles per attempt (±20% jitter) up to maxBackoffMs. */
  initialBackoffMs: z.int().min(1).max(600_000).default(500),
  maxBackoffMs: z.int().min(1).max(3_600_000).default(30_000),
  /** Time one send may take (connect, write, answer). */
  timeoutMs: z.int().min(1).max(300_000).default(5_000),
};

export const outputConfigSchema = z.discriminatedUnion('type', [
  /** One JSON line per alert on standard output (docs/alert-outputs.md has the schema). */
  z.strictObject({ type: z.literal('stdout'), ...deliveryPolicy }),
  /** POST of falcosidekick's input (Falco's JSON output) to falcosidekick or anything reading it. */
  z.strictObject({
    type: z.literal('falcosidekick'),
    ...deliveryPolicy,
    url: outputUrl,
    ...tokenSource,
  }),
  /** POST of one OCSF Detection Finding (class 2004) per alert. */
  z.strictObject({
    type: z.literal('ocsf-webhook'),
    ...deliveryPolicy,
    url: outputUrl,
    ...tokenSource,
  }),
  /** One OCSF Detection Finding per alert to a Kafka topic, keyed by the alert id. */
  z.strictObject({
    type: z.literal('kafka'),
    ...deliveryPolicy,
    /** Bootstrap brokers, `host:port`. */
    brokers: z
      .array(z.string().regex(/^[A-Za-z0-9.-]{1,253}:[0-9]{1,5}$/, 'host:port'))
      .min(1)
      .max(32),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name'),
    /** TLS to the brokers; `caFile` adds a CA (PEM) to the system's. */
    tls: z.strictObject({ caFile: z.string().min(1).optional() }).optional(),
    /** SASL authentication; the password from a file or an environment variable. */
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1).max(256),
        passwordFile: z.string().min(1).max(4096).optional(),
        passwordEnv: secretEnvName.optional(),
      })
      .refine((sasl) => Boolean(sasl.passwordFile) !== Boolean(sasl.passwordEnv), {
        message: 'give passwordFile or passwordEnv (one of them)',
      })
      .optional(),
  }),
  /** Alertmanager's API v2 (`POST <url>/api/v2/alerts`). */
  z.strictObject({
    type: z.literal('alertmanager'),
    ...deliveryPolicy,
    /** Alertmanager's base URL, e.g. `http://alertmanager:9093`. */
    url: outputUrl,
    ...tokenSource,
    /** endsAt = the alert's time + this; absent: Alertmanager's resolve_timeout applies. */
    endsAfterMs: z
      .int()
      .min(1)
      .max(30 * 86_400_000)
      .optional(),
  }),
  /** RFC 5424 syslog messages over UDP, TCP (octet-counted, RFC 6587) or TLS (RFC 5425). */
  z.strictObject({
    type: z.literal('syslog'),
    ...deliveryPolicy,
    host: z.string().min(1).max(253),
    port: z.int().min(1).max(65_535).default(514),
    protocol: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    /** CA (PEM) that signed the TLS server's certificate, besides the system's. */
    caFile: z.string().min(1).optional(),
    /** Syslog facility (RFC 5424 §6.2.1): 0–23; default 4 (security/authorization). */
    facility: z.int().min(0).max(23).default(4),
    /** APP-NAME of each message. */
    appName: z
      .string()
      .regex(/^[!-~]{1,48}$/, 'printable ASCII without spaces, at most 48')
      .default('omega-intelligence'),
  }),
]);

export const outputsConfigSchema = z
  .array(outputConfigSchema)
  .max(32)
  .default([])
  .superRefine((outputs, ctx) => {
    const seen = new Set<string>();
    outputs.forEach((output, index) => {
      if (seen.has(output.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `output name '${output.name}' is used twice`,
        });
      }
      seen.add(output.name);
      if (output.maxBackoffMs < output.initialBackoffMs) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'maxBackoffMs'],
          message: 'maxBackoffMs must be at least initialBackoffMs',
        });
      }
      if ('tokenFile' in output && output.tokenFile && output.tokenEnv) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'tokenEnv'],
          message: 'give tokenFile or tokenEnv, not both',
        });
      }
    });
  });

export type OutputConfig = z.output<typeof outputConfigSchema>;
export type OutputType = OutputConfig['type'];
export type OutputConfigOf<T extends OutputType> = Extract<OutputConfig, { type: T }>;
/** How one output queues, retries and times out its sends. */
export type DeliveryPolicy = Pick<
  OutputConfig,
  | 'name'
  | 'minSeverity'
  | 'maxQueued'
  | 'maxAttempts'
  | 'initialBackoffMs'
  | 'maxBackoffMs'
  | 'timeoutMs'
>;
