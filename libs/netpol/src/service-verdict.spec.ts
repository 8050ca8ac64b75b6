// Connections to a Service: one explained verdict per backend pod, on the port the Service forwards
// to, a named targetPort resolved on each backend's own container ports.
import { clusterFromManifests } from './cluster';
import { CompiledCluster } from './compiled-policies';
import { evaluateServiceConnection } from './service-verdict';

const backend = (name: string, httpPort: number | undefined) => ({
  kind: 'Pod',
  metadata: { namespace: 'shop', name, labels: { app: 'api' } },
  spec: {
    containers: [
      { name: 'main', ports: httpPort ? [{ containerPort: httpPort, name: 'http' }] : [] },
    ],
  },
});

const compiled = new CompiledCluster(
  clusterFromManifests([
    { kind: 'Namespace', metadata: { name: 'shop' } },
    backend('api-1', 8080),
    backend('api-2', 9000),
    backend('api-3', undefined),
    {
      kind: 'Pod',
      metadata: { namespace: 'shop', name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'main' }] },
    },
    {
      kind: 'Service',
      metadata: { namespace: 'shop', name: 'api' },
      spec: {
        selector: { app: 'api' },
        ports: [
          { port: 80, targetPort: 'http' },
          { port: 81, targetPort: 8080 },
        ],
      },
    },
    {
      kind: 'NetworkPolicy',
      metadata: { namespace: 'shop', name: 'api-8080-only' },
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ ports: [{ port: 8080 }] }],
      },
    },
  ]),
);

describe('connections to a Service', () => {
  it('expands to the backends on their resolved target ports; a backend without the named port is no endpoint', () => {
    const verdict = evaluateServiceConnection(compiled, {
      from: { pod: 'shop/web' },
      service: 'shop/api',
      port: 80,
    });
    expect(verdict.backends.map((b) => [b.to, b.port, b.allowed])).toEqual([
      ['shop/api-1', 8080, true],
      ['shop/api-2', 9000, false],
    ]);
    expect(verdict.skipped).toEqual(['shop/api-3']);
    expect(verdict.allowed).toBe(true);
  });

  it('uses a numeric targetPort as is, for every selected pod', () => {
    const verdict = evaluateServiceConnection(compiled, {
      from: { pod: 'shop/web' },
      service: 'shop/api',
      port: 81,
    });
    expect(verdict.backends.map((b) => [b.to, b.port, b.allowed])).toEqual([
      ['shop/api-1', 8080, true],
      ['shop/api-2', 8080, true],
      ['shop/api-3', 8080, true],
    ]);
  });

  it('refuses a port the Service does not have, listing the ones it has', () => {
    expect(() =>
      evaluateServiceConnection(compiled, {
        from: { pod: 'shop/web' },
        service: 'shop/api',
        port: 443,
      }),
    ).toThrow('port: Service shop/api has no port TCP 443 (has TCP 80, TCP 81)');
  });
});
