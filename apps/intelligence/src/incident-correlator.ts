// Correlates alerts into incidents as they are raised: alerts on the same entity (pod, else service
// account, else IP, else node: the key the detectors use) belong to one incident while they keep
// coming; a gap longer than `gapMs` (by alert time) starts a new one. The incident id is derived
// from the entity and the incident's first alert id, so a batch redelivered to the same replica
// gets the same incident ids. Bounded: the least recently active entities are forgotten first.
import { createHash } from 'node:crypto';

interface OpenIncident {
  readonly id: string;
  lastNs: bigint;
}

export interface IncidentCorrelatorOptions {
  /** Quiet time after which the entity's next alert opens a new incident (default 30 min). */
  readonly gapMs?: number;
  /** Entities tracked (default 100 000). */
  readonly maxEntities?: number;
}

export class IncidentCorrelator {
  private readonly open = new Map<string, OpenIncident>();
  private readonly gapNs: bigint;
  private readonly maxEntities: number;

  constructor(options: IncidentCorrelatorOptions = {}) {
    this.gapNs = BigInt(options.gapMs ?? 30 * 60_000) * 1_000_000n;
    this.maxEntities = options.maxEntities ?? 100_000;
  }

  /** The incident of an alert on `entityKey` raised at `timeNs`. */
  assign(entityKey: string, alertId: string, timeNs: bigint): string {
    const current = this.open.get(entityKey);
    if (current !== undefined && timeNs - current.lastNs <= this.gapNs) {
      if (timeNs > current.lastNs) current.lastNs = timeNs;
      // Most recently active last, so the oldest is first to go.
      this.open.delete(entityKey);
      this.open.set(entityKey, current);
      return current.id;
    }
    const id = incidentIdOf(entityKey, alertId);
    this.open.delete(entityKey);
    this.open.set(entityKey, { id, lastNs: timeNs });
    if (this.open.size > this.maxEntities) this.open.delete(this.open.keys().next().value!);
    return id;
  }

  get size(): number {
    return this.open.size;
  }
}

/** `inc-` and 24 hex digits of SHA-256(entity, first alert id). */
export function incidentIdOf(entityKey: string, firstAlertId: string): string {
  return `inc-${createHash('sha256').update(`${entityKey}\u0000${firstAlertId}`).digest('hex').slice(0, 24)}`;
}
