// How an output delivers, against a real HTTP receiver: retries with backoff until accepted, no
// retry of a refusal, drop-oldest when the queue is full, a broken output never holding up another
// or the ALERTS consumer, and a token from a file sent but never logged.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Bus } from '@omega/bus';
import { eventually, freePort, withNats } from '@omega/testkit';
import pino from 'pino';
import { Registry } from 'prom-client';
import { startHttpReceiver, type HttpReceiver } from '../testing/http-receiver';
import {
  alertsBus,
  metricValue,
  outputsOf,
  publishAlerts,
  sampleAlert,
  silentLogger,
  startOutputs,
} from '../testing/output-alerts';
import { outputMetrics } from './output-metrics';
import { OutputQueue } from './output-queue';
import { OUTPUTS_DURABLE } from './alert-outputs';
import { sinkFor } from './output-sinks';

const nats = withNats({ jetstream: true });
let bus: Bus;
const receivers: HttpReceiver[] = [];
beforeAll(async () => {
  bus = await alertsBus(nats.url, 'output-queue-spec');
});
nats.beforeStop(async () => {
  for (const receiver of receivers) await receiver.close();
  await bus.drain();
});
async function receiver(): Promise<HttpReceiver> {
  const started = await startHttpReceiver();
  receivers.push(started);
  return started;
}
const alertId = (n: number): string => `01938a5e-0000-7000-8000-${String(n).padStart(12, '0')}`;
const fast = { initialBackoffMs: 1, maxBackoffMs: 4 };
const sent = (r: HttpReceiver): string[] =>
  r.requests.map((q) => (JSON.parse(q.body) as { uuid: string }).uuid);

it('retries a failed send with backoff until the destination accepts it', async () => {
  const target = await receiver();
  target.answers = [503, 500, 429];
  const registry = new Registry();
  const [config] = outputsOf([{ name: 'flaky', type: 'falcosidekick', url: target.url, ...fast }]);
  const queue = new OutputQueue({
    sink: sinkFor(config!),
    type: 'falcosidekick',
    policy: config!,
    metrics: outputMetrics(registry),
    logger: silentLogger,
  });
  queue.start();
  queue.offer(sampleAlert({ id: alertId(1) }));
  await eventually('the fourth attempt', () => (target.requests.length >= 4 ? true : undefined));
  await queue.stop();
  expect(sent(target)).toEqual([alertId(1), alertId(1), alertId(1), alertId(1)]);
  expect(target.requests.map((r) => r.headers['idempotency-key'])).toEqual(
    Array(4).fill(`alert:${alertId(1)}`),
  );
  expect(
    await metricValue(registry, 'omega_intelligence_output_failed_total', { output: 'flaky' }),
  ).toBe(3);
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'flaky' }),
  ).toBe(1);
});

it('does not retry an answer the destination would repeat, and gives up after maxAttempts', async () => {
  const target = await receiver();
  target.answers = [400, 503, 503];
  const registry = new Registry();
  const [config] = outputsOf([
    { name: 'strict', type: 'falcosidekick', url: target.url, maxAttempts: 2, ...fast },
  ]);
  const queue = new OutputQueue({
    sink: sinkFor(config!),
    type: 'falcosidekick',
    policy: config!,
    metrics: outputMetrics(registry),
    logger: silentLogger,
  });
  queue.start();
  queue.offer(sampleAlert({ id: alertId(2) }));
  queue.offer(sampleAlert({ id: alertId(3) }));
  const drops = async (reason: string): Promise<number> =>
    metricValue(registry, 'omega_intelligence_output_dropped_total', { output: 'strict', reason });
  await eventually('both dropped', async () =>
    (await drops('rejected')) + (await drops('retries_exhausted')) === 2 ? true : undefined,
  );
  await queue.stop();
  expect(sent(target)).toEqual([alertId(2), alertId(3), alertId(3)]);
  expect(await drops('rejected')).toBe(1);
  expect(await drops('retries_exhausted')).toBe(1);
  expect(
    await metricValue(registry, 'omega_intelligence_output_failed_total', { output: 'strict' }),
  ).toBe(3);
});

it('drops the oldest waiting alerts when the queue is full, and counts them', async () => {
  const target = await receiver();
  target.answers = ['hang'];
  const registry = new Registry();
  const [config] = outputsOf([
    { name: 'small', type: 'falcosidekick', url: target.url, maxQueued: 2, timeoutMs: 60_000 },
  ]);
  const queue = new OutputQueue({
    sink: sinkFor(config!),
    type: 'falcosidekick',
    policy: config!,
    metrics: outputMetrics(registry),
    logger: silentLogger,
  });
  queue.start();
  queue.offer(sampleAlert({ id: alertId(10) }));
  // The first alert is being sent (the receiver holds the request) before the rest arrive.
  await eventually('the first request', () => (target.requests.length === 1 ? true : undefined));
  for (const n of [11, 12, 13, 14]) queue.offer(sampleAlert({ id: alertId(n) }));
  expect(queue.length).toBe(2);
  target.release();
  await eventually('three delivered', () => (target.requests.length >= 3 ? true : undefined));
  await queue.stop();
  expect(sent(target)).toEqual([alertId(10), alertId(13), alertId(14)]);
  expect(
    await metricValue(registry, 'omega_intelligence_output_dropped_total', {
      output: 'small',
      reason: 'queue_full',
    }),
  ).toBe(2);
});

it('keeps the ALERTS consumer and the other outputs going while one destination is down', async () => {
  const working = await receiver();
  const down = `http://127.0.0.1:${await freePort()}/`;
  const { outputs, registry } = await startOutputs(bus, [
    { name: 'down', type: 'falcosidekick', url: down, maxAttempts: 1000, maxQueued: 3, ...fast },
    { name: 'up', type: 'falcosidekick', url: working.url },
  ]);
  const ids = [20, 21, 22, 23, 24, 25].map(alertId);
  await publishAlerts(
    bus,
    ids.map((id) => sampleAlert({ id })),
  );
  await eventually('six delivered to the working output', () =>
    working.requests.length >= 6 ? true : undefined,
  );
  expect(sent(working)).toEqual(ids);
  // Every alert was acknowledged on ALERTS although one output has delivered nothing.
  const info = await eventually('the consumer caught up', async () => {
    const consumer = await bus.jsm.consumers.info('ALERTS', OUTPUTS_DURABLE);
    return consumer.num_ack_pending === 0 && consumer.num_pending === 0 ? consumer : undefined;
  });
  expect(info.num_redelivered).toBe(0);
  expect(
    await metricValue(registry, 'omega_intelligence_output_sent_total', { output: 'down' }),
  ).toBe(0);
  await outputs.stop(10);
  // Its queue holds 3 besides the one in flight: at least 2 of the 6 were dropped for room, and
  // what it still held at shutdown is counted too. Nothing is lost silently.
  const dropped = async (reason: string): Promise<number> =>
    metricValue(registry, 'omega_intelligence_output_dropped_total', { output: 'down', reason });
  expect(await dropped('queue_full')).toBeGreaterThanOrEqual(2);
  expect((await dropped('queue_full')) + (await dropped('shutdown'))).toBe(6);
});

it('sends the token from a file as a bearer token and never logs it', async () => {
  const target = await receiver();
  target.answers = [401];
  const dir = await mkdtemp(join(tmpdir(), 'omega-output-token-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 's3cr3t-t0ken-value\n');
  let logged = '';
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString('utf8');
        done();
      },
    }),
  );
  const registry = new Registry();
  const [config] = outputsOf([
    { name: 'siem', type: 'falcosidekick', url: target.url, tokenFile, ...fast },
  ]);
  const queue = new OutputQueue({
    sink: sinkFor(config!),
    type: 'falcosidekick',
    policy: config!,
    metrics: outputMetrics(registry),
    logger,
  });
  queue.start();
  queue.offer(sampleAlert({ id: alertId(30) }));
  await eventually('the retry after 401', () => (target.requests.length >= 2 ? true : undefined));
  await queue.stop();
  await rm(dir, { recursive: true });
  expect(target.requests.map((r) => r.headers['authorization'])).toEqual(
    Array(2).fill('Bearer s3cr3t-t0ken-value'),
  );
  expect(logged).toContain('HTTP 401');
  expect(logged).not.toContain('s3cr3t');
});

it('reads only the start of a huge error answer, quoting 200 characters of it', async () => {
  const target = await receiver();
  target.answers = ['huge'];
  const [config] = outputsOf([{ name: 'big', type: 'falcosidekick', url: target.url }]);
  const sink = sinkFor(config!);
  const failure = await sink.send(sampleAlert(), AbortSignal.timeout(30_000)).then(
    () => undefined,
    (err: Error) => err,
  );
  await sink.close();
  expect(failure?.message).toBe(`output big (${target.url}): HTTP 500: ${'x'.repeat(200)}`);
});

it('refuses configurations that would leak or cannot be bounded', () => {
  const bad = (output: Record<string, unknown>): string => {
    try {
      outputsOf([output]);
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };
  expect(bad({ name: 'a', type: 'falcosidekick', url: 'http://user:pw@host/' })).toContain(
    'credentials in the URL',
  );
  expect(bad({ name: 'a', type: 'ocsf-webhook', url: 'file:///etc/passwd' })).toContain(
    'scheme file:',
  );
  expect(bad({ name: 'a', type: 'falcosidekick', url: `http://h/${'x'.repeat(2100)}` })).toContain(
    '2048',
  );
  expect(
    bad({ name: 'a', type: 'alertmanager', url: 'http://h', tokenEnv: 'OMEGA_TOKEN' }),
  ).toContain('OMEGA_* variables are settings');
  expect(bad({ name: 'Bad Name', type: 'stdout' })).toContain('DNS label');
  expect(bad({ name: 'a', type: 'stdout', maxQueued: 0 })).not.toBe('accepted');
});
