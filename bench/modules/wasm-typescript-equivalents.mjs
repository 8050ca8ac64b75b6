// The shipped WASM modules' logic written in TypeScript-flavoured JavaScript over ts-proto's
// Event.decode, as it would be compiled into the sentinel: the benchmark's anchor (wasm.mjs).
const MINER_NAMES = new Set([
  'xmrig',
  'xmr-stak',
  'xmr-stak-cpu',
  'minerd',
  'cpuminer',
  'cpuminer-multi',
  'ccminer',
  'cgminer',
  'bfgminer',
  'ethminer',
  'nbminer',
  't-rex',
  'lolminer',
  'phoenixminer',
  'nanominer',
  'teamredminer',
  'srbminer-multi',
  'gminer',
  'xmrminer',
  'moneroocean',
]);
const MINER_ARGS = [
  'stratum+tcp://',
  'stratum+ssl://',
  'stratum+tls://',
  'stratum2+tcp://',
  '--donate-level',
  '--coin=monero',
  '--algo=rx/0',
  '-a rx/0',
  '--randomx',
];
const STRATUM_PORTS = new Set([
  3333, 3334, 3357, 4444, 5555, 5556, 6666, 7777, 9999, 13333, 14433, 14444, 17777, 20580, 45560,
  45700,
]);
const POOL_NAMES = [
  'stratum.',
  'xmrpool',
  'supportxmr',
  'minexmr',
  'nanopool',
  'moneroocean',
  'hashvault',
  'c3pool',
  '2miners',
  'f2pool',
  'nicehash',
  'ethermine',
  'miningpoolhub',
  'herominers',
  'viabtc',
  'antpool',
  'slushpool',
  'unmineable',
  'xmrig.com',
  'monerohash',
  'dwarfpool',
  'kryptex',
];

const who = (e) => {
  const w = e.workload?.pod ? e.workload : e.srcEndpoint?.workload;
  return w?.pod ? `pod ${w.namespace}/${w.pod}` : `node ${e.node}`;
};

export function trivial(Event) {
  return (bytes) => (Event.decode(bytes), 0);
}

export function cryptoMiner(Event) {
  const reported = new Set();
  const first = (k) => (
    reported.size >= 4096 && reported.clear(),
    !reported.has(k) && reported.add(k)
  );
  return (bytes) => {
    const e = Event.decode(bytes);
    const p = e.payload;
    if (e.classUid === 1007 && p?.$case === 'processActivity' && p.value.process) {
      const pr = p.value.process;
      const exe = pr.executablePath.split('/').pop().toLowerCase();
      const named = MINER_NAMES.has(pr.name.toLowerCase()) || MINER_NAMES.has(exe);
      const cmd = pr.cmdLine.toLowerCase();
      const arg = MINER_ARGS.find((a) => cmd.includes(a));
      if (!named && !arg) return 0;
      return first(`p|${who(e)}|${pr.executablePath}`) ? 2 : 0;
    }
    if (e.classUid === 4001 && p?.$case === 'networkActivity') {
      if (p.value.protocol !== 6 || p.value.direction === 1) return 0;
      if (!STRATUM_PORTS.has(e.dstEndpoint?.port ?? 0)) return 0;
      return first(`n|${who(e)}|${e.dstEndpoint.ip}:${e.dstEndpoint.port}`) ? 2 : 0;
    }
    if (e.classUid === 4003 && p?.$case === 'dnsActivity') {
      const host = (p.value.query?.hostname ?? '').toLowerCase();
      if (!POOL_NAMES.some((n) => host.includes(n))) return 0;
      return first(`d|${who(e)}|${host}`) ? 2 : 0;
    }
    return 0;
  };
}

function isExternal(ip) {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return !(
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  const l = ip.toLowerCase();
  return !(l === '' || l === '::1' || l === '::' || /^(fc|fd|fe[89ab]|ff)/.test(l));
}

export function suspiciousEgress(Event) {
  const pods = new Map();
  return (bytes) => {
    const e = Event.decode(bytes);
    const p = e.payload;
    if (e.classUid !== 4001 || p?.$case !== 'networkActivity') return 0;
    const w = e.workload?.pod ? e.workload : e.srcEndpoint?.workload;
    if (!w?.pod || p.value.direction === 1) return 0;
    const key = `${w.namespace}/${w.pod}`;
    if (!pods.has(key) && pods.size >= 8192) pods.clear();
    let pod = pods.get(key);
    if (!pod) pods.set(key, (pod = { first: e.timeNs, out: false, reported: new Set() }));
    const ip = e.dstEndpoint?.ip ?? '';
    if (p.value.direction === 3 || !isExternal(ip)) return 0;
    if (e.timeNs - pod.first < 300_000_000_000n || pod.out) return ((pod.out = true), 0);
    const dst = `${ip}:${e.dstEndpoint.port}`;
    if (pod.reported.has(dst) || pod.reported.size >= 16) return 1;
    pod.reported.add(dst);
    return 2;
  };
}

export function portKnock(Event) {
  const pairs = new Map();
  return (bytes) => {
    const e = Event.decode(bytes);
    const p = e.payload;
    if (e.classUid !== 4001 || p?.$case !== 'networkActivity' || !e.srcEndpoint?.ip) return 0;
    const n = p.value;
    const key = `${e.srcEndpoint.ip}>${e.dstEndpoint?.ip ?? ''}`;
    const now = e.timeNs;
    const port = e.dstEndpoint?.port ?? 0;
    const unanswered =
      [3, 4, 5].includes(n.activityId) ||
      (n.protocol === 6 && n.tcpFlags & 2 && (!(n.tcpFlags & 0x10) || n.tcpFlags & 4)) ||
      (n.protocol === 17 && n.traffic?.bytesIn === 0n);
    if (unanswered) {
      if (!pairs.has(key) && pairs.size >= 16384) pairs.clear();
      let k = pairs.get(key);
      if (!k) pairs.set(key, (k = { ports: [], scanning: false }));
      k.ports = k.ports.filter(([, at]) => now - at <= 15_000_000_000n);
      if (k.ports.length === 0) k.scanning = false;
      if (!k.ports.some(([q]) => q === port)) k.ports.push([port, now]);
      if (k.ports.length > 8) ((k.scanning = true), k.ports.splice(0, k.ports.length - 8));
      return 0;
    }
    if (n.protocol !== 6 || !(n.tcpFlags & 0x10) || n.tcpFlags & 4) return 0;
    const k = pairs.get(key);
    if (!k) return 0;
    k.ports = k.ports.filter(([, at]) => now - at <= 15_000_000_000n);
    if (k.scanning || k.ports.length < 3 || k.ports.some(([q]) => q === port)) return 0;
    pairs.delete(key);
    return 2;
  };
}
