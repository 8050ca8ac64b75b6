// Counts the JetStream operations the engine performs, by kind, so the cost per step is a measured
// number (a metric and a bench figure), not a guess.
// Pull requests are not counted: the consumer batches them (one per `concurrency / 2` tasks).
export const OP_KINDS = ['append', 'read', 'task_publish', 'ack', 'nak', 'heartbeat'] as const;
export type OpKind = (typeof OP_KINDS)[number];

export class JetStreamOps {
  private readonly counts = new Map<OpKind, number>(OP_KINDS.map((k) => [k, 0]));
  constructor(private readonly onCount?: (kind: OpKind) => void) {}

  count(kind: OpKind, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
    if (this.onCount) for (let i = 0; i < n; i++) this.onCount(kind);
  }

  get(kind: OpKind): number {
    return this.counts.get(kind) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  snapshot(): Record<OpKind, number> {
    return Object.fromEntries(this.counts) as Record<OpKind, number>;
  }
}
