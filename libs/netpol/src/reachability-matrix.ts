// The whole cluster's pod-to-pod reachability on one port and protocol, as bit rows: each pod's
// egress and ingress sets come from the precompiled peer sets (pods selected by the same policies
// share one row), and the combined matrix is egress ∧ transpose(ingress), 32×32 bits at a time.
import { Code, OmegaError } from '@omega/errors';
import type { CompiledCluster, CompiledRule, Direction } from './compiled-policies';
import type { Protocol } from './label-schema';
import { matchingPort, portTargets } from './port-match';
import { PodSet } from './pod-set';

/** The most pods a matrix is built for: three n×n bit matrices, about 320 MiB at this size. */
export const MATRIX_MAX_PODS = 30_000;

export interface ReachabilityMatrix {
  readonly port: number;
  readonly protocol: Protocol;
  /** Pod ids ("namespace/name") by index; every index below refers to this list. */
  readonly pods: readonly string[];
  /** Whether `from` may open a connection to `to`: egress at `from` and ingress at `to` allow it. */
  allowed(from: number, to: number): boolean;
  /** Ingress at `to` alone. */
  ingressAllowed(from: number, to: number): boolean;
  /** Egress at `from` alone. */
  egressAllowed(from: number, to: number): boolean;
  /** The destinations `from` reaches (callers must not modify the set). */
  reachableFrom(from: number): PodSet;
  /** Allowed pairs, a pod to itself included. */
  countAllowed(): number;
  /** Pods on the host network, whose verdicts are not enforced. */
  readonly hostNetworkPods: readonly string[];
}

export function reachabilityMatrix(
  compiled: CompiledCluster,
  options: { port: number; protocol?: Protocol },
): ReachabilityMatrix {
  const { port } = options;
  const protocol = options.protocol ?? 'TCP';
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OmegaError(Code.InvalidArgument, `port: ${port} is not a port number (1-65535)`);
  }
  const n = compiled.index.size;
  if (n > MATRIX_MAX_PODS) {
    throw new OmegaError(
      Code.ResourceExhausted,
      `reachability matrix: ${n} pods, more than the ${MATRIX_MAX_PODS} a matrix holds (it takes 3·n²/8 bytes); ask per connection or per namespace instead`,
    );
  }
  const egress = directionRows(compiled, 'egress', port, protocol);
  const ingress = directionRows(compiled, 'ingress', port, protocol);
  const words = (n + 31) >>> 5;
  // Row s of the combined matrix: egress[s] ∧ column s of the ingress matrix.
  const ingressFlat = new Uint32Array(words * 32 * words);
  ingress.forEach((row, d) => ingressFlat.set(row.words, d * words));
  const combined = transposeBits(ingressFlat, words);
  const rows: PodSet[] = [];
  for (let s = 0; s < n; s++) {
    const row = new PodSet(n, combined.subarray(s * words, (s + 1) * words));
    row.andInPlace(egress[s]!);
    rows.push(row);
  }
  return {
    port,
    protocol,
    pods: compiled.index.pods.map((p) => p.id),
    allowed: (from, to) => rows[from]!.has(to),
    ingressAllowed: (from, to) => ingress[to]!.has(from),
    egressAllowed: (from, to) => egress[from]!.has(to),
    reachableFrom: (from) => rows[from]!,
    countAllowed: () => rows.reduce((sum, row) => sum + row.count(), 0),
    hostNetworkPods: compiled.index.pods.filter((p) => p.hostNetwork).map((p) => p.id),
  };
}

/**
 * For each pod, the set of peers its `direction` allows: admin policies by precedence (first
 * matching rule per peer; Pass hands the peer to NetworkPolicy), then NetworkPolicy if any selects
 * the pod, else the baseline policy, else allow.
 */
function directionRows(
  compiled: CompiledCluster,
  direction: Direction,
  port: number,
  protocol: Protocol,
): PodSet[] {
  const n = compiled.index.size;
  const selecting = compiled.selecting[direction];
  const all = compiled.index.all;
  const none = new PodSet(n);
  const peerUnions = new Map<CompiledRule, PodSet | 'all'>();
  const portSets = new Map<CompiledRule, PodSet | 'all'>();
  const shared = new Map<string, PodSet>();

  const peersOf = (rule: CompiledRule): PodSet | 'all' => {
    let set = peerUnions.get(rule);
    if (set === undefined) {
      if (rule.peers === undefined) set = 'all';
      else {
        set = new PodSet(n);
        for (const peer of rule.peers) set.orInPlace(peer.pods);
      }
      peerUnions.set(rule, set);
    }
    return set;
  };
  /** The peers a rule matches on this port, for this subject. */
  const targets = (rule: CompiledRule, subject: number): PodSet | 'all' => {
    let ports: PodSet | 'all';
    if (direction === 'ingress') {
      // Named ports resolve on the destination: the subject itself.
      ports =
        matchingPort(rule.ports, port, protocol, compiled.pod(subject)) === undefined
          ? none
          : 'all';
    } else {
      ports = portSets.get(rule) ?? portTargets(compiled.index, rule.ports, port, protocol);
      portSets.set(rule, ports);
    }
    const peers = peersOf(rule);
    if (ports === 'all') return peers;
    if (peers === 'all') return ports;
    return ports.clone().andInPlace(peers);
  };

  const rows: PodSet[] = [];
  for (let s = 0; s < n; s++) {
    const admin = selecting.admin[s]!;
    const network = selecting.network[s]!;
    const baseline = compiled.baseline !== undefined && selecting.baseline[s]!;
    // Pods with the same selecting policies (and, for ingress, the same named ports here) share a row.
    const names =
      direction === 'ingress'
        ? compiled
            .pod(s)
            .namedPorts.filter((p) => p.port === port && p.protocol === protocol)
            .map((p) => p.name)
            .sort()
            .join(',')
        : '';
    const key = `${admin.join(',')}|${network.join(',')}|${baseline ? 1 : 0}|${names}`;
    let row = shared.get(key);
    if (!row) {
      row = computeRow(s);
      shared.set(key, row);
    }
    rows.push(row);
  }
  return rows;

  function computeRow(s: number): PodSet {
    const admin = selecting.admin[s]!;
    const network = selecting.network[s]!;
    if (
      admin.length === 0 &&
      network.length === 0 &&
      !(compiled.baseline && selecting.baseline[s])
    ) {
      return all;
    }
    const allowed = new PodSet(n);
    const decided = new PodSet(n);
    const passed = new PodSet(n);
    const apply = (rule: CompiledRule): void => {
      const matched = targets(rule, s);
      const fresh = (matched === 'all' ? all : matched).clone().andNotInPlace(decided);
      if (rule.action === 'Allow') allowed.orInPlace(fresh);
      if (rule.action === 'Pass') passed.orInPlace(fresh);
      decided.orInPlace(fresh);
    };
    for (const p of admin)
      for (const rule of compiled.adminPolicies[p]![direction] ?? []) apply(rule);
    // Only Allow and Deny are final; peers no admin rule decided, and those passed, go on.
    decided.andNotInPlace(passed);
    if (network.length > 0) {
      const admitted = new PodSet(n);
      for (const p of network) {
        for (const rule of compiled.networkPolicies[p]![direction]!) {
          const matched = targets(rule, s);
          admitted.orInPlace(matched === 'all' ? all : matched);
        }
      }
      return allowed.orInPlace(admitted.andNotInPlace(decided));
    }
    if (compiled.baseline && selecting.baseline[s]) {
      for (const rule of compiled.baseline[direction] ?? []) apply(rule);
    }
    return allowed.orInPlace(decided.complement());
  }
}

/**
 * Transposes a square bit matrix of `words`·32 rows of `words` words each (row r, bit c at word
 * c>>>5, bit c&31), one 32×32 block at a time (Hacker's Delight, transpose32, LSB-first).
 */
export function transposeBits(matrix: Uint32Array, words: number): Uint32Array {
  const out = new Uint32Array(matrix.length);
  const block = new Uint32Array(32);
  for (let rb = 0; rb < words; rb++) {
    for (let cb = 0; cb < words; cb++) {
      let any = 0;
      for (let i = 0; i < 32; i++) any |= block[i] = matrix[(rb * 32 + i) * words + cb]!;
      if (any === 0) continue;
      for (let j = 16, m = 0x0000ffff; j !== 0; j >>>= 1, m = (m ^ (m << j)) >>> 0) {
        for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
          const t = ((block[k]! >>> j) ^ block[k + j]!) & m;
          block[k] = block[k]! ^ (t << j);
          block[k + j] = block[k + j]! ^ t;
        }
      }
      for (let i = 0; i < 32; i++) out[(cb * 32 + i) * words + rb] = block[i]!;
    }
  }
  return out;
}
