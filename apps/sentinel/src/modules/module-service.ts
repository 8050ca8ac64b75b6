// Builds the sentinel's module host and the LoadModule/UnloadModule dependencies: the sandbox
// limits from `sentinel.modules`, the audit log key pinned from trust's bundle on first use.
import type * as grpc from '@grpc/grpc-js';
import { GetCheckpointRequest, type Event } from '@omega/proto';
import { Code, OmegaError, type Logger } from '@omega/runtime';
import { trustServiceClient } from '@omega/trust-client';
import type { SentinelConfig } from '../sentinel-config';
import { ModuleHost } from './module-host';
import { moduleMetrics } from './module-metrics';
import type { Registry } from 'prom-client';
import type { ModuleRpcDeps } from './module-rpcs';
import { ModuleVerifier, type ModuleTrustAnchor } from './module-verifier';

export interface SentinelModulesOptions {
  node: string;
  config: SentinelConfig;
  trustAddress: string;
  clientCredentials: ((peer: 'trust') => grpc.ChannelCredentials) | undefined;
  publish(kind: string, event: Event): void;
  logger: Logger;
  onShutdown(name: string, stop: () => Promise<void>): void;
  registry: Registry;
}

export function sentinelModules(options: SentinelModulesOptions): ModuleRpcDeps {
  const limits = options.config.modules;
  const host = new ModuleHost({
    node: options.node,
    limits: {
      eventBudgetMs: limits.eventBudgetMs,
      memoryMaxPages: limits.memoryMaxPages,
      startTimeoutMs: 10_000,
    },
    maxFaults: limits.maxFaults,
    maxQueuedEvents: limits.maxQueuedEvents,
    publish: options.publish,
    logger: options.logger,
    metrics: moduleMetrics(options.registry),
  });
  options.onShutdown('modules', () => host.close());
  const anchor = async (): Promise<ModuleTrustAnchor> => {
    const trust = options.clientCredentials
      ? trustServiceClient(options.trustAddress, options.clientCredentials('trust'))
      : trustServiceClient(options.trustAddress);
    try {
      const bundle = await trust.getTrustBundle({});
      const { checkpoint } = await trust.getCheckpoint(GetCheckpointRequest.fromPartial({}));
      const keyId = checkpoint?.signature?.keyId;
      const key = bundle.rootKeys.find((k) => k.keyId === keyId);
      if (!key) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `trust's bundle has no key ${keyId ?? '(unnamed)'}, the key its checkpoints are signed with`,
        );
      }
      options.logger.info(
        { keyId: key.keyId, origin: bundle.auditLogOrigin },
        'modules: pinned the audit log key',
      );
      return { key, origin: bundle.auditLogOrigin, signerId: `trust (${bundle.trustDomain})` };
    } finally {
      trust.close();
    }
  };
  return { host, verifier: new ModuleVerifier(anchor) };
}
