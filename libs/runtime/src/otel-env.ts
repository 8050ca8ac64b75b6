// The tracing settings of a process: Omega's own (config otel.*, OMEGA_OTEL_*) first, then the
// standard OTEL_* environment variables of the OpenTelemetry specification for what Omega's leave
// unset. Pure: the environment is passed in, nothing is read or started here.
import { Code, OmegaError } from './errors';

/** Samplers of the specification's OTEL_TRACES_SAMPLER that Omega builds. */
export const SUPPORTED_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SUPPORTED_SAMPLERS)[number];

/** Propagators of OTEL_PROPAGATORS that Omega builds ('none': neither). */
export const SUPPORTED_PROPAGATORS = ['tracecontext', 'baggage'] as const;
export type PropagatorName = (typeof SUPPORTED_PROPAGATORS)[number];

/** The OTLP transport the exporter speaks; OTEL_EXPORTER_OTLP_PROTOCOL may name only this. */
export const SUPPORTED_OTLP_PROTOCOL = 'http/protobuf';

/** What Omega's own configuration says about tracing (unset fields defer to OTEL_*). */
export interface OmegaTracingConfig {
  /** Omega's name of the service; the span resource's service.name unless OTEL_* name one. */
  serviceName: string;
  /** OTLP/HTTP base URL (otel.endpoint / OMEGA_OTEL_ENDPOINT); spans go to <endpoint>/v1/traces. */
  endpoint?: string | undefined;
  /** otel.sampleRatio / OMEGA_OTEL_SAMPLE_RATIO: parent-based, this fraction of new traces. */
  sampleRatio?: number | undefined;
}

export interface TracingSettings {
  /** False when OTEL_SDK_DISABLED=true: no spans, no propagation. */
  readonly enabled: boolean;
  /** The resource's attributes, service.name included. */
  readonly resource: Readonly<Record<string, string>>;
  /** Where spans are posted (OTLP/HTTP protobuf) and with which headers; unset: not exported. */
  readonly export: { readonly url: string; readonly headers: Record<string, string> } | undefined;
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  readonly propagators: readonly PropagatorName[];
  /** The batch span processor's OTEL_BSP_* settings that are set (the SDK's defaults otherwise). */
  readonly batch: BatchSettings;
}

export interface BatchSettings {
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxQueueSize?: number;
  readonly maxExportBatchSize?: number;
}

const BATCH_VARIABLES: Record<keyof BatchSettings, string> = {
  scheduledDelayMillis: 'OTEL_BSP_SCHEDULE_DELAY',
  exportTimeoutMillis: 'OTEL_BSP_EXPORT_TIMEOUT',
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
};

/**
 * Resolves the tracing settings. Throws an OmegaError (InvalidArgument) naming the variable and
 * its value when an OTEL_* variable asks for something Omega does not build (another OTLP
 * protocol, exporter, sampler or propagator) or cannot be parsed.
 */
export function resolveTracingSettings(
  omega: OmegaTracingConfig,
  env: NodeJS.ProcessEnv,
): TracingSettings {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const disabled = value('OTEL_SDK_DISABLED');
  const enabled = disabled?.toLowerCase() !== 'true';

  const resource: Record<string, string> = { 'service.name': omega.serviceName };
  Object.assign(resource, parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', value));
  const serviceName = value('OTEL_SERVICE_NAME');
  if (serviceName) resource['service.name'] = serviceName;

  return {
    enabled,
    resource,
    export: resolveExport(omega, value),
    sampler: resolveSampler(omega, value),
    propagators: resolvePropagators(value),
    batch: resolveBatch(value),
  };
}

function resolveBatch(value: Lookup): BatchSettings {
  const batch: Record<string, number> = {};
  for (const [field, name] of Object.entries(BATCH_VARIABLES)) {
    const raw = value(name);
    if (raw === undefined) continue;
    const parsed = Number(raw);
    if (!Number.isSafeInteger(parsed) || parsed < 0) {
      throw invalid(name, raw, 'not a whole number', 'a whole number, 0 or more');
    }
    batch[field] = parsed;
  }
  return batch;
}

type Lookup = (name: string) => string | undefined;

function resolveExport(omega: OmegaTracingConfig, value: Lookup): TracingSettings['export'] {
  const exporters = value('OTEL_TRACES_EXPORTER');
  if (exporters !== undefined) {
    const names = exporters.split(',').map((name) => name.trim().toLowerCase());
    const other = names.find((name) => name !== 'otlp' && name !== 'none');
    if (other !== undefined) {
      throw invalid(
        'OTEL_TRACES_EXPORTER',
        exporters,
        `exporter '${other}' is not built in Omega`,
        "'otlp' or 'none'",
      );
    }
    if (names.includes('none') && !omega.endpoint) return undefined;
  }
  const protocolVariable = value('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(protocolVariable);
  if (protocol !== undefined && protocol !== SUPPORTED_OTLP_PROTOCOL) {
    throw invalid(
      protocolVariable,
      protocol,
      `OTLP protocol '${protocol}' is not built in Omega`,
      `'${SUPPORTED_OTLP_PROTOCOL}' (OTLP over HTTP, port 4318 on a collector)`,
    );
  }
  const headers = {
    ...parseKeyValueList('OTEL_EXPORTER_OTLP_HEADERS', value),
    ...parseKeyValueList('OTEL_EXPORTER_OTLP_TRACES_HEADERS', value),
  };
  // Omega's endpoint is a base URL; the traces-specific variable is the whole URL, used as given.
  let url: string | undefined;
  if (omega.endpoint) url = tracesUrl(omega.endpoint);
  else if (value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) {
    url = checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', value);
  } else if (value('OTEL_EXPORTER_OTLP_ENDPOINT')) {
    url = tracesUrl(checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', value));
  }
  return url === undefined ? undefined : { url, headers };
}

/** '<base>/v1/traces', the OTLP/HTTP traces path under a base URL. */
export function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function checkedUrl(name: string, value: Lookup): string {
  const raw = value(name) as string;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(name, raw, 'not a URL', 'an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(
      name,
      raw,
      `scheme '${url.protocol}' is not OTLP/HTTP`,
      'an http:// or https:// URL',
    );
  }
  return raw;
}

function resolveSampler(omega: OmegaTracingConfig, value: Lookup): TracingSettings['sampler'] {
  if (omega.sampleRatio !== undefined) {
    return { name: 'parentbased_traceidratio', ratio: omega.sampleRatio };
  }
  const raw = value('OTEL_TRACES_SAMPLER');
  const name = (raw ?? 'parentbased_always_on').toLowerCase();
  if (!(SUPPORTED_SAMPLERS as readonly string[]).includes(name)) {
    throw invalid(
      'OTEL_TRACES_SAMPLER',
      raw ?? '',
      `sampler '${name}' is not built in Omega`,
      SUPPORTED_SAMPLERS.join(', '),
    );
  }
  let ratio = 1;
  const arg = value('OTEL_TRACES_SAMPLER_ARG');
  if (name.endsWith('traceidratio') && arg !== undefined) {
    ratio = Number(arg);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
      throw invalid('OTEL_TRACES_SAMPLER_ARG', arg, 'not a ratio', 'a number from 0 to 1');
    }
  }
  return { name: name as SamplerName, ratio };
}

function resolvePropagators(value: Lookup): readonly PropagatorName[] {
  const raw = value('OTEL_PROPAGATORS');
  if (raw === undefined) return SUPPORTED_PROPAGATORS;
  const names = [...new Set(raw.split(',').map((name) => name.trim().toLowerCase()))];
  if (names.includes('none')) return [];
  for (const name of names) {
    if (!(SUPPORTED_PROPAGATORS as readonly string[]).includes(name)) {
      throw invalid(
        'OTEL_PROPAGATORS',
        raw,
        `propagator '${name}' is not built in Omega`,
        `${SUPPORTED_PROPAGATORS.join(', ')} or none`,
      );
    }
  }
  return names as PropagatorName[];
}

/**
 * `key1=value1,key2=value2` as the specification writes OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS: values percent-decoded, surrounding spaces trimmed.
 */
export function parseKeyValueList(name: string, value: Lookup): Record<string, string> {
  const raw = value(name);
  const pairs: Record<string, string> = {};
  if (raw === undefined) return pairs;
  // Headers carry credentials: their values never reach an error message (and so a log).
  const secret = name.includes('HEADERS');
  const shown = secret ? HIDDEN : raw;
  let offset = 0;
  for (const item of raw.split(',')) {
    const at = offset;
    offset += item.length + 1;
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (key === '') {
      const what = secret ? `the item at offset ${at}` : `item '${item.trim()}' at offset ${at}`;
      throw invalid(name, shown, `${what} has no key (key=value)`, 'key=value');
    }
    try {
      pairs[key] = decodeURIComponent(item.slice(eq + 1).trim());
    } catch {
      throw invalid(
        name,
        shown,
        `the value of '${key}' at offset ${at} is badly percent-encoded`,
        'percent-encoding (%XX) for special characters',
      );
    }
  }
  return pairs;
}

const HIDDEN = '<hidden>';

function invalid(name: string, raw: string, problem: string, supported: string): OmegaError {
  return new OmegaError(
    Code.InvalidArgument,
    `${name}=${raw === HIDDEN ? raw : JSON.stringify(raw)}: ${problem}; use ${supported}`,
  );
}
