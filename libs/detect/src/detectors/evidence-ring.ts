// The last few evidence events of one entity (id and where the caller said it sits), in fixed slots
// reused in place: a detector's per-entity state keeps one ring for its life and clears it when the
// state is recycled for another entity, so recording evidence allocates nothing per event.
import type { Event } from '@omega/proto';
import {
  evidenceLocation,
  evidenceOf,
  MAX_EVIDENCE_IDS,
  type DetectorFinding,
  type EvidencePointer,
} from './detector';

export class EvidenceRing {
  /** Event ids and locations, interleaved: slot i's id at 2i, its location at 2i + 1. */
  private readonly slots: unknown[] = new Array<unknown>(2 * MAX_EVIDENCE_IDS).fill(undefined);
  /** Slot of the oldest event. */
  private start = 0;
  private count = 0;

  /** Appends an event (one without an id is not evidence), dropping the oldest past MAX_EVIDENCE_IDS. */
  push(event: Event): void {
    if (!event.id) return;
    let slot: number;
    if (this.count < MAX_EVIDENCE_IDS) {
      slot = (this.start + this.count) % MAX_EVIDENCE_IDS;
      this.count++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % MAX_EVIDENCE_IDS;
    }
    this.slots[2 * slot] = event.id;
    this.slots[2 * slot + 1] = evidenceLocation(event);
  }

  /** Forgets every event (and lets go of their ids and locations). */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % MAX_EVIDENCE_IDS;
      this.slots[2 * slot] = undefined;
      this.slots[2 * slot + 1] = undefined;
    }
    this.start = 0;
    this.count = 0;
  }

  /** The events, oldest first. */
  pointers(): EvidencePointer[] {
    const pointers: EvidencePointer[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % MAX_EVIDENCE_IDS;
      pointers.push({
        eventId: this.slots[2 * slot] as string,
        location: this.slots[2 * slot + 1],
      });
    }
    return pointers;
  }

  /** A finding's evidence fields (locations only when any is known), oldest event first. */
  findingFields(): Pick<DetectorFinding, 'evidenceEventIds' | 'evidenceLocations'> {
    return evidenceOf(this.pointers());
  }
}
