// A real OpenTelemetry Collector for tests: tools/otelcol (the upstream collector with its OTLP
// receiver and the contrib file exporter), built once by scripts/otel-collector.mjs into
// ~/.cache/omega/otelcol-<version>-<hash>/, listening for OTLP/HTTP on a free loopback port and
// writing every span it receives to a file the test reads back.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';
import { ChildServer } from './child-server';
import { freePort } from './free-port';

/** The collector release tools/otelcol is pinned to; scripts/otel-collector.mjs says the same. */
export const OTELCOL_VERSION = 'v0.161.0';

/** Builds the collector into the cache this kit reads (run from the repo root). */
export const OTELCOL_BUILD_COMMAND = 'node scripts/otel-collector.mjs';

const TOOL_DIR = join(__dirname, '..', '..', '..', 'tools', 'otelcol');

/** One span as the collector wrote it, flattened with its resource's service.name. */
export interface CollectedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly serviceName: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
}

export interface OtelCollector {
  /** The OTLP/HTTP base URL, e.g. `http://127.0.0.1:43187` (spans go to …/v1/traces). */
  readonly endpoint: string;
  /** Every span the collector has written to its file so far. */
  spans(): Promise<CollectedSpan[]>;
  /** The last lines the collector logged. */
  logTail(lines?: number): string;
  /** Stops the collector (it flushes its file first) and removes the file. */
  stop(): Promise<void>;
}

/**
 * The collector binary: `$OTELCOL_BIN`, else the build of tools/otelcol in the cache. Throws an
 * OmegaError (FailedPrecondition) naming the command that builds it.
 */
export function otelCollectorBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['OTELCOL_BIN'];
  if (explicit && existsSync(explicit)) return explicit;
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum'])
    hash.update(readFileSync(join(TOOL_DIR, file)));
  const cached = join(
    env['OMEGA_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'omega'),
    `otelcol-${OTELCOL_VERSION}-${hash.digest('hex').slice(0, 12)}`,
    'otelcol',
  );
  if (existsSync(cached)) return cached;
  throw new OmegaError(
    Code.FailedPrecondition,
    `the OpenTelemetry Collector ${OTELCOL_VERSION} is not at ${cached}: build it with ` +
      `${OTELCOL_BUILD_COMMAND} (Go; ~3 min once) or npm run setup`,
  );
}

/** Starts the collector and resolves once its OTLP receiver is listening. */
export async function startOtelCollector(
  options: { readyTimeoutMs?: number } = {},
): Promise<OtelCollector> {
  const binary = otelCollectorBinary();
  const dir = await mkdtemp(join(tmpdir(), 'omega-otelcol-'));
  const spansFile = join(dir, 'spans.jsonl');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = join(dir, 'config.yaml');
    await writeFile(configFile, collectorConfig(port, spansFile));
    const server = new ChildServer('otelcol', binary, [`--config=file:${configFile}`]);
    server.start();
    try {
      await waitForReady(server, options.readyTimeoutMs ?? 30_000);
    } catch (err) {
      await server.stop();
      // Another process took the port between freePort() and the collector's bind.
      if (attempt < 3 && server.logTail().includes('address already in use')) continue;
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      endpoint: `http://127.0.0.1:${port}`,
      spans: () => readSpans(spansFile),
      logTail: (lines) => server.logTail(lines),
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

function collectorConfig(port: number, spansFile: string): string {
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    `        endpoint: 127.0.0.1:${port}`,
    'exporters:',
    '  file:',
    `    path: ${JSON.stringify(spansFile)}`,
    '    flush_interval: 100ms',
    'service:',
    '  telemetry:',
    '    metrics:',
    '      level: none',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    '      exporters: [file]',
    '',
  ].join('\n');
}

async function waitForReady(server: ChildServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.logTail(200).includes('Everything is ready')) {
    server.assertAlive();
    if (Date.now() > deadline) {
      throw new OmegaError(
        Code.DeadlineExceeded,
        `otelcol not ready within ${timeoutMs} ms; its log ends with:\n${server.logTail(20)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The file exporter writes one OTLP/JSON ExportTraceServiceRequest per line. */
async function readSpans(file: string): Promise<CollectedSpan[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const spans: CollectedSpan[] = [];
  for (const line of text.split('\n')) {
    // The last line may be half written while the collector flushes.
    let request: OtlpTraces;
    try {
      request = JSON.parse(line) as OtlpTraces;
    } catch {
      continue;
    }
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({
            traceId: span.traceId ?? '',
            spanId: span.spanId ?? '',
            parentSpanId: span.parentSpanId ?? '',
            name: span.name ?? '',
            kind: span.kind ?? 0,
            serviceName: String(resource['service.name'] ?? ''),
            attributes: attributesOf(span.attributes),
            resource,
          });
        }
      }
    }
  }
  return spans;
}

interface OtlpAttribute {
  key: string;
  value?: {
    stringValue?: string;
    intValue?: string | number;
    doubleValue?: number;
    boolValue?: boolean;
  };
}
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        kind?: number;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

function attributesOf(
  list: OtlpAttribute[] | undefined,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value?.stringValue !== undefined) out[key] = value.stringValue;
    else if (value?.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value?.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value?.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}
