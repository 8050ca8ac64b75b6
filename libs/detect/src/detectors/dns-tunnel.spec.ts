// DNS tunnelling: base32-encoded labels under one base domain flag; ordinary CDN and cluster names do not.
import { seededRandom } from '../rule-samples';
import { DnsTunnelDetector, shannonEntropy } from './dns-tunnel';
import { dnsEvent } from './telemetry-events';

const SEC = 1_000_000_000n;
const src = { ip: '10.0.0.8', workload: 'ci/runner-1@builder' };
let n = 0;
const query = (detector: DnsTunnelDetector, hostname: string, t = BigInt(n)) =>
  detector.observe(dnsEvent({ id: `d${++n}`, timeNs: t * SEC, src, hostname }));

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
function base32Label(random: () => number, length: number): string {
  return Array.from({ length }, () => BASE32[Math.floor(random() * 32)]).join('');
}

describe('shannonEntropy', () => {
  it('is 0 for one repeated symbol, 2 bits for four equally likely ones, 5 for the base32 alphabet', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('ab.cd')).toBe(2);
    expect(shannonEntropy(BASE32)).toBe(5);
  });
});

describe('DnsTunnelDetector', () => {
  it('flags a tunnel of base32 labels (as iodine/dnscat2 encode data) under its registrable domain', () => {
    const random = seededRandom(5);
    const detector = new DnsTunnelDetector();
    const findings = Array.from({ length: 12 }, () =>
      query(detector, `${base32Label(random, 52)}.${base32Label(random, 20)}.t.exfil.co.uk`),
    ).flat();
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding!.kind).toBe('dns-tunnel');
    expect(finding!.entities.at(-1)!.value).toBe('exfil.co.uk'); // public-suffix aware: not "co.uk"
    expect(finding!.attackTechniqueIds).toContain('T1071.004');
    expect(finding!.entityKey).toBe('pod:ci/runner-1');
    expect(Number(finding!.reasons[1]!.observedValue)).toBeGreaterThan(4);
    expect(finding!.explanation).toMatch(/queried 10 unique subdomains of exfil\.co\.uk/);
  });

  it('does not flag ordinary CDN, cloud and cluster names', () => {
    const detector = new DnsTunnelDetector();
    const names = [
      'www.example.com',
      'api.example.com',
      'static.example.com',
      'img-eu-1.example.com',
      'd1a2b3c4d5e6f7.cloudfront.net',
      'd9e8f7a6b5c4d3.cloudfront.net',
      'dabcdef0123456.cloudfront.net',
      'e1234.a.akamaiedge.net',
      'e5678.b.akamaiedge.net',
      'e9012.dscx.akamaiedge.net',
      'fonts.gstatic.com',
      'www.gstatic.com',
      'ssl.gstatic.com',
      's3.eu-west-1.amazonaws.com',
      'sts.us-east-1.amazonaws.com',
      'ec2.us-east-1.amazonaws.com',
      'kubernetes.default.svc.cluster.local',
      'redis.shop.svc.cluster.local',
      '10.0.96.10.in-addr.arpa',
    ];
    for (let round = 0; round < 5; round++) {
      for (const name of names) expect(query(detector, name)).toEqual([]);
    }
  });

  it('reports RITA-style DNS C2 at 100 unique subdomains even when labels are short and plain', () => {
    const detector = new DnsTunnelDetector();
    const findings = Array.from({ length: 100 }, (_, i) =>
      query(detector, `host${i}.c2.example.org`, 50n),
    ).flat();
    expect(findings.map((f) => f.kind)).toEqual(['dns-c2-subdomains']);
    expect(findings[0]!.reasons[0]).toMatchObject({
      feature: 'dns.unique_subdomains',
      observedValue: '100',
    });
  });

  it('counts a repeated name once and forgets after the window', () => {
    const detector = new DnsTunnelDetector({ subdomainThreshold: 3, windowNs: 60e9 });
    expect([1, 2, 3].flatMap(() => query(detector, 'same.example.net', 100n))).toEqual([]);
    expect(query(detector, 'a.example.net', 100n)).toEqual([]); // 2 unique
    expect(query(detector, 'b.example.net', 200n)).toEqual([]); // new window: 1 unique, not 3
    expect(query(detector, 'c.example.net', 200n)).toEqual([]);
    expect(query(detector, 'd.example.net', 200n)).toHaveLength(1);
  });

  it("does not count a resolver's answers as its own queries: the client that asked is the one flagged", () => {
    const random = seededRandom(9);
    const detector = new DnsTunnelDetector();
    const resolver = { ip: '10.96.0.10', port: 53 };
    const client = { ip: '10.0.0.8', workload: 'ci/runner-1@builder' };
    const names = Array.from({ length: 12 }, () => `${base32Label(random, 52)}.t.exfil.example`);
    const answers = names.flatMap((hostname, i) =>
      detector.observe(
        dnsEvent({
          id: `r${i}`,
          timeNs: BigInt(i) * SEC,
          src: resolver,
          dst: client,
          hostname,
          response: true,
        }),
      ),
    );
    expect(answers).toEqual([]);
    const queries = names.flatMap((hostname, i) =>
      detector.observe(
        dnsEvent({ id: `q${i}`, timeNs: BigInt(i) * SEC, src: client, dst: resolver, hostname }),
      ),
    );
    expect(queries.map((f) => f.entityKey)).toEqual(['pod:ci/runner-1']);
  });

  it('takes each bucket, distribution and load balancer under a cloud’s shared suffix as its own domain', () => {
    const random = seededRandom(13);
    const detector = new DnsTunnelDetector();
    const hex = (length: number) =>
      Array.from({ length }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
    const names = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? `acme-datalake-${hex(12)}.s3.eu-west-1.amazonaws.com`
        : `internal-k8s-exports-${hex(10)}-${hex(10)}.us-east-1.elb.amazonaws.com`,
    );
    expect(names.flatMap((hostname) => query(detector, hostname))).toEqual([]);
    // Under a private suffix an owner's own subdomains still count: a tunnel through one bucket name.
    const tunnel = Array.from({ length: 12 }, () =>
      query(detector, `${base32Label(random, 48)}.exfil-${hex(4)}x.s3.amazonaws.com`),
    );
    expect(tunnel.flat()).toEqual([]); // a new bucket name each time: twelve domains of one label
    const fixed = `exfil-${hex(6)}.s3.amazonaws.com`;
    const through = Array.from({ length: 12 }, () =>
      query(detector, `${base32Label(random, 48)}.${fixed}`),
    ).flat();
    expect(through.map((f) => f.entities.at(-1)!.value)).toEqual([fixed]);
  });

  it('does not count a resolver forwarding the names its clients asked: the client is the one flagged', () => {
    const random = seededRandom(17);
    const detector = new DnsTunnelDetector();
    const client = { ip: '10.0.0.8', workload: 'ci/runner-1@builder' };
    const resolver = { ip: '10.1.15.161', workload: 'kube-system/coredns-0@coredns' };
    const findings = Array.from({ length: 12 }, (_, i) => {
      const hostname = `${base32Label(random, 52)}.t.exfil.example`;
      const timeNs = BigInt(i) * 30n * SEC;
      return [
        ...detector.observe(dnsEvent({ id: `c${i}`, timeNs, src: client, hostname })),
        ...detector.observe(
          dnsEvent({
            id: `f${i}`,
            timeNs: timeNs + 2_000_000n,
            src: resolver,
            dst: { ip: '192.0.2.53', port: 53 },
            hostname,
          }),
        ),
      ];
    }).flat();
    expect(findings.map((f) => f.entityKey)).toEqual(['pod:ci/runner-1']);
    // With relay detection off the resolver is a tunnelling client too.
    const off = new DnsTunnelDetector({ relayWindowNs: 0 });
    const again = Array.from({ length: 12 }, (_, i) => {
      const hostname = `${base32Label(random, 52)}.t.exfil.example`;
      const timeNs = BigInt(i) * 30n * SEC;
      off.observe(dnsEvent({ id: `c${i}`, timeNs, src: client, hostname }));
      return off.observe(
        dnsEvent({ id: `f${i}`, timeNs: timeNs + 2_000_000n, src: resolver, hostname }),
      );
    }).flat();
    expect(again.map((f) => f.entityKey)).toEqual(['pod:kube-system/coredns-0']);
  });
});
