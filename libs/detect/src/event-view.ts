// A per-event cache of field reads: each Sigma field is read and lower-cased at most once per
// event, however many rules look at it. One view is reused across events (no per-event allocation
// beyond the strings the reads themselves produce).
import { Code, OmegaError } from '@omega/errors';
import type { Event } from '@omega/proto';
import { FIELD_SLOT_COUNT, type FieldValue, type SigmaFieldMapping } from './field-mapping';

export type FieldText = string | readonly string[] | undefined;

export class EventView {
  private current: Event | undefined;
  private epoch = 0;
  private readonly valueEpoch = new Uint32Array(FIELD_SLOT_COUNT);
  private readonly textEpoch = new Uint32Array(FIELD_SLOT_COUNT);
  private readonly lowerEpoch = new Uint32Array(FIELD_SLOT_COUNT);
  private readonly values: FieldValue[] = new Array<FieldValue>(FIELD_SLOT_COUNT).fill(undefined);
  private readonly texts: FieldText[] = new Array<FieldText>(FIELD_SLOT_COUNT).fill(undefined);
  private readonly lowers: FieldText[] = new Array<FieldText>(FIELD_SLOT_COUNT).fill(undefined);

  /** Points the view at the next event and forgets every cached read. */
  reset(event: Event): this {
    this.current = event;
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      // Wrapped after 2^32 events: clear the stamps so no stale read survives.
      this.valueEpoch.fill(0);
      this.textEpoch.fill(0);
      this.lowerEpoch.fill(0);
      this.epoch = 1;
    }
    return this;
  }

  get event(): Event {
    if (!this.current)
      throw new OmegaError(Code.FailedPrecondition, 'EventView used before reset(event)');
    return this.current;
  }

  value(field: SigmaFieldMapping): FieldValue {
    const slot = field.slot;
    if (this.valueEpoch[slot] !== this.epoch) {
      this.values[slot] = field.read(this.event);
      this.valueEpoch[slot] = this.epoch;
    }
    return this.values[slot];
  }

  /** The field as text (numbers and flags in their decimal/`true`/`false` form). */
  text(field: SigmaFieldMapping): FieldText {
    const slot = field.slot;
    if (this.textEpoch[slot] !== this.epoch) {
      const value = this.value(field);
      this.texts[slot] =
        value === undefined || typeof value === 'string' || Array.isArray(value)
          ? (value as FieldText)
          : String(value);
      this.textEpoch[slot] = this.epoch;
    }
    return this.texts[slot];
  }

  /** The field's text lower-cased, for Sigma's default case-insensitive matching. */
  lower(field: SigmaFieldMapping): FieldText {
    const slot = field.slot;
    if (this.lowerEpoch[slot] !== this.epoch) {
      const text = this.text(field);
      this.lowers[slot] =
        text === undefined
          ? undefined
          : typeof text === 'string'
            ? text.toLowerCase()
            : text.map((t) => t.toLowerCase());
      this.lowerEpoch[slot] = this.epoch;
    }
    return this.lowers[slot];
  }
}
