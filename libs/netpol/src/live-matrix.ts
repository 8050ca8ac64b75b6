// One (port, protocol)'s reachability over a LiveCluster's slots, updated in place: a pod change
// re-decides its bit in each class of rows and recomputes its own row and column; a policy change
// recomputes the rows of the pods it selects (before or after) and their columns. Pods selected by
// the same policies (and, for ingress, with the same named ports here) share one row, as in
// reachability-matrix.ts, whose from-scratch build specs compare this with.
import type { Pod } from './cluster';
import type { Direction } from './compiled-policies';
import type { Protocol } from './label-schema';
import { setBit, type LiveCluster, type LivePolicy, type LiveRule } from './live-cluster';
import { matchingPort } from './port-match';
import { PodSet } from './pod-set';
import { transposeBits } from './reachability-matrix';

/** Rows shared by the slots with one key. */
interface RowClass {
  readonly row: PodSet;
  readonly policies: readonly LivePolicy[];
  /** Ingress: the destination's named ports on this port (what a rule's named port reads). */
  readonly destination: Pod | undefined;
  members: number;
}

/** Past this many changed ingress rows, the transpose is rebuilt whole (n²/32 words, ~0.1 s). */
const COLUMN_UPDATES_MAX = 512;

export class LiveMatrix {
  private readonly classes: Record<Direction, Map<string, RowClass>> = {
    ingress: new Map(),
    egress: new Map(),
  };
  private readonly keys: Record<Direction, (string | undefined)[]> = { ingress: [], egress: [] };
  /** Each slot's class row (the class map read once per join, not per lookup). */
  private readonly rows: Record<Direction, (PodSet | undefined)[]> = { ingress: [], egress: [] };
  /** Per slot s: the slots d whose ingress admits s (the ingress matrix transposed). */
  private ingressT: PodSet[] = [];
  /** Per slot s: egress at s and ingress at d both admit s → d. */
  private readonly combined: PodSet[] = [];
  /** An egress rule's destinations by port (named ports resolve on them), kept per slot. */
  private readonly egressPorts = new Map<LiveRule, PodSet>();

  constructor(
    private readonly cluster: LiveCluster,
    readonly port: number,
    readonly protocol: Protocol,
  ) {
    const cap = cluster.capacity;
    for (let s = 0; s < cap; s++) {
      if (!cluster.live.has(s)) continue;
      this.join('ingress', s);
      this.join('egress', s);
    }
    this.retranspose();
    for (let s = 0; s < cap; s++) this.combined[s] = this.combinedRow(s);
  }

  allowed(from: number, to: number): boolean {
    return this.combined[from]?.has(to) ?? false;
  }
  ingressAllowed(from: number, to: number): boolean {
    return this.row('ingress', to)?.has(from) ?? false;
  }
  egressAllowed(from: number, to: number): boolean {
    return this.row('egress', from)?.has(to) ?? false;
  }
  /** The slots `from` reaches (callers must not modify the set). */
  reachableFrom(from: number): PodSet {
    return this.combined[from]!;
  }

  /** A pod was stored in, or removed from, slot p (the cluster already holds the change). */
  podChanged(p: number): void {
    const pod = this.cluster.pods[p];
    for (const [rule, set] of this.egressPorts) setBit(set, p, this.portAdmits(rule, pod));
    for (const direction of ['ingress', 'egress'] as const) {
      for (const c of this.classes[direction].values()) {
        setBit(c.row, p, this.admits(c, direction, p));
      }
      this.leave(direction, p);
      if (pod) this.join(direction, p);
    }
    const cap = this.cluster.capacity;
    const live = this.cluster.live;
    const rowT = new PodSet(cap);
    const inP = this.row('ingress', p);
    for (let s = 0; s < cap; s++) {
      if (!live.has(s)) continue;
      if (this.row('ingress', s)!.has(p)) rowT.add(s);
      setBit(this.ingressT[s]!, p, inP?.has(s) ?? false);
    }
    this.ingressT[p] = pod ? rowT : new PodSet(cap);
    this.combined[p] = this.combinedRow(p);
    for (let s = 0; s < cap; s++) {
      if (s === p || !live.has(s)) continue;
      setBit(this.combined[s]!, p, this.combinedBit(s, p));
    }
  }

  /** NetworkPolicy `id` changed; `affected`: the slots it selected before or selects now. */
  policyChanged(id: string, affected: PodSet): void {
    const rules = new Set<LiveRule>();
    for (const policy of this.cluster.policies.values()) {
      for (const rule of policy.egress ?? []) rules.add(rule);
    }
    for (const [rule] of this.egressPorts) if (!rules.has(rule)) this.egressPorts.delete(rule);
    const slots = [...affected.indexes()];
    for (const direction of ['ingress', 'egress'] as const) {
      for (const s of slots) this.leave(direction, s);
      // Rows that read the policy are stale even where the selection did not move.
      for (const [key, c] of this.classes[direction]) {
        if (c.policies.some((p) => p.id === id)) this.classes[direction].delete(key);
      }
      for (const s of slots) if (this.cluster.pods[s]) this.join(direction, s);
    }
    const cap = this.cluster.capacity;
    const live = this.cluster.live;
    if (slots.length > COLUMN_UPDATES_MAX) {
      this.retranspose();
      for (let s = 0; s < cap; s++) this.combined[s] = this.combinedRow(s);
      return;
    }
    // Columns d of the transpose and of the combined rows, a word of 32 columns at a time.
    const words = [...new Set(slots.map((d) => d >>> 5))];
    const columns = words.map((w) =>
      slots.filter((d) => d >>> 5 === w).map((d) => [d & 31, this.row('ingress', d)] as const),
    );
    const mask = affected.words;
    for (let s = 0; s < cap; s++) {
      if (!live.has(s)) continue;
      const t = this.ingressT[s]!.words;
      words.forEach((w, i) => {
        let bits = 0;
        for (const [bit, row] of columns[i]!) if (row?.has(s)) bits |= 1 << bit;
        t[w] = (t[w]! & ~mask[w]!) | bits;
      });
    }
    for (const s of slots) this.combined[s] = this.combinedRow(s);
    for (let s = 0; s < cap; s++) {
      if (!live.has(s) || affected.has(s)) continue;
      const out = this.combined[s]!.words;
      const egress = this.row('egress', s)!.words;
      const t = this.ingressT[s]!.words;
      for (const w of words) out[w] = (out[w]! & ~mask[w]!) | (egress[w]! & t[w]! & mask[w]!);
    }
  }

  private combinedBit(s: number, d: number): boolean {
    return (this.row('egress', s)?.has(d) ?? false) && this.ingressT[s]!.has(d);
  }

  private combinedRow(s: number): PodSet {
    const egress = this.row('egress', s);
    if (!egress) return new PodSet(this.cluster.capacity);
    return this.ingressT[s]!.clone().andInPlace(egress);
  }

  private row(direction: Direction, s: number): PodSet | undefined {
    return this.rows[direction][s];
  }

  /** The ingress matrix transposed from scratch. */
  private retranspose(): void {
    const cap = this.cluster.capacity;
    const words = (cap + 31) >>> 5;
    const flat = new Uint32Array(words * 32 * words);
    for (let d = 0; d < cap; d++) {
      const row = this.row('ingress', d);
      if (row) flat.set(row.words, d * words);
    }
    const t = transposeBits(flat, words);
    this.ingressT = [];
    for (let s = 0; s < cap; s++) {
      this.ingressT.push(new PodSet(cap, t.slice(s * words, (s + 1) * words)));
    }
  }

  private leave(direction: Direction, s: number): void {
    const key = this.keys[direction][s];
    if (key === undefined) return;
    this.keys[direction][s] = undefined;
    this.rows[direction][s] = undefined;
    const c = this.classes[direction].get(key);
    if (c && --c.members === 0) this.classes[direction].delete(key);
  }

  private join(direction: Direction, s: number): void {
    const ids = this.cluster.selecting[direction][s]!;
    const pod = this.cluster.pods[s]!;
    const names =
      direction === 'ingress'
        ? pod.namedPorts
            .filter((p) => p.port === this.port && p.protocol === this.protocol)
            .map((p) => p.name)
            .sort()
        : [];
    const key = `${ids.join(',')}|${names.join(',')}`;
    this.keys[direction][s] = key;
    let c = this.classes[direction].get(key);
    if (!c) {
      const destination =
        direction === 'ingress'
          ? ({
              namedPorts: names.map((name) => ({ name, port: this.port, protocol: this.protocol })),
            } as unknown as Pod)
          : undefined;
      const policies = ids.map((id) => this.cluster.policies.get(id)!);
      c = { row: new PodSet(this.cluster.capacity), policies, destination, members: 0 };
      c.row.words.set(this.computeRow(c, direction).words);
      this.classes[direction].set(key, c);
    }
    c.members++;
    this.rows[direction][s] = c.row;
  }

  /** A class's row from scratch: no policy allows every pod, else the union of what rules admit. */
  private computeRow(c: RowClass, direction: Direction): PodSet {
    const live = this.cluster.live;
    if (c.policies.length === 0) return live.clone();
    const row = new PodSet(this.cluster.capacity);
    for (const policy of c.policies) {
      for (const rule of policy[direction]!) {
        let peers: PodSet;
        if (rule.peers === undefined) peers = live;
        else {
          peers = new PodSet(this.cluster.capacity);
          for (const peer of rule.peers) peers.orInPlace(peer.pods);
        }
        if (direction === 'ingress') {
          if (matchingPort(rule.ports, this.port, this.protocol, c.destination) !== undefined) {
            row.orInPlace(peers);
          }
        } else row.orInPlace(peers.clone().andInPlace(this.egressTargets(rule)));
      }
    }
    return row;
  }

  /** Whether slot p's bit is set in a class's row. */
  private admits(c: RowClass, direction: Direction, p: number): boolean {
    if (!this.cluster.live.has(p)) return false;
    if (c.policies.length === 0) return true;
    for (const policy of c.policies) {
      for (const rule of policy[direction]!) {
        if (rule.peers !== undefined && !rule.peers.some((peer) => peer.pods.has(p))) continue;
        const portOk =
          direction === 'ingress'
            ? matchingPort(rule.ports, this.port, this.protocol, c.destination) !== undefined
            : this.portAdmits(rule, this.cluster.pods[p]);
        if (portOk) return true;
      }
    }
    return false;
  }

  private portAdmits(rule: LiveRule, destination: Pod | undefined): boolean {
    return (
      destination !== undefined &&
      matchingPort(rule.ports, this.port, this.protocol, destination) !== undefined
    );
  }

  /** The live destinations an egress rule's ports admit on this port. */
  private egressTargets(rule: LiveRule): PodSet {
    if (rule.ports === undefined) return this.cluster.live;
    let set = this.egressPorts.get(rule);
    if (!set) {
      set = new PodSet(this.cluster.capacity);
      this.cluster.pods.forEach((pod, i) => {
        if (this.portAdmits(rule, pod)) set!.add(i);
      });
      this.egressPorts.set(rule, set);
    }
    return set;
  }
}
