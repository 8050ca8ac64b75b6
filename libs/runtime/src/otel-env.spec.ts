import { OmegaError } from './errors';
import { parseKeyValueList, resolveTracingSettings, tracesUrl } from './otel-env';

const omega = { serviceName: 'gateway' };

describe('resolveTracingSettings', () => {
  it('without any setting: enabled, named by Omega, not exported, parent-based always on, W3C trace context and baggage', () => {
    expect(resolveTracingSettings(omega, {})).toEqual({
      enabled: true,
      resource: { 'service.name': 'gateway' },
      export: undefined,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      propagators: ['tracecontext', 'baggage'],
      batch: {},
    });
  });

  it('passes the OTEL_BSP_* batch settings on and refuses ones that are not whole numbers', () => {
    expect(
      resolveTracingSettings(omega, {
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
      }).batch,
    ).toEqual({ scheduledDelayMillis: 200, maxExportBatchSize: 64 });
    expect(() => resolveTracingSettings(omega, { OTEL_BSP_MAX_QUEUE_SIZE: '-1' })).toThrow(
      'OTEL_BSP_MAX_QUEUE_SIZE="-1": not a whole number; use a whole number, 0 or more',
    );
  });

  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, and to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', () => {
    expect(
      resolveTracingSettings(omega, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })
        .export,
    ).toEqual({ url: 'http://collector:4318/v1/traces', headers: {} });
    // The specification: a signal-specific endpoint is used as is, with no path appended.
    expect(
      resolveTracingSettings(omega, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example:443/custom/path',
      }).export?.url,
    ).toBe('https://traces.example:443/custom/path');
  });

  it("lets Omega's own otel.endpoint and otel.sampleRatio win over OTEL_*", () => {
    const settings = resolveTracingSettings(
      { serviceName: 'trust', endpoint: 'http://omega-collector:4318', sampleRatio: 0.25 },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    );
    expect(settings.export?.url).toBe('http://omega-collector:4318/v1/traces');
    expect(settings.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
  });

  it('names the service by OTEL_SERVICE_NAME, over service.name in OTEL_RESOURCE_ATTRIBUTES, over Omega', () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes,deployment.environment.name=prod',
    };
    expect(resolveTracingSettings(omega, env).resource).toEqual({
      'service.name': 'from-attributes',
      'deployment.environment.name': 'prod',
    });
    expect(
      resolveTracingSettings(omega, { ...env, OTEL_SERVICE_NAME: 'edge-gateway' }).resource[
        'service.name'
      ],
    ).toBe('edge-gateway');
  });

  it('reads exporter headers, the traces-specific ones winning, percent-decoded', () => {
    const settings = resolveTracingSettings(omega, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=key%20one,tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'tenant=b',
    });
    expect(settings.export?.headers).toEqual({ 'api-key': 'key one', tenant: 'b' });
  });

  it('builds every sampler of the specification but jaeger_remote and xray, with OTEL_TRACES_SAMPLER_ARG as the ratio', () => {
    expect(
      resolveTracingSettings(omega, {
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      }).sampler,
    ).toEqual({ name: 'traceidratio', ratio: 0.1 });
    expect(
      resolveTracingSettings(omega, { OTEL_TRACES_SAMPLER: 'parentbased_always_off' }).sampler,
    ).toEqual({ name: 'parentbased_always_off', ratio: 1 });
    expect(() => resolveTracingSettings(omega, { OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(
      'OTEL_TRACES_SAMPLER="jaeger_remote": sampler \'jaeger_remote\' is not built in Omega; use always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
    );
    expect(() =>
      resolveTracingSettings(omega, {
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
      }),
    ).toThrow('OTEL_TRACES_SAMPLER_ARG="1.5": not a ratio; use a number from 0 to 1');
  });

  it('accepts http/protobuf and refuses the other OTLP protocols by name', () => {
    expect(
      resolveTracingSettings(omega, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      }).export?.url,
    ).toBe('http://collector:4318/v1/traces');
    for (const protocol of ['grpc', 'http/json']) {
      let thrown: unknown;
      try {
        resolveTracingSettings(omega, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(OmegaError);
      expect((thrown as OmegaError).message).toBe(
        `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="${protocol}": OTLP protocol '${protocol}' is not built in Omega; use 'http/protobuf' (OTLP over HTTP, port 4318 on a collector)`,
      );
    }
  });

  it('turns export off with OTEL_TRACES_EXPORTER=none and refuses exporters it does not build', () => {
    expect(
      resolveTracingSettings(omega, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_TRACES_EXPORTER: 'none',
      }).export,
    ).toBeUndefined();
    expect(() => resolveTracingSettings(omega, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      "OTEL_TRACES_EXPORTER=\"zipkin\": exporter 'zipkin' is not built in Omega; use 'otlp' or 'none'",
    );
  });

  it('takes OTEL_PROPAGATORS in its order, none as no propagation, and refuses b3 by name', () => {
    expect(
      resolveTracingSettings(omega, { OTEL_PROPAGATORS: 'baggage, tracecontext' }).propagators,
    ).toEqual(['baggage', 'tracecontext']);
    expect(resolveTracingSettings(omega, { OTEL_PROPAGATORS: 'none' }).propagators).toEqual([]);
    expect(() => resolveTracingSettings(omega, { OTEL_PROPAGATORS: 'tracecontext,b3' })).toThrow(
      'OTEL_PROPAGATORS="tracecontext,b3": propagator \'b3\' is not built in Omega; use tracecontext, baggage or none',
    );
  });

  it('is disabled by OTEL_SDK_DISABLED=true only', () => {
    expect(resolveTracingSettings(omega, { OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(resolveTracingSettings(omega, { OTEL_SDK_DISABLED: 'TRUE' }).enabled).toBe(false);
    expect(resolveTracingSettings(omega, { OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() =>
      resolveTracingSettings(omega, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }),
    ).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4317": scheme \'collector:\' is not OTLP/HTTP; use an http:// or https:// URL',
    );
  });
});

describe('parseKeyValueList', () => {
  const from = (env: Record<string, string>) => (name: string) => env[name];

  it('reads the specification’s example with percent-encoded values', () => {
    // From the OpenTelemetry specification's resource SDK section.
    expect(
      parseKeyValueList(
        'OTEL_RESOURCE_ATTRIBUTES',
        from({ OTEL_RESOURCE_ATTRIBUTES: 'key1=val1,key2=val2%2Cwith%2Ccommas' }),
      ),
    ).toEqual({ key1: 'val1', key2: 'val2,with,commas' });
  });

  it('names the offset of an item without a key, and never shows a header value', () => {
    expect(() =>
      parseKeyValueList(
        'OTEL_RESOURCE_ATTRIBUTES',
        from({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,novalue' }),
      ),
    ).toThrow(
      'OTEL_RESOURCE_ATTRIBUTES="a=1,novalue": item \'novalue\' at offset 4 has no key (key=value); use key=value',
    );
    let message = '';
    try {
      parseKeyValueList(
        'OTEL_EXPORTER_OTLP_HEADERS',
        from({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%zzsecret' }),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      "OTEL_EXPORTER_OTLP_HEADERS=<hidden>: the value of 'authorization' at offset 0 is badly percent-encoded; use percent-encoding (%XX) for special characters",
    );
    expect(message).not.toContain('secret');
  });
});

describe('tracesUrl', () => {
  it('appends the OTLP/HTTP traces path once', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318//')).toBe('http://collector:4318/v1/traces');
  });
});
