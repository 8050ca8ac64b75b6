// Correlates alerts into incidents as they are raised. An alert names several entities: its
// primary one (pod, else service account, else IP, else node: the key the detectors use), and the
// ones it is linked by: its pod, the IP addresses acting in it and, for a process outside any pod,
// its host. Never the sensor that merely saw the traffic. Alerts that share any of those entities
// while they keep coming belong to one incident, so an attacker's scan, login and the shell it
// opens tell one story. A gap longer than `gapMs` (by alert time) on every entity starts a new
// incident. What an alert is aimed at (the scanned host, a beacon's command server, a tunnel's
// domain) links too, but only while few distinct entities aim at it: shared infrastructure
// would glue unrelated incidents together. The incident id is derived from the
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
  /**
   * A target (an address or domain an alert is aimed at) links alerts only while at most this many
   * distinct entities have been seen aiming at it (default 3): an attacker's scanner, command
   * server or tunnel domain is aimed at by a few; shared infrastructure (an API server, a popular
   * service) by many, and linking through it would glue unrelated incidents together.
   */
  readonly maxTargetPrevalence?: number;
}

/** What an alert is correlated by: the entities it is about, and the ones it is aimed at. */
export interface CorrelationKeys {
  /** The primary entity first, then its pod, acting addresses and (for host processes) node. */
  readonly links: readonly string[];
  /** Addresses and domains the alert is aimed at: links while few entities aim at them. */
  readonly targets: readonly string[];
}

export class IncidentCorrelator {
  private readonly open = new Map<string, OpenIncident>();
  /** target → the distinct primary entities seen aiming at it (at most maxTargetPrevalence + 1). */
  private readonly aimedBy = new Map<string, Set<string>>();
  private readonly gapNs: bigint;
  private readonly maxEntities: number;
  private readonly maxTargetPrevalence: number;

  constructor(options: IncidentCorrelatorOptions = {}) {
    this.gapNs = BigInt(options.gapMs ?? 3 * 3600_000) * 1_000_000n;
    this.maxEntities = options.maxEntities ?? 100_000;
    this.maxTargetPrevalence = options.maxTargetPrevalence ?? 3;
  }

  /** The targets of `keys` that still link: aimed at by few distinct entities so far. */
  private linkingTargets(keys: CorrelationKeys): string[] {
    const primary = keys.links[0]!;
    const linking: string[] = [];
    for (const target of keys.targets) {
      let aimers = this.aimedBy.get(target);
      if (aimers === undefined) {
        aimers = new Set();
        this.aimedBy.set(target, aimers);
        if (this.aimedBy.size > this.maxEntities) {
          this.aimedBy.delete(this.aimedBy.keys().next().value!);
        }
      }
      if (aimers.size <= this.maxTargetPrevalence) aimers.add(primary);
      if (aimers.size <= this.maxTargetPrevalence) linking.push(target);
    }
    return linking;
  }

  /**
   * The incident of an alert raised at `timeNs` on `keys` (primary entity first): the open incident
   * of the first key that has one, else a new incident named after the primary key. Every key is
   * then linked to that incident.
   */
  assign(
    keys: string | readonly string[] | CorrelationKeys,
    alertId: string,
    timeNs: bigint,
  ): string {
    const all =
      typeof keys === 'string'
        ? [keys]
        : 'links' in keys
          ? [...keys.links, ...this.linkingTargets(keys)]
          : keys;
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
 * a process outside any pod, the host it ran on; and as targets, the addresses and domains it is
 * aimed at. The node that merely saw the traffic is not one of them: one sensor (or one replayed
 * capture) sees many unrelated hosts, and linking by it made one incident of them all.
 */
export function correlationKeysOf(
  primary: string,
  alert: Pick<Alert, 'entities' | 'node'>,
): CorrelationKeys {
  const links = new Set([primary]);
  const targets = new Set<string>();
  let pod = false;
  let process = false;
  for (const entity of alert.entities) {
    if (entity.kind === EntityKind.ENTITY_KIND_POD) {
      links.add(`pod:${entity.value}`);
      pod = true;
    } else if (entity.kind === EntityKind.ENTITY_KIND_PROCESS) {
      process = true;
    } else if (entity.kind === EntityKind.ENTITY_KIND_IP_ADDRESS) {
      (entity.isActor ? links : targets).add(`ip:${entity.value}`);
    } else if (entity.kind === EntityKind.ENTITY_KIND_DOMAIN && !entity.isActor) {
      targets.add(`domain:${entity.value}`);
    }
  }
  if (process && !pod && alert.node) links.add(`node:${alert.node}`);
  for (const link of links) targets.delete(link);
  return { links: [...links], targets: [...targets] };
}

/** `inc-` and 24 hex digits of SHA-256(entity, first alert id). */
export function incidentIdOf(entityKey: string, firstAlertId: string): string {
  return `inc-${createHash('sha256').update(`${entityKey}\u0000${firstAlertId}`).digest('hex').slice(0, 24)}`;
}
