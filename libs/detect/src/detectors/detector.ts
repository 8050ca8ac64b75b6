// The one interface every streaming detector implements, and the finding it reports.
import type { AlertReason, Entity, Event, Severity } from '@omega/proto';

/**
 * A finding from a streaming detector: the pieces of an Omega Alert that the detector knows
 * (severity, ATT&CK ids, entities, evidence, the explanation and its sub-scores). Alert ids,
 * de-duplication windows and incidents are the alerting layer's job, not the detector's.
 */
export interface DetectorFinding {
  /** The detector that produced it, e.g. `port-scan`. */
  detectorId: string;
  /** Which test fired, e.g. `trw-host-scan`, `zeek-port-scan`, `rita-beacon`. */
  kind: string;
  /** Event time of the event that completed the evidence. */
  timeNs: bigint;
  /** OCSF severity_id, 0–6. */
  severity: Severity;
  title: string;
  attackTechniqueIds: string[];
  attackTacticIds: string[];
  /** The key the detector's state is held under (`pod:ns/name`, `sa:ns/name` or `ip:addr`). */
  entityKey: string;
  entities: Entity[];
  /** Ids of (at most the last few) events that make up the evidence. */
  evidenceEventIds: string[];
  /**
   * Where each of those events sits, in the same order, as the caller that fed them said
   * (locateEvidence); present only when the caller located at least one.
   */
  evidenceLocations?: unknown[];
  /** Plain language: what was seen, and why it crossed the line (sub-scores versus the baseline). */
  explanation: string;
  /** One entry per sub-score or test, observed versus expected. */
  reasons: AlertReason[];
  /** 0–1. */
  confidence: number;
}

/** A streaming detector: pure, event time only, bounded state. */
export interface Detector {
  readonly id: string;
  /** Feeds one event (any class; a detector ignores what it does not read) and returns findings. */
  observe(event: Event): DetectorFinding[];
  /** Entries currently held (sources, pairs, sessions, sketch cells): never above the documented cap. */
  stateSize(): number;
}

/** The most evidence event ids any finding carries. */
export const MAX_EVIDENCE_IDS = 8;

/**
 * What observe() returns when there is nothing to report: one shared, frozen empty array instead
 * of a new one per event (callers only read findings).
 */
export const NO_FINDINGS: DetectorFinding[] = Object.freeze([]) as unknown as DetectorFinding[];

/**
 * The caller's note of where an event sits (its batch and index): opaque to detectors, carried with
 * the event's id into a finding's evidence, so every evidence event can be read back, not only the
 * one that completed the finding. Kept on the event object under a symbol, never encoded.
 */
const EVIDENCE_LOCATION = Symbol.for('omega.detect.evidence-location');

type Located = Event & { [EVIDENCE_LOCATION]?: unknown };

/** Notes where `event` sits, before a detector observes it. */
export function locateEvidence(event: Event, location: unknown): void {
  (event as Located)[EVIDENCE_LOCATION] = location;
}

/** One event of a finding's evidence: its id, and where the caller said it sits. */
export interface EvidencePointer {
  readonly eventId: string;
  readonly location: unknown;
}

/** Where the caller said `event` sits (undefined if it did not say). */
export function evidenceLocation(event: Event): unknown {
  return (event as Located)[EVIDENCE_LOCATION];
}

/** A finding's evidence fields from an evidence list (locations only when any is known). */
export function evidenceOf(
  list: readonly EvidencePointer[],
): Pick<DetectorFinding, 'evidenceEventIds' | 'evidenceLocations'> {
  const evidenceEventIds = list.map((pointer) => pointer.eventId);
  if (list.every((pointer) => pointer.location === undefined)) return { evidenceEventIds };
  return { evidenceEventIds, evidenceLocations: list.map((pointer) => pointer.location) };
}

/** The evidence of a finding completed by `event` alone. */
export function evidenceOfEvent(
  event: Event,
): Pick<DetectorFinding, 'evidenceEventIds' | 'evidenceLocations'> {
  if (!event.id) return { evidenceEventIds: [] };
  // Built directly, without the intermediate lists of evidenceOf: new-edge reports one finding
  // per new edge, so in a sweep from many sources this runs for every flow.
  const location = evidenceLocation(event);
  return location === undefined
    ? { evidenceEventIds: [event.id] }
    : { evidenceEventIds: [event.id], evidenceLocations: [location] };
}

export function reason(
  feature: string,
  observedValue: string | number,
  expectedValue: string | number,
  summary: string,
  weight = 1,
  eventIds: string[] = [],
): AlertReason {
  return {
    feature,
    observedValue: String(observedValue),
    expectedValue: String(expectedValue),
    summary,
    weight,
    eventIds,
  };
}

/** Event time in seconds as a float (beacon timing works in seconds, as RITA does). */
export function secondsOf(timeNs: bigint): number {
  return Number(timeNs / 1_000_000n) / 1000;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
