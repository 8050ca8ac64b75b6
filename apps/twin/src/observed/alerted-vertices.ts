// Vertices open alerts name: a pod entity (`namespace/pod`), or an address a pod holds. An alert
// resolved or suppressed no longer marks them; one older than the alert TTL is forgotten.
import { AlertStatus, EntityKind, type Alert } from '@omega/proto';
import { KeptRecords, type KeptRecord } from './kept-records';
import type { AddressResolver } from './observed-flows';

export interface AlertRecord extends KeptRecord {
  readonly nodeIds: readonly string[];
}

const alertCodec = {
  encode: (r: AlertRecord) => ({ nodeIds: r.nodeIds, lastNs: String(r.lastNs) }),
  decode(json: unknown): AlertRecord | undefined {
    const r = json as { nodeIds?: unknown; lastNs?: unknown } | undefined;
    if (!Array.isArray(r?.nodeIds) || typeof r.lastNs !== 'string') return undefined;
    if (!r.nodeIds.every((id) => typeof id === 'string')) return undefined;
    return { nodeIds: r.nodeIds as string[], lastNs: BigInt(r.lastNs) };
  },
};

const CLOSED = new Set([AlertStatus.ALERT_STATUS_RESOLVED, AlertStatus.ALERT_STATUS_SUPPRESSED]);

export class AlertedVertices {
  readonly records: KeptRecords<AlertRecord>;

  constructor(maxAlerts: number) {
    this.records = new KeptRecords('alert', maxAlerts, alertCodec);
  }

  /** Takes an alert in; returns the vertex ids it marks (none for a closed alert). */
  take(alert: Alert, resolve: AddressResolver): string[] {
    if (CLOSED.has(alert.status)) {
      this.records.delete(alert.id);
      return [];
    }
    const ids = new Set<string>();
    for (const entity of alert.entities) {
      if (entity.kind === EntityKind.ENTITY_KIND_POD) {
        const [namespace, pod, extra] = entity.value.split('/');
        if (namespace && pod && extra === undefined) ids.add(`pod/${namespace}/${pod}`);
      } else if (entity.kind === EntityKind.ENTITY_KIND_IP_ADDRESS) {
        const pod = resolve(entity.value);
        if (pod) ids.add(pod);
      }
    }
    if (ids.size > 0)
      this.records.set(alert.id, { nodeIds: [...ids].sort(), lastNs: alert.timeNs });
    return [...ids];
  }

  /** Forgets alerts last raised before `oldestNs`. */
  expire(oldestNs: bigint): void {
    for (const [id, r] of [...this.records.entries()]) {
      if (r.lastNs < oldestNs) this.records.delete(id);
    }
  }

  /** Every vertex id an open alert names. */
  alerted(): Set<string> {
    const out = new Set<string>();
    for (const r of this.records.values()) for (const id of r.nodeIds) out.add(id);
    return out;
  }
}
