// The demo's settings for the services it starts: the sentinel on the victim's interface (live)
// or idle (replay), the orchestrator's notify webhook, and cross-service addresses that follow the
// port offset (the services' defaults assume offset 0).
import { LOCAL_PORTS, type ServiceName } from '@omega/service';
import { VICTIM, VICTIM_NODE } from './demo-topology';

export function demoServiceEnv(opts: {
  live: boolean;
  portOffset: number;
  /** The team channel the playbooks' notify steps post to. */
  webhookUrl: string;
}): Partial<Record<ServiceName, Record<string, string>>> {
  const address = (name: ServiceName): string =>
    `127.0.0.1:${LOCAL_PORTS[name].grpcPort + opts.portOffset}`;
  return {
    sentinel: sentinelEnv(opts.live),
    intelligence: { OMEGA_INTELLIGENCE_TRUST_ADDRESS: address('trust') },
    orchestrator: {
      OMEGA_ORCHESTRATOR_NOTIFY_WEBHOOK_URL: opts.webhookUrl,
      OMEGA_ORCHESTRATOR_TRUST_ADDRESS: address('trust'),
      OMEGA_ORCHESTRATOR_DECEPTION_ADDRESS: address('deception'),
      OMEGA_ORCHESTRATOR_TWIN_ADDRESS: address('twin'),
    },
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
