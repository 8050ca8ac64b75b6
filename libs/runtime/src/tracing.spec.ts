import * as grpc from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runFixture } from './fixtures/child-process';
import { EchoClient, callUnary, echoDefinition } from './fixtures/echo-service';
import { bindGrpcServer, unimplementedService } from './grpc-server';
import {
  grpcClientTracingInterceptor,
  grpcServerTracingInterceptor,
  metadataCarrier,
} from './grpc-tracing';
import { extractTraceContext, injectTraceContext } from './trace-context';
import { startTracing, type Tracing } from './tracing';

interface SeenByHandler {
  traceId: string | undefined;
  spanId: string | undefined;
  traceparent: unknown;
}

describe('trace context over gRPC', () => {
  let tracing: Tracing;
  const server = new grpc.Server({ interceptors: [grpcServerTracingInterceptor] });
  let client: grpc.Client;
  const seen: { value?: SeenByHandler } = {};

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'tracing-spec' });
    server.addService(echoDefinition, {
      ...unimplementedService(echoDefinition),
      echo: (
        call: grpc.ServerUnaryCall<unknown, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        // Read after an await: the handler's async continuations keep the call's context.
        void Promise.resolve().then(() => {
          const spanContext = trace.getActiveSpan()?.spanContext();
          seen.value = {
            traceId: spanContext?.traceId,
            spanId: spanContext?.spanId,
            traceparent: call.metadata.get('traceparent')[0],
          };
          callback(null, call.request);
        });
      },
    });
    const port = await bindGrpcServer(server, '127.0.0.1', 0);
    client = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      interceptors: [grpcClientTracingInterceptor],
    });
  });
  afterAll(async () => {
    client.close();
    server.forceShutdown();
    await tracing.shutdown();
  });

  it('carries the caller trace id into the server handler through the interceptors', async () => {
    const caller = tracing.tracer.startSpan('caller');
    await context.with(trace.setSpan(context.active(), caller), () =>
      callUnary(client, 'echo', { text: 'hi' }),
    );
    caller.end();

    const { traceId } = caller.spanContext();
    expect(seen.value?.traceId).toBe(traceId);
    // The handler runs in its own server span, a child of the client span the interceptor started.
    expect(seen.value?.spanId).not.toBe(caller.spanContext().spanId);
    expect(seen.value?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('starts a new trace for a call made outside any span', async () => {
    seen.value = undefined as SeenByHandler | undefined; // the handler sets it again
    await callUnary(client, 'echo', { text: 'hi' });
    expect(seen.value?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.value?.traceId).not.toMatch(/^0+$/);
  });

  it('reads and writes W3C headers through gRPC metadata', () => {
    const span = tracing.tracer.startSpan('metadata');
    const metadata = new grpc.Metadata();
    injectTraceContext(metadataCarrier(metadata), trace.setSpan(context.active(), span));
    span.end();
    expect(metadata.get('traceparent')[0]).toContain(span.spanContext().traceId);
    const extracted = extractTraceContext(metadataCarrier(metadata));
    expect(trace.getSpanContext(extracted)?.traceId).toBe(span.spanContext().traceId);
  });
});

describe('span export', () => {
  it('posts spans as OTLP protobuf to <endpoint>/v1/traces when an endpoint is set', async () => {
    const received: { path: string | undefined; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      // The exporter imports node:http dynamically, which jest's sandbox cannot do: run it for real.
      const child = runFixture('export-spans.ts', { EXPORT_ENDPOINT: `http://127.0.0.1:${port}/` });
      const exported = await child.waitForLog('exported');
      expect(exported['exportUrl']).toBe(`http://127.0.0.1:${port}/v1/traces`);
      expect((await child.exited).code).toBe(0);
    } finally {
      collector.close();
      collector.closeAllConnections();
    }

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    expect(request?.body.includes('omega-export-check')).toBe(true);
    expect(request?.body.includes('export-fixture')).toBe(true);
  });

  it('posts to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT with OTEL_EXPORTER_OTLP_HEADERS and OTEL_SERVICE_NAME when Omega sets no endpoint', async () => {
    const received: { path: string | undefined; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const child = runFixture('export-spans.ts', {
        EXPORT_ENDPOINT: '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/custom/traces`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-omega-tenant=blue%20team',
        OTEL_SERVICE_NAME: 'renamed-by-env',
      });
      await child.waitForLog('exported');
      expect((await child.exited).code).toBe(0);
    } finally {
      collector.close();
      collector.closeAllConnections();
    }

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.path).toBe('/custom/traces');
    expect(request?.headers['x-omega-tenant']).toBe('blue team');
    expect(request?.body.includes('renamed-by-env')).toBe(true);
    expect(request?.body.includes('export-fixture')).toBe(false);
  });

  it('refuses to start when OTEL_EXPORTER_OTLP_PROTOCOL names a protocol Omega does not build', () => {
    expect(() =>
      startTracing({ serviceName: 'refused', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }),
    ).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL="grpc": OTLP protocol \'grpc\' is not built in Omega');
  });
});
