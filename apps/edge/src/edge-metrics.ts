// Prometheus metrics of omega-edge and its nucleus, named by docs/metrics.md's rule
// (omega_<owner>_<what>[_unit][_total]) on the design's stems (omni_sessions_active →
// omega_edge_sessions_active, …), served on /metrics when --metrics-listen is given.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { StealthFilter } from './stealth-filter';
import type { WireguardDevice } from './wireguard-device';

/** WireGuard considers a session dead 180 s after its last handshake (REJECT_AFTER_TIME). */
const SESSION_LIFETIME_S = 180;

export interface EdgeMetrics {
  registry: Registry;
  pskRotations: Counter;
}

/** Reads the WireGuard device on every scrape: sessions, packets received, handshakes seen. */
export function edgeMetrics(device: WireguardDevice): EdgeMetrics {
  const registry = new Registry();
  const lastHandshake = new Map<string, number>();
  let handshakes = 0;
  const observe = async (): Promise<{ active: number }> => {
    const nowS = Math.floor(Date.now() / 1000);
    let active = 0;
    for (const peer of await device.dump()) {
      const at = Number(peer[4]);
      if (at > 0 && nowS - at < SESSION_LIFETIME_S) active++;
      if (at > 0 && at !== lastHandshake.get(peer[0]!)) {
        handshakes++;
        lastHandshake.set(peer[0]!, at);
      }
    }
    return { active };
  };
  new Gauge({
    name: 'omega_edge_sessions_active',
    help: 'WireGuard peers with a session (a handshake in the last 180 s)',
    registers: [registry],
    async collect() {
      this.set((await observe()).active);
    },
  });
  new Counter({
    name: 'omega_edge_handshakes_completed_total',
    help: 'WireGuard handshakes completed (each new latest-handshake time seen counts one)',
    registers: [registry],
    async collect() {
      await observe();
      this.reset();
      this.inc(handshakes);
    },
  });
  new Counter({
    name: 'omega_edge_packets_rx_total',
    help: 'Packets received on the WireGuard interface (decrypted, from all peers)',
    registers: [registry],
    async collect() {
      const text = await readFile(`/sys/class/net/${device.name}/statistics/rx_packets`, 'utf8');
      this.reset();
      this.inc(Number(text.trim()));
    },
  });
  const pskRotations = new Counter({
    name: 'omega_edge_psk_rotations_total',
    help: 'Post-quantum pre-shared keys installed (ML-KEM-768 exchanges completed)',
    registers: [registry],
  });
  return { registry, pskRotations };
}

export interface NucleusMetrics {
  registry: Registry;
  accepted: Counter;
  refused: Counter<'reason'>;
  rateLimited: Counter;
  introductions: Counter;
  relayedPackets: Counter;
}

export function nucleusMetrics(): NucleusMetrics {
  const registry = new Registry();
  return {
    registry,
    accepted: new Counter({
      name: 'omega_nucleus_requests_accepted_total',
      help: 'Signed registrations, heartbeats and queries accepted',
      registers: [registry],
    }),
    refused: new Counter({
      name: 'omega_nucleus_requests_refused_total',
      help: 'Signalling messages refused, by reason (malformed, forged, replayed, not a member)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'omega_nucleus_sessions_dropped_ratelimit_total',
      help: 'Signalling messages dropped by the 10 requests/s per source IP limit',
      registers: [registry],
    }),
    introductions: new Counter({
      name: 'omega_nucleus_introductions_total',
      help: 'Pairs sent each other endpoint at once',
      registers: [registry],
    }),
    relayedPackets: new Counter({
      name: 'omega_nucleus_relay_packets_total',
      help: 'WireGuard packets forwarded unchanged by the relay',
      registers: [registry],
    }),
  };
}

/** Serves GET /metrics on `host:port`. */
export async function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  return server;
}

/** The XDP filter's drops, read from its per-CPU counters on every scrape. */
export function stealthMetrics(registry: Registry, filter: StealthFilter): void {
  new Counter({
    name: 'omega_edge_sessions_dropped_ratelimit_total',
    help: 'WireGuard handshake initiations dropped in XDP past 10 per second per source IP',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await filter.counts()).rateLimited);
    },
  });
  new Counter({
    name: 'omega_edge_stealth_dropped_total',
    help: 'Datagrams to the WireGuard port dropped in XDP for not being well-formed WireGuard messages',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await filter.counts()).malformed);
    },
  });
}
