// The actions a playbook can name, built from the orchestrator's clients, each wrapped so its
// outcome is audited. One registry for the parser (known names) and the worker (activities).
import type { Bus, KV } from '@omega/bus';
import type { DeceptionServiceService, TwinServiceService } from '@omega/proto';
import type { PromiseClient } from '@omega/runtime';
import type { Activity } from '@omega/workflow';
import { audited, type ActionAuditor } from './action-audit';
import { annotate } from './annotate';
import { blockIp, unblockIp } from './block-ip';
import { deployDecoy } from './deploy-decoy';
import { isolatePod, unisolatePod, type KubernetesAccess } from './isolate-pod';
import { notify } from './notify';
import { simulate } from './simulate';

export const ACTION_NAMES = [
  'block_ip',
  'unblock_ip',
  'isolate_pod',
  'unisolate_pod',
  'deploy_decoy',
  'notify',
  'simulate',
  'annotate',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export interface ActionDeps {
  bus: Bus;
  auditor: ActionAuditor;
  deception: PromiseClient<typeof DeceptionServiceService>;
  twin: PromiseClient<typeof TwinServiceService>;
  /** Identity recorded as the actor (the orchestrator's). */
  actor: string;
  notifyWebhookUrl?: string;
  callTimeoutMs: number;
  /** The Kubernetes API of isolate_pod / unisolate_pod, loaded on first use. */
  kubernetes: () => Promise<KubernetesAccess>;
  /** Extra activities (tests, extensions), audited like the rest. */
  extra?: Record<string, Activity>;
}

export function buildActions(deps: ActionDeps): Map<string, Activity> {
  const policy = (): Promise<KV> => deps.bus.kv('omega_policy');
  const raw: Record<string, Activity> = {
    block_ip: blockIp(policy, deps.actor),
    unblock_ip: unblockIp(policy),
    deploy_decoy: deployDecoy(deps.deception, deps.callTimeoutMs),
    notify: notify(deps.notifyWebhookUrl),
    simulate: simulate(deps.twin, deps.callTimeoutMs),
    annotate: annotate(),
    isolate_pod: isolatePod(deps.kubernetes),
    unisolate_pod: unisolatePod(deps.kubernetes),
    ...deps.extra,
  };
  return new Map(
    Object.entries(raw).map(([name, activity]) => [name, audited(name, activity, deps.auditor)]),
  );
}
