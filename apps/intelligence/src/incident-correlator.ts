// Correlates alerts into incidents as they are raised. An alert names several entities: its
// primary one (pod, else service account, else IP, else node: the key the detectors use), and the
// ones it is linked by: its pod, the IP addresses acting in it and, for a process outside any pod,
// its host. Never the sensor that merely saw the traffic. Alerts that share any of those entities
// while they keep coming belong to one incident, so an attacker's scan, login and the shell it
// opens tell one story. A gap longer than `gapMs` (by alert time) on every entity starts a new
// incident. Target-only addresses (a beacon's destination, a resolver) do not link: shared
// infrastructure would glue unrelated incidents together. The incident id is derived from the
// primary entity and the incident's first alert id, so a batch redelivered to the same replica gets
// the same incident ids. Bounded: the least recently active entities are forgotten first.
import { createHash } from 'node:crypto';
import { EntityKind, type Alert } from '@omega/proto';

interface OpenIncident {
  readonly id: string;
  lastNs: bigint;
}

export interface IncidentCorrelatorOptions {
  /** Quiet time after which the entity's next alert opens a new incident (default 3 h). */
  readonly gapMs?: number;
  /** Entities tracked (default 100 000). */
  readonly maxEntities?: number;
}

export class IncidentCorrelator {
  private readonly open = new Map<string, OpenIncident>();
  private readonly gapNs: bigint;
  private readonly maxEntities: number;

  constructor(options: IncidentCorrelatorOptions = {}) {
    this.gapNs = BigInt(options.gapMs ?? 3 * 3600_000) * 1_000_000n;
    this.maxEntities = options.maxEntities ?? 100_000;
  }

  /**
   * The incident of an alert raised at `timeNs` on `keys` (primary entity first): the open incident
   * of the first key that has one, else a new incident named after the primary key. Every key is
   * then linked to that incident.
   */
  assign(keys: string | readonly string[], alertId: string, timeNs: bigint): string {
    const all = typeof keys === 'string' ? [keys] : keys;
    const primary = all[0];
    if (primary === undefined) throw new Error('incident correlation needs at least one entity');
    let incident: OpenIncident | undefined;
    for (const key of all) {
      const current = this.open.get(key);
      if (current !== undefined && timeNs - current.lastNs <= this.gapNs) {
        incident = current;
        break;
      }
    }
    if (incident === undefined) incident = { id: incidentIdOf(primary, alertId), lastNs: timeNs };
    if (timeNs > incident.lastNs) incident.lastNs = timeNs;
    for (const key of all) {
      // Most recently active last, so the oldest is first to go.
      this.open.delete(key);
      this.open.set(key, incident);
    }
    while (this.open.size > this.maxEntities) this.open.delete(this.open.keys().next().value!);
    return incident.id;
  }

  get size(): number {
    return this.open.size;
  }
}

/**
 * The entities an alert is correlated by: `primary`, its pod, the IP addresses acting in it and, for
 * a process outside any pod, the host it ran on. The node that merely saw the traffic is not one of
 * them: one sensor (or one replayed capture) sees many unrelated hosts, and linking by it made one
 * incident of them all.
 */
export function correlationKeysOf(
  primary: string,
  alert: Pick<Alert, 'entities' | 'node'>,
): string[] {
  const keys = new Set([primary]);
  let pod = false;
  let process = false;
  for (const entity of alert.entities) {
    if (entity.kind === EntityKind.ENTITY_KIND_POD) {
      keys.add(`pod:${entity.value}`);
      pod = true;
    } else if (entity.kind === EntityKind.ENTITY_KIND_PROCESS) {
      process = true;
    } else if (entity.kind === EntityKind.ENTITY_KIND_IP_ADDRESS && entity.isActor) {
      keys.add(`ip:${entity.value}`);
    }
  }
  if (process && !pod && alert.node) keys.add(`node:${alert.node}`);
  return [...keys];
}

/** `inc-` and 24 hex digits of SHA-256(entity, first alert id). */
export function incidentIdOf(entityKey: string, firstAlertId: string): string {
  return `inc-${createHash('sha256').update(`${entityKey}\u0000${firstAlertId}`).digest('hex').slice(0, 24)}`;
}
