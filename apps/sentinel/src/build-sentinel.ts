// Builds the sentinel's parts once the bus is up: loader (eBPF mode), telemetry publisher,
// policy watch, and the gRPC handlers it has so far.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Bus } from '@omega/bus';
import type { ServiceIdentity } from '@omega/service';
import { SentinelServiceService } from '@omega/proto';
import { baseConfigSchema, errorMessage, unimplementedService, type Service } from '@omega/runtime';
import { batchSigning, type BatchSigning } from './batch-signing-key';
import { frameRouter } from './frame-router';
import type { StatsFrame } from './loader-frames';
import { LoaderSupervisor } from './loader-supervisor';
import { watchPolicy } from './policy-watch';
import { nodeName, resolveMode, sentinelConfigSchema } from './sentinel-config';
import { sentinelMetrics } from './sentinel-metrics';
import { TelemetryPublisher } from './telemetry-publisher';

export const sentinelServiceConfigSchema = baseConfigSchema.extend({
  sentinel: sentinelConfigSchema,
});
export type SentinelServiceConfig = z.output<typeof sentinelServiceConfigSchema>;

export interface SentinelParts {
  mode: 'ebpf' | 'off';
  node: string;
  loader?: LoaderSupervisor;
  publisher: TelemetryPublisher;
  signing: BatchSigning;
  /** The loader's latest STATS frame (every second), once there is one. */
  latestStats(): StatsFrame | undefined;
}

export async function buildSentinel({
  service,
  bus,
  identity,
}: {
  service: Service<SentinelServiceConfig>;
  bus: Bus;
  /** The identity trust issued; batches are signed with a local key without one. */
  identity?: ServiceIdentity | undefined;
}): Promise<SentinelParts> {
  const config = service.config.sentinel;
  const logger = service.logger;
  const node = nodeName(config);
  const { mode, reason } = resolveMode(config);
  logger.info({ mode, node }, `sentinel runs in ${mode} mode: ${reason}`);
  const metrics = sentinelMetrics(service.metrics);
  const signing = await batchSigning({
    identity,
    dataDir: config.dataDir,
    localSenderId: `omega://local/sentinel/${node}`,
    logger,
  });
  const publisher = new TelemetryPublisher({
    bus,
    node,
    signing,
    sessionId: randomUUID(),
    logger,
    metrics,
    maxBatchEvents: config.maxBatchEvents,
    flushIntervalMs: config.flushIntervalMs,
    maxBufferedEvents: config.maxBufferedEvents,
  });
  service.onShutdown('telemetry publisher', () => publisher.close());
  service.addGrpcService(SentinelServiceService, unimplementedService(SentinelServiceService));
  let stats: StatsFrame | undefined;
  const latestStats = (): StatsFrame | undefined => stats;
  if (mode === 'off') return { mode, node, publisher, signing, latestStats };

  const onFrame = frameRouter({
    node,
    publisher,
    metrics,
    flowActiveTimeoutMs: config.flows.activeTimeoutMs,
    onStats: (frame) => (stats = frame),
  });
  const { stealth, flows } = config;
  const loader = new LoaderSupervisor({
    loaderPath: config.loaderPath,
    logger,
    onFrame,
    xdp: config.xdp,
    flowInterfaces: flows.interfaces,
    setupCommands: [
      `flow-timing ${flows.drainIntervalMs} ${flows.idleTimeoutMs}`,
      `stealth-rate ${stealth.ratePerSecond} ${stealth.burst} ${stealth.sessionIdleMs}`,
      ...stealth.allow.map((cidr) => `stealth-allow add ${cidr}`),
      ...stealth.ports.map((port) => `stealth-port add ${port}`),
    ],
  });
  try {
    await loader.start();
  } catch (err) {
    if (config.mode === 'ebpf') throw err;
    // auto: a node without working eBPF still serves (replay, RPCs), and says why
    logger.error({ err }, `sentinel falls back to off mode: ${errorMessage(err)}`);
    return { mode: 'off', node, publisher, signing, latestStats };
  }
  service.onShutdown('eBPF loader', () => loader.stop());
  const policy = await watchPolicy(await bus.kv('omega_policy'), node, loader, logger);
  service.onShutdown('policy watch', async () => policy.stop());
  await policy.initialized;
  return { mode, node, loader, publisher, signing, latestStats };
}
