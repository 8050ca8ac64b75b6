// The demo's settings for the services it starts: the sentinel on the victim's interface (live)
// or idle (replay) and the orchestrator's notify webhook.
import type { ServiceName } from '@omega/service';
import { VICTIM, VICTIM_NODE } from './demo-topology';

export function demoServiceEnv(opts: {
  live: boolean;
  /** The team channel the playbooks' notify steps post to. */
  webhookUrl: string;
}): Partial<Record<ServiceName, Record<string, string>>> {
  // Cross-service addresses follow the port offset through the local stack itself.
  return {
    sentinel: sentinelEnv(opts.live),
    orchestrator: { OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: opts.webhookUrl },
  };
}

/** eBPF with XDP and flow accounting on the victim's interface in its namespace; off for replay. */
function sentinelEnv(live: boolean): Record<string, string> {
  // In replay the recorded batches are sent as sentinel/demo-victim; the idle sentinel is another node.
  if (!live) return { OMEGA_SENTINEL_MODE: 'off', OMEGA_SENTINEL_NODE: 'demo-replay-host' };
  const victimInterface = JSON.stringify([
    { interface: VICTIM.interface, netns: `/run/netns/${VICTIM.netns}` },
  ]);
  return {
    OMEGA_SENTINEL_MODE: 'ebpf',
    OMEGA_SENTINEL_NODE: VICTIM_NODE,
    OMEGA_SENTINEL_XDP: victimInterface,
    OMEGA_SENTINEL_FLOWS_INTERFACES: victimInterface,
    // Flows end after 2 s idle (default 10 s) so the scan's and the beacon's flows are reported soon.
    OMEGA_SENTINEL_FLOWS_IDLE_TIMEOUT_MS: '2000',
  };
}
