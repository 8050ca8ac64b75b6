// Builds the sentinel's parts once the bus is up: batch signing, telemetry publisher, loader (eBPF
// mode), policy watch, and the SentinelService handlers.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { z } from 'zod';
import type { Bus, ResourceSelection } from '@omega/bus';
import { SentinelServiceService, type Event } from '@omega/proto';
import {
  baseConfigSchema,
  errorMessage,
  implementService,
  type Logger,
  type Service,
} from '@omega/runtime';
import type { ServiceIdentity } from '@omega/service';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import { batchSigning, type BatchSigning } from './events/batch-signing-key';
import { CgroupDirectory } from './kubernetes/cgroup-directory';
import { frameRouter, newFrameCounts } from './events/frame-router';
import type { StatsFrame } from './wire/loader-frames';
import { LoaderSupervisor } from './wire/loader-supervisor';
import { PodIndex } from './kubernetes/pod-index';
import { watchNodePods, type PodWatch } from './kubernetes/pod-watch';
import { watchPolicy } from './policy/policy-watch';
import { watchFiles, type FileWatchSet } from './policy/file-watch';
import { resolvedPath, watchedPrefixes } from './policy/watched-paths';
import { IntegrityMonitor } from './integrity/integrity-monitor';
import { integrityEvent } from './integrity/integrity-events';
import { TokenUsePublisher } from './events/token-use-publisher';
import {
  nodeName,
  resolveMode,
  sentinelConfigSchema,
  type SentinelConfig,
} from './sentinel-config';
import type { BlockRpcDeps } from './rpc/block-rpcs';
import { sentinelGrpcHandlers } from './sentinel-grpc';
import type { ModuleRpcDeps } from './modules/module-rpcs';
import { watchModuleDeployments } from './modules/module-deployment-watch';
import { sentinelModules } from './modules/module-service';
import { sentinelMetrics, type SentinelMetrics } from './sentinel-metrics';
import { TelemetryPublisher } from './events/telemetry-publisher';
import { WorkloadEnricher } from './kubernetes/workload-enricher';

export const sentinelServiceConfigSchema = baseConfigSchema.extend({
  sentinel: sentinelConfigSchema,
});
export type SentinelServiceConfig = z.output<typeof sentinelServiceConfigSchema>;

export const SENTINEL_RESOURCES: ResourceSelection = {
  streams: ['TELEMETRY', 'DECEPTION', 'DLQ'],
  kv: ['omega_policy'],
  objectStores: ['omega_modules'],
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require('../package.json') as { version: string }).version;

export interface SentinelParts {
  mode: 'ebpf' | 'off';
  node: string;
  loader?: LoaderSupervisor;
  publisher: TelemetryPublisher;
  signing: BatchSigning;
  /** The loader's latest STATS frame (every second), once there is one. */
  latestStats(): StatsFrame | undefined;
  /** The watched files (omega_policy filewatch.>), in eBPF mode. */
  files?: FileWatchSet;
  /** File integrity monitoring, unless sentinel.integrity.enabled is off. */
  integrity?: IntegrityMonitor<Event>;
}

export async function buildSentinel({
  service,
  bus,
  identity,
  clientCredentials,
}: {
  service: Service<SentinelServiceConfig>;
  bus: Bus;
  /** The identity trust issued; batches are signed with a local key without one. */
  identity?: ServiceIdentity | undefined;
  /** Credentials for calling trust (audit appends); insecure when not given. */
  clientCredentials?: (peer: 'trust') => grpc.ChannelCredentials;
}): Promise<SentinelParts> {
  const startTimeNs = BigInt(Date.now()) * 1_000_000n;
  const now = (): bigint => BigInt(Date.now()) * 1_000_000n;
  const config = service.config.sentinel;
  const logger = service.logger;
  const node = nodeName(config);
  const resolved = resolveMode(config);
  logger.info(
    { mode: resolved.mode, node },
    `sentinel runs in ${resolved.mode} mode: ${resolved.reason}`,
  );
  const metrics = sentinelMetrics(service.metrics);
  const signing = await batchSigning({
    identity,
    dataDir: config.dataDir,
    localSenderId: `omega://local/sentinel/${node}`,
    logger,
  });
  // the publisher feeds the modules, which publish through it: tied once both exist
  const tap: { modules?: ModuleRpcDeps } = {};
  const newPublisher = (
    sessionId: string,
    publisherMetrics?: SentinelMetrics,
  ): TelemetryPublisher =>
    new TelemetryPublisher({
      onEvent: (kind, bytes) => tap.modules?.host.offer(kind, bytes),
      bus,
      node,
      signing,
      sessionId,
      logger,
      ...(publisherMetrics ? { metrics: publisherMetrics } : {}),
      maxBatchEvents: config.maxBatchEvents,
      flushIntervalMs: config.flushIntervalMs,
      maxBufferedEvents: config.maxBufferedEvents,
    });
  const publisher = newPublisher(randomUUID(), metrics);
  service.onShutdown('telemetry publisher', () => publisher.close());
  const modules = sentinelModules({
    node,
    config,
    trustAddress: config.trustAddress ?? service.config.enrollment.trustAddress,
    clientCredentials,
    publish: (kind, event) => publisher.add(kind, event),
    logger,
    onShutdown: (name, stop) => service.onShutdown(name, stop),
    registry: service.metrics,
  });
  tap.modules = modules;
  const deployments = await watchModuleDeployments({ bus, node, modules, logger });
  service.onShutdown('module deployments', async () => deployments.stop());
  const policy = await bus.kv('omega_policy');
  const audit = policyAudit(service, clientCredentials);
  let stats: StatsFrame | undefined;
  const latestStats = (): StatsFrame | undefined => stats;
  const counts = newFrameCounts();

  const integrity = integrityMonitor(config, node, publisher, logger);
  if (integrity) service.onShutdown('file integrity', async () => integrity.stop());
  // the watch set starts after the loader, whose frames may name a watch before it is known here
  const watched: { files?: FileWatchSet } = {};
  const serve = (loader: LoaderSupervisor | undefined, offReason?: string): SentinelParts => {
    service.addGrpcService(
      SentinelServiceService,
      implementService(
        SentinelServiceService,
        sentinelGrpcHandlers({
          status: {
            node,
            version: VERSION,
            startTimeNs,
            ...(offReason ? { offReason } : {}),
            signing,
            publisher,
            ...(loader ? { loader } : {}),
            xdp: loader ? config.xdp : [],
            counts,
            latestStats,
            blockCount: async () => (await loader?.listBlocks())?.length ?? 0,
            watchedFiles: () => watched.files?.counts().applied ?? 0,
            modules: () => modules.host.status(),
          },
          blocks: {
            node,
            policy,
            listKernelBlocks: () => loader?.listBlocks(),
            now,
            ...(audit ? { audit } : {}),
            self: () => {
              if (!identity) return { id: `sentinel/${node}`, keyId: '' };
              const { subject, signer } = identity.current();
              return { id: subject, keyId: signer.keyId };
            },
          },
          replay: {
            node,
            captures: {
              dir: config.replay.dir ?? join(config.dataDir, 'captures'),
              maxBytes: config.replay.maxBytes,
            },
            newPublisher: (sessionId) => newPublisher(sessionId),
            now,
          },
          modules,
        }),
        service.handlerOptions,
      ),
    );
    return {
      mode: loader ? 'ebpf' : 'off',
      node,
      publisher,
      signing,
      latestStats,
      ...(loader ? { loader } : {}),
      ...(watched.files ? { files: watched.files } : {}),
      ...(integrity ? { integrity } : {}),
    };
  };
  if (resolved.mode === 'off') {
    if (config.enforcement.policies.length > 0)
      logger.warn(
        `sentinel.enforcement has ${config.enforcement.policies.length} policies, none enforced: the sentinel runs in off mode (${resolved.reason})`,
      );
    return serve(undefined, `sentinel runs in off mode: ${resolved.reason}`);
  }

  const enricher = await workloadEnricher(config, node, logger);
  if (enricher) service.onShutdown('pod watch', () => enricher.watch.stop());
  const tokenUses = new TokenUsePublisher({
    bus,
    node,
    logger,
    published: { inc: () => metrics.tokenUses.inc({ outcome: 'published' }) },
    dropped: { inc: () => metrics.tokenUses.inc({ outcome: 'dropped' }) },
  });
  service.onShutdown('honeytoken file opens', () => tokenUses.flushed());
  const route = frameRouter({
    node,
    publisher,
    metrics,
    flowActiveTimeoutMs: config.flows.activeTimeoutMs,
    onStats: (frame) => (stats = frame),
    counts,
    ...(enricher ? { enrich: (event: Event) => enricher.enricher.enrich(event) } : {}),
    watchedFile: (watchId) => watched.files?.lookup(watchId),
    tokenUse: (event) => tokenUses.add(event),
    enforcementPolicy: (id) => config.enforcement.policies[id - 1]?.id,
    ...(integrity
      ? {
          fileOperation: (paths: string[], event: Event) => integrity.onFileOperation(paths, event),
        }
      : {}),
  });
  const prefixes = watchedPrefixes(config.files.prefixes, MAX_FILE_PREFIXES);
  for (const p of prefixes.prefixes)
    if (p.path !== p.configured)
      logger.info({ configured: p.configured }, `watching ${p.path} for ${p.configured}`);
  if (prefixes.dropped.length > 0)
    logger.warn(
      { dropped: prefixes.dropped },
      `not watched as written (all ${MAX_FILE_PREFIXES} prefixes taken): ${prefixes.dropped.join(', ')}`,
    );
  const { stealth, flows } = config;
  const loader = new LoaderSupervisor({
    loaderPath: config.loaderPath,
    logger,
    onFrame: route.onFrame,
    onRawFrame: route.onRawFrame,
    xdp: config.xdp,
    flowInterfaces: flows.interfaces,
    setupCommands: [
      `flow-timing ${flows.drainIntervalMs} ${flows.idleTimeoutMs}`,
      `stealth-rate ${stealth.ratePerSecond} ${stealth.burst} ${stealth.sessionIdleMs}`,
      ...stealth.allow.map((cidr) => `stealth-allow add ${cidr}`),
      ...stealth.ports.map((port) => `stealth-port add ${port}`),
      ...(config.syscallTelemetry ? ['audit-syscalls on'] : []),
      ...prefixes.prefixes.map((p, i) => `file-prefix ${i + 1} ${p.ops.join(',')} ${p.path}`),
      ...enforceCommands(config, logger),
    ],
  });
  try {
    await loader.start();
  } catch (err) {
    if (config.mode === 'ebpf') throw err;
    // auto: a node without working eBPF still serves (replay, RPCs), and says why
    logger.error({ err }, `sentinel falls back to off mode: ${errorMessage(err)}`);
    return serve(undefined, `sentinel fell back to off mode: ${errorMessage(err)}`);
  }
  service.onShutdown('eBPF loader', () => loader.stop());
  const watch = await watchPolicy(policy, node, loader, logger, metrics.policyEntriesRejected);
  service.onShutdown('policy watch', async () => watch.stop());
  await watch.initialized;
  const files = await watchFiles({
    kv: policy,
    node,
    target: loader,
    logger,
    rejected: metrics.fileWatchesRejected,
    retryIntervalMs: config.files.retryIntervalMs,
  });
  watched.files = files;
  service.onShutdown('file watch', async () => files.stop());
  await files.initialized;
  return serve(loader);
}

/** The loader's `enforce` commands for sentinel.enforcement (policy id i + 1 is policies[i]). */
function enforceCommands(config: SentinelConfig, logger: Logger): string[] {
  return config.enforcement.policies.map((p, i) => {
    const path = p.path === undefined ? '' : ` ${resolvedPath(p.path)}`;
    logger.warn(
      { policy: p.id, match: p.match, path: p.path, mode: p.mode },
      `enforcement policy ${p.id}: ${p.mode === 'enforce' ? 'SIGKILL' : 'report (dry run)'} on ${p.match}${path}`,
    );
    return `enforce ${i + 1} ${p.match} ${p.mode === 'enforce' ? 'kill' : 'dry-run'}${path}`;
  });
}

/** The kernel's watched-prefix array holds this many (bpf/src/sentinel-events.h OMEGA_FILE_PREFIXES). */
const MAX_FILE_PREFIXES = 32;

/** File integrity monitoring publishing its changes on the file subject, unless it is off. */
function integrityMonitor(
  config: SentinelConfig,
  node: string,
  publisher: TelemetryPublisher,
  logger: Logger,
): IntegrityMonitor<Event> | undefined {
  const { enabled, paths, ...limits } = config.integrity;
  if (!enabled) return undefined;
  const resolved = [...new Set(paths.map(resolvedPath))];
  const prefixes = watchedPrefixes(config.files.prefixes, MAX_FILE_PREFIXES).prefixes;
  const within = (path: string): boolean =>
    prefixes.some((p) => path === p.path || path.startsWith(p.path === '/' ? '/' : `${p.path}/`));
  const rescanOnly = config.syscallTelemetry ? resolved.filter((p) => !within(p)) : resolved;
  if (rescanOnly.length > 0)
    logger.info(
      { paths: rescanOnly },
      `integrity: ${rescanOnly.length} paths are outside sentinel.files.prefixes (or syscallTelemetry is off): checked on the rescan only`,
    );
  return new IntegrityMonitor<Event>({
    ...limits,
    paths: resolved,
    logger,
    report: (change) =>
      publisher.add('file', integrityEvent(change, node, BigInt(Date.now()) * 1_000_000n)),
  });
}

/** Appends to trust's audit log for the block RPCs, unless sentinel.auditPolicyChanges is off. */
function policyAudit(
  service: Service<SentinelServiceConfig>,
  clientCredentials: ((peer: 'trust') => grpc.ChannelCredentials) | undefined,
): BlockRpcDeps['audit'] {
  const config = service.config.sentinel;
  if (!config.auditPolicyChanges) {
    service.logger.warn(
      'BlockSource and UnblockSource are not audited (sentinel.auditPolicyChanges is off); development only',
    );
    return undefined;
  }
  const address = config.trustAddress ?? service.config.enrollment.trustAddress;
  const trust = clientCredentials
    ? trustServiceClient(address, clientCredentials('trust'))
    : trustServiceClient(address);
  service.onShutdown('trust client', async () => trust.close());
  const log = trustAuditClient(trust);
  return (entry, requestId) => log.append(entry, { requestId });
}

/** The pod watch and enricher when Kubernetes metadata is wanted (`sentinel.kubernetes`). */
async function workloadEnricher(
  config: SentinelConfig,
  node: string,
  logger: Logger,
): Promise<{ enricher: WorkloadEnricher; watch: PodWatch } | undefined> {
  const k8s = config.kubernetes;
  const wanted =
    k8s.mode === 'on' ||
    (k8s.mode === 'auto' &&
      (k8s.kubeconfig !== undefined || !!process.env['KUBERNETES_SERVICE_HOST']));
  if (!wanted) {
    logger.info('no Kubernetes metadata on events: not in a cluster (sentinel.kubernetes.mode)');
    return undefined;
  }
  const index = new PodIndex();
  try {
    const watch = await watchNodePods({
      node,
      index,
      logger,
      ...(k8s.kubeconfig ? { kubeconfig: k8s.kubeconfig } : {}),
    });
    const enricher = new WorkloadEnricher(new CgroupDirectory({ root: k8s.cgroupRoot }), index);
    return { enricher, watch };
  } catch (err) {
    if (k8s.mode === 'on') throw err;
    logger.error(
      { err },
      `no Kubernetes metadata on events: the pod watch failed: ${errorMessage(err)}`,
    );
    return undefined;
  }
}
