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

/** Appends an id to a short evidence list, dropping the oldest past MAX_EVIDENCE_IDS. */
/**
 * What observe() returns when there is nothing to report: one shared, frozen empty array instead
 * of a new one per event (callers only read findings).
 */
export const NO_FINDINGS: DetectorFinding[] = Object.freeze([]) as unknown as DetectorFinding[];

export function pushEvidence(ids: string[], id: string): void {
  if (!id) return;
  ids.push(id);
  if (ids.length > MAX_EVIDENCE_IDS) ids.shift();
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
