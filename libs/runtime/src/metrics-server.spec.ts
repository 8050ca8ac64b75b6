import { Counter, Registry } from 'prom-client';
import { MetricsServer } from './metrics-server';
import { Readiness } from './readiness';

describe('MetricsServer', () => {
  const registry = new Registry();
  const readiness = new Readiness();
  const server = new MetricsServer({ registry, readiness });
  let base: string;

  beforeAll(async () => {
    new Counter({ name: 'omega_test_things_total', help: 'things', registers: [registry] }).inc(3);
    const port = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.close());

  it('serves the registry in the Prometheus text format on GET /metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toContain('omega_test_things_total 3');
  });

  it('answers /healthz with 200 while the process runs, whatever readiness says', async () => {
    readiness.set('bus', false, 'connecting');
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    readiness.set('bus', true);
  });

  it('answers /readyz with 200 only when every component is ready, else 503 naming the ones that are not', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    readiness.set('bus', false, 'connecting to NATS');
    readiness.set('parts', false);
    readiness.set('store', true);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      ready: false,
      notReady: [{ component: 'bus', detail: 'connecting to NATS' }, { component: 'parts' }],
    });

    readiness.set('bus', true);
    readiness.set('parts', true);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
