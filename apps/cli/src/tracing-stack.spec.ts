// One trace across gRPC and NATS hops, found in a real OpenTelemetry Collector: `omega replay` run
// as its own process with OTEL_EXPORTER_OTLP_ENDPOINT set starts it; the gateway forwards the call
// to the sentinel, whose ReplayPcap publishes the capture's events on the bus; intelligence's
// consumer handles those messages. Every service is configured with the standard OTEL_* variables.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ServiceName } from '@omega/service';
import {
  eventually,
  startOtelCollector,
  type CollectedSpan,
  type OtelCollector,
} from '@omega/testkit';
import { startSpecStack, REPO_ROOT, type SpecStack } from './testing/spec-stack';

const SERVICES: ServiceName[] = ['trust', 'intelligence', 'sentinel', 'gateway'];
const CAPTURE = join(REPO_ROOT, 'test-corpus', 'demo', 'capture.pcap');
const CLI_MAIN = join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js');
const REPLAY_METHOD = 'omega.v1.SentinelService/ReplayPcap';

/** OTLP's SpanKind values as the collector writes them. */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

let collector: OtelCollector;
let running: SpecStack;

beforeAll(async () => {
  collector = await startOtelCollector();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=tracing-spec',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  running = await startSpecStack(SERVICES, {
    prefix: 'omega-tracing-',
    serviceEnv: { trust: otel, intelligence: otel, sentinel: otel, gateway: otel },
  });
}, 240_000);

afterAll(async () => {
  await running?.stop();
  await collector?.stop();
});

/** `omega <args>` as a separate process (its own tracing), against the stack's gateway. */
function omegaProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string; said: string[] }> {
  const address = `127.0.0.1:${running.stack.portsOf('gateway').grpcPort}`;
  const child = spawn(
    process.execPath,
    [CLI_MAIN, ...args, '--address', address, '--data-dir', running.dataDir],
    {
      env: {
        ...process.env,
        OMEGA_CONFIG: join(running.dataDir, 'no-such-config'),
        OMEGA_TOKEN: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code: code ?? -1, out, said: saidByOmega(err) })),
  );
}

/** The CLI's own stderr lines (`omega: …`), without Node's runtime warnings. */
function saidByOmega(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('omega:'));
}

function only(
  spans: CollectedSpan[],
  what: string,
  match: (span: CollectedSpan) => boolean,
): CollectedSpan {
  const found = spans.filter(match);
  if (found.length !== 1) {
    throw new Error(`expected one ${what}, found ${found.length}: ${listSpans(spans)}`);
  }
  return found[0] as CollectedSpan;
}

function listSpans(spans: CollectedSpan[]): string {
  return spans.map((s) => `${s.serviceName}:${s.kind}:${s.name}`).join(', ');
}

describe('a trace started by the CLI', () => {
  it('spans the CLI, the gateway, the sentinel and the NATS consumer that handled its events', async () => {
    const replay = await omegaProcess(['replay', CAPTURE, '-o', 'json'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    expect(replay).toMatchObject({ code: 0, said: [] });
    const replayed = JSON.parse(replay.out) as { batchesEmitted: string };
    expect(Number(replayed.batchesEmitted)).toBeGreaterThan(0);

    // The CLI flushed before exiting; the collector writes its file every 100 ms.
    const root = await eventually(
      "the CLI's root span in the collector",
      async () =>
        (await collector.spans()).find(
          (s) => s.name === 'omega replay' && s.serviceName === 'omega-cli',
        ),
      10_000,
      100,
    );
    expect(root.parentSpanId).toBe('');
    const trace = await eventually(
      'the trace through gateway, sentinel and the telemetry consumer in the collector',
      async () => {
        const spans = (await collector.spans()).filter((s) => s.traceId === root.traceId);
        // Each process exports on its own schedule: wait until every hop's span is in.
        const hops = [
          (s: CollectedSpan) => s.kind === SERVER && s.serviceName === 'gateway',
          (s: CollectedSpan) => s.kind === SERVER && s.serviceName === 'sentinel',
          (s: CollectedSpan) => s.kind === CONSUMER && s.serviceName === 'intelligence',
        ];
        return hops.every((hop) => spans.some(hop)) ? spans : undefined;
      },
      60_000,
      200,
    );

    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const cliCall = only(
      trace,
      "the CLI's call",
      (s) => s.kind === CLIENT && s.serviceName === 'omega-cli',
    );
    expect(cliCall).toMatchObject({ name: REPLAY_METHOD, parentSpanId: root.spanId });

    const gatewayServer = only(
      trace,
      "the gateway's server span",
      (s) => s.kind === SERVER && s.serviceName === 'gateway',
    );
    expect(gatewayServer).toMatchObject({ name: REPLAY_METHOD, parentSpanId: cliCall.spanId });
    expect(gatewayServer.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.grpc.status_code': 0,
    });
    expect(gatewayServer.resource).toMatchObject({ 'deployment.environment.name': 'tracing-spec' });

    const forwarded = only(
      trace,
      "the gateway's call to the sentinel",
      (s) => s.kind === CLIENT && s.serviceName === 'gateway' && s.name === REPLAY_METHOD,
    );
    expect(forwarded.parentSpanId).toBe(gatewayServer.spanId);

    const sentinelServer = only(
      trace,
      "the sentinel's server span",
      (s) => s.kind === SERVER && s.serviceName === 'sentinel',
    );
    expect(sentinelServer).toMatchObject({ name: REPLAY_METHOD, parentSpanId: forwarded.spanId });

    const publishes = trace.filter((s) => s.kind === PRODUCER && s.serviceName === 'sentinel');
    expect(publishes.length).toBeGreaterThan(0);
    for (const publish of publishes) {
      expect(publish.parentSpanId).toBe(sentinelServer.spanId);
      expect(publish.attributes).toMatchObject({
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
      });
      const subject = publish.attributes['messaging.destination.name'];
      expect(subject).toMatch(/^omega\.telemetry\./);
      expect(publish.name).toBe(`publish ${String(subject)}`);
    }

    const consumed = trace.filter((s) => s.kind === CONSUMER && s.serviceName === 'intelligence');
    for (const consumer of consumed) {
      const publish = byId.get(consumer.parentSpanId);
      expect(publish?.kind).toBe(PRODUCER);
      expect(consumer.attributes).toMatchObject({
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': publish?.attributes['messaging.destination.name'],
        'messaging.consumer.group.name': expect.stringMatching(/^intelligence/),
        'omega.bus.outcome': 'ack',
      });
      expect(consumer.name).toBe(
        `process ${String(publish?.attributes['messaging.destination.name'])}`,
      );
    }
  }, 120_000);

  it('runs untraced, and says so, when OTEL_EXPORTER_OTLP_PROTOCOL asks for a protocol Omega does not build', async () => {
    const run = await omegaProcess(['rules', 'list', '-o', 'json'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(run.code).toBe(0);
    expect(run.said).toEqual([
      'omega: tracing off: OTEL_EXPORTER_OTLP_PROTOCOL="grpc": OTLP protocol \'grpc\' is not built in Omega; ' +
        "use 'http/protobuf' (OTLP over HTTP, port 4318 on a collector)",
    ]);
  }, 60_000);
});
