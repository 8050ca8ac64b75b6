// Benign traffic that fools naive detectors, for the richer labelled scenario: monitoring systems
// scraping many pods, kubelet and load-balancer health probes (and exec probes that open
// /dev/tcp), clients of CDNs and cloud APIs with random-looking host names, NTP, fleets checking
// for software updates, and a service mesh whose sidecars reconnect to every backend and meet
// stale endpoints during rollouts. Each part returns the entity keys of the hosts it makes benign
// traffic from, so false alerts can be counted per benign kind.
import { NetworkActivityId } from '@omega/proto';
import { eventFromSigmaFields } from '../field-mapping';
import { dnsEvent, flowEvent } from '../detectors/telemetry-events';
import { nodeIp, podKey, scenarioPod, type ScenarioPod } from './scenario-pods';
import { ALNUM, asUdp, HEX, type PartStream } from './traffic-part';

/** A node cut off from the rest of the cluster for a while: what a monitoring system then sees. */
export interface NodeOutage {
  readonly node: number;
  readonly startSec: number;
  readonly endSec: number;
}

const INFRA = 5_000;
const { CLOSE, FAIL, REFUSE } = {
  CLOSE: NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
  FAIL: NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL,
  REFUSE: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
};

function nodeOf(pod: ScenarioPod): number {
  return Number(pod.node.slice('node-'.length));
}

function down(outage: NodeOutage, node: number, sec: number): boolean {
  return node === outage.node && sec >= outage.startSec && sec < outage.endSec;
}

/**
 * Prometheus scraping `/metrics` on `targets` pods (half every 15 s, half every 30 s) and the node
 * exporters every 15 s. Three targets crash-loop (refused at every scrape), and the outage node's
 * targets time out while it lasts: a monitoring system meets more failed connections, to more
 * hosts on one port, than many scans make.
 */
export function monitoring(s: PartStream, outage: NodeOutage, targets: number): string[] {
  const { pods, durationSec } = s.context;
  const prometheus = scenarioPod('monitoring', 'prometheus-0', INFRA, s.context.nodes);
  const chosen = [...pods].sort(() => s.random() - 0.5).slice(0, Math.min(targets, pods.length));
  const crashing = new Set(chosen.slice(0, 3));
  const jobs = [
    ...chosen.map((pod, i) => ({
      ip: pod.ip,
      port: 9090,
      node: nodeOf(pod),
      periodSec: i % 2 === 0 ? 15 : 30,
      crashing: crashing.has(pod),
    })),
    ...Array.from({ length: s.context.nodes }, (_, n) => ({
      ip: nodeIp(n),
      port: 9100,
      node: n,
      periodSec: 15,
      crashing: false,
    })),
  ];
  jobs.forEach((job, j) => {
    for (let t = s.random() * job.periodSec, i = 0; t < durationSec - 1; t += job.periodSec, i++) {
      const failed = job.crashing || down(outage, job.node, t);
      s.push(
        flowEvent({
          id: `scrape-${j}-${i}`,
          timeNs: s.at(t + s.random() * 0.05),
          src: { ip: prometheus.ip, workload: prometheus.workload },
          dst: { ip: job.ip, port: job.port },
          activity: job.crashing ? REFUSE : failed ? FAIL : CLOSE,
          bytesOut: failed ? 0 : 220 + s.int(30),
          bytesIn: failed ? 0 : 4_000 + s.int(60_000),
        }),
        prometheus.node,
      );
    }
  });
  return [podKey(prometheus)];
}

/**
 * Kubelets probing `perNode` pods each every 10 s (one pod fails its readiness for half an hour),
 * two cloud load balancers checking every node's NodePort every 5 s, and exec probes in database
 * pods that test their own port through bash's /dev/tcp every 30 s.
 */
export function healthProbes(s: PartStream, outage: NodeOutage, perNode: number): string[] {
  const { pods, durationSec, nodes } = s.context;
  const keys: string[] = [];
  for (let n = 0; n < nodes; n++) {
    const mine = pods.filter((p) => nodeOf(p) === n).slice(0, perNode);
    const failing = n === 0 ? mine[0] : undefined;
    const failFrom = durationSec * 0.3;
    mine.forEach((pod, j) => {
      for (let t = s.random() * 10, i = 0; t < durationSec - 1; t += 10, i++) {
        const failed = pod === failing && t >= failFrom && t < failFrom + 1800;
        s.push(
          flowEvent({
            id: `probe-${n}-${j}-${i}`,
            timeNs: s.at(t),
            src: { ip: nodeIp(n) },
            dst: { ip: pod.ip, port: 8080 },
            activity: failed ? REFUSE : CLOSE,
            bytesOut: failed ? 0 : 120,
            bytesIn: failed ? 0 : 160 + s.int(20),
          }),
          pod.node,
        );
      }
    });
    keys.push(`ip:${nodeIp(n)}`);
  }
  for (const lb of ['35.191.0.1', '130.211.0.1']) {
    for (let n = 0; n < nodes; n++) {
      for (let t = s.random() * 5, i = 0; t < durationSec - 1; t += 5, i++) {
        const failed = down(outage, n, t);
        s.push(
          flowEvent({
            id: `lb-${lb}-${n}-${i}`,
            timeNs: s.at(t),
            src: { ip: lb },
            dst: { ip: nodeIp(n), port: 30080 },
            activity: failed ? FAIL : CLOSE,
            bytesOut: failed ? 0 : 90,
            bytesIn: failed ? 0 : 150,
          }),
          `node-${n}`,
        );
      }
    }
    keys.push(`ip:${lb}`);
  }
  const databases: [string, string][] = [
    ['postgres', 'bash -c exec 3<>/dev/tcp/127.0.0.1/5432'],
    ['redis', 'bash -c </dev/tcp/localhost/6379'],
  ];
  databases.forEach(([name, commandLine], d) => {
    for (let r = 0; r < 2; r++) {
      const pod = scenarioPod('data', `${name}-${r}`, INFRA + 10 + d * 2 + r, nodes);
      for (let t = s.random() * 30, i = 0; t < durationSec - 1; t += 30, i++) {
        const event = eventFromSigmaFields('process_creation', {
          'omega.namespace': pod.namespace,
          'omega.pod': pod.name,
          'omega.node': pod.node,
          Image: '/bin/bash',
          CommandLine: commandLine,
          ParentImage: '/usr/bin/runc',
        });
        event.id = `exec-probe-${name}-${r}-${i}`;
        event.timeNs = s.at(t);
        s.push(event, pod.node);
      }
      keys.push(podKey(pod));
    }
  });
  return keys;
}

/**
 * Pods using cloud storage and CDNs: each resolves 20-40 names of the kinds that look generated
 * (S3 buckets with a hash suffix, CloudFront distributions, internal ELBs, API Gateway ids) at
 * random times (Poisson, mean 15-60 s) and connects to them with sizes that vary widely.
 */
export function cloudClients(s: PartStream, clients: number): string[] {
  const { durationSec, nodes } = s.context;
  const keys: string[] = [];
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const purposes = ['logs', 'artifacts', 'exports', 'backups', 'datalake', 'media'];
  for (let k = 0; k < clients; k++) {
    const pod = scenarioPod('data', `etl-${k}`, INFRA + 100 + k, nodes);
    const names = Array.from({ length: 20 + s.int(21) }, (_, j) => {
      const region = s.pick(regions);
      switch (j % 4) {
        case 0:
          return `acme-${s.pick(purposes)}-${s.text(HEX, 8)}.s3.${region}.amazonaws.com`;
        case 1:
          return `d${s.text(ALNUM, 13)}.cloudfront.net`;
        case 2:
          return `internal-k8s-${s.pick(purposes)}-${s.text(HEX, 10)}-${s.text('0123456789', 10)}.${region}.elb.amazonaws.com`;
        default:
          return `${s.text(ALNUM, 10)}.execute-api.${region}.amazonaws.com`;
      }
    });
    const meanSec = 15 + s.int(46);
    for (let t = s.random() * meanSec, i = 0; t < durationSec - 1; i++) {
      const j = s.int(names.length);
      const src = { ip: pod.ip, workload: pod.workload };
      s.push(
        dnsEvent({ id: `cloud-dns-${k}-${i}`, timeNs: s.at(t), src, hostname: names[j]! }),
        pod.node,
      );
      s.push(
        flowEvent({
          id: `cloud-${k}-${i}`,
          timeNs: s.at(t + 0.01),
          src,
          dst: { ip: `198.18.${k}.${j + 1}`, port: 443 },
          bytesOut: Math.round(Math.exp(6 + 2 * s.random())),
          bytesIn: 1_000 + s.int(5_000_000),
        }),
        pod.node,
      );
      t += -Math.log(1 - s.random()) * meanSec;
    }
    keys.push(podKey(pod));
  }
  return keys;
}

/**
 * chrony on every node polling four pool servers over UDP 123: every 64 s at first, the interval
 * doubling after eight polls up to 1024 s, with a 48-byte packet each way. Perfectly regular and
 * constant in size: RITA's score alone calls every pair a beacon.
 */
export function ntp(s: PartStream): string[] {
  const { durationSec, nodes } = s.context;
  const servers = ['192.0.2.123', '192.0.2.124', '192.0.2.125', '192.0.2.126'];
  for (let n = 0; n < nodes; n++) {
    servers.forEach((server, k) => {
      let period = 64;
      for (let t = s.random() * 64, i = 0; t < durationSec - 1; i++) {
        s.push(
          asUdp(
            flowEvent({
              id: `ntp-${n}-${k}-${i}`,
              timeNs: s.at(t),
              src: { ip: nodeIp(n) },
              dst: { ip: server, port: 123 },
              bytesOut: 76,
              bytesIn: 76,
            }),
          ),
          `node-${n}`,
        );
        if (i % 8 === 7 && period < 1024) period *= 2;
        t += period * (1 + (s.random() - 0.5) * 0.02);
      }
    });
  }
  return Array.from({ length: nodes }, (_, n) => `ip:${nodeIp(n)}`);
}

/**
 * Fleets checking for software updates: 8 agent replicas asking one vendor every hour and 4 CI
 * runners asking another every 15 minutes, each request the same size. One replica alone is a
 * beacon on the wire; what tells them apart is that the whole fleet asks the same server.
 */
export function updateClients(s: PartStream): string[] {
  const { durationSec, nodes } = s.context;
  const keys: string[] = [];
  const fleets = [
    {
      name: 'ops/agent',
      replicas: 8,
      periodSec: 3600,
      server: '192.0.2.80',
      host: 'updates.vendor.example',
    },
    {
      name: 'ci/runner',
      replicas: 4,
      periodSec: 900,
      server: '192.0.2.81',
      host: 'releases.tools.example',
    },
  ];
  fleets.forEach((fleet, f) => {
    const [namespace, base] = fleet.name.split('/') as [string, string];
    for (let r = 0; r < fleet.replicas; r++) {
      const pod = scenarioPod(namespace, `${base}-${r}`, INFRA + 200 + f * 20 + r, nodes);
      const src = { ip: pod.ip, workload: pod.workload };
      for (let t = s.random() * fleet.periodSec, i = 0; t < durationSec - 1; i++) {
        s.push(
          dnsEvent({ id: `update-dns-${f}-${r}-${i}`, timeNs: s.at(t), src, hostname: fleet.host }),
          pod.node,
        );
        s.push(
          flowEvent({
            id: `update-${f}-${r}-${i}`,
            timeNs: s.at(t + 0.02),
            src,
            dst: { ip: fleet.server, port: 443 },
            bytesOut: 612,
            bytesIn: 1_480 + s.int(8),
          }),
          pod.node,
        );
        t += fleet.periodSec * (1 + (s.random() - 0.5) * 0.002);
      }
      keys.push(podKey(pod));
    }
  });
  return keys;
}

/**
 * A service mesh: `frontends` sidecars keep a connection to each of 32 backend pods, recycled every
 * 60 s; every 2 h a rollout replaces the backends one every 8 s, and until the sidecar's endpoint
 * list catches up (10 s) each removed backend refuses its reconnects: 32 distinct hosts refused on
 * one port within 5 minutes, from a client that talked to each of them a minute before.
 */
export function serviceMesh(s: PartStream, frontends: number): string[] {
  const { durationSec, nodes } = s.context;
  const backends = 32;
  const rolloutEverySec = 7200;
  const keys: string[] = [];
  const backendIp = (generation: number, j: number) =>
    scenarioPod('shop', `backend-${j}`, INFRA + 1_000 + (generation % 4) * 64 + j, nodes).ip;
  for (let f = 0; f < frontends; f++) {
    const pod = scenarioPod('shop', `frontend-${f}`, INFRA + 300 + f, nodes);
    const src = { ip: pod.ip, workload: pod.workload };
    for (let j = 0; j < backends; j++) {
      const phase = s.random() * 60;
      for (let t = phase, i = 0; t < durationSec - 1; t += 60, i++) {
        // Backend j of generation g is replaced at g * rolloutEverySec + j * 8 (generation 0 never).
        const generation = Math.floor(t / rolloutEverySec);
        const replacedAt = generation * rolloutEverySec + 600 + j * 8;
        const current = generation > 0 && t < replacedAt ? generation - 1 : generation;
        s.push(
          flowEvent({
            id: `mesh-${f}-${j}-${i}`,
            timeNs: s.at(t),
            src,
            dst: { ip: backendIp(current, j), port: 8080 },
            bytesOut: 2_000 + s.int(50_000),
            bytesIn: 4_000 + s.int(200_000),
          }),
          pod.node,
        );
        if (generation > 0 && t >= replacedAt && t - 60 < replacedAt) {
          // The reconnects of the minute the endpoint went away, before the list caught up.
          for (let a = 0; a < 1 + s.int(3); a++) {
            s.push(
              flowEvent({
                id: `mesh-stale-${f}-${j}-${i}-${a}`,
                timeNs: s.at(replacedAt + 1 + a * 3),
                src,
                dst: { ip: backendIp(generation - 1, j), port: 8080 },
                activity: REFUSE,
              }),
              pod.node,
            );
          }
        }
      }
    }
    keys.push(podKey(pod));
  }
  return keys;
}
