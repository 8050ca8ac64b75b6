// Precision, recall and time to detect per attack kind, from a scenario's ground truth and what the
// detection raised. A detection is true when it names a ground-truth attacker of its kind at or
// after that attack began; each attack counts as detected once, at its earliest true detection.
import type { AttackKind, GroundTruth } from './scenario-generator';

export interface Detection {
  /** The attack kind the rule or detector that fired stands for. */
  readonly kind: AttackKind;
  /** The detectors' entity key the alert is about. */
  readonly entityKey: string;
  /** Event time of the alert. */
  readonly timeNs: bigint;
}

export interface KindScore {
  readonly kind: AttackKind;
  readonly attacks: number;
  readonly detected: number;
  readonly detections: number;
  readonly truePositives: number;
  /** truePositives / detections (1 when there were none). */
  readonly precision: number;
  /** detected / attacks. */
  readonly recall: number;
  /** Seconds from an attack's first event to its first true detection, over detected attacks. */
  readonly timeToDetectSec: { readonly median: number; readonly max: number } | undefined;
}

export function scoreDetections(
  truths: readonly GroundTruth[],
  detections: readonly Detection[],
  kinds: readonly AttackKind[],
): KindScore[] {
  return kinds.map((kind) => {
    const ofKind = truths.filter((t) => t.kind === kind);
    const byEntity = new Map(ofKind.map((t) => [t.entityKey, t]));
    const firstHit = new Map<string, bigint>();
    let truePositives = 0;
    let detections_ = 0;
    for (const d of detections) {
      if (d.kind !== kind) continue;
      detections_++;
      const truth = byEntity.get(d.entityKey);
      if (!truth || d.timeNs < truth.startNs) continue;
      truePositives++;
      const seen = firstHit.get(truth.id);
      if (seen === undefined || d.timeNs < seen) firstHit.set(truth.id, d.timeNs);
    }
    const delays = ofKind
      .filter((t) => firstHit.has(t.id))
      .map((t) => Number(firstHit.get(t.id)! - t.startNs) / 1e9)
      .sort((a, b) => a - b);
    return {
      kind,
      attacks: ofKind.length,
      detected: delays.length,
      detections: detections_,
      truePositives,
      precision: detections_ === 0 ? 1 : truePositives / detections_,
      recall: ofKind.length === 0 ? 1 : delays.length / ofKind.length,
      timeToDetectSec:
        delays.length === 0
          ? undefined
          : { median: delays[Math.floor((delays.length - 1) / 2)]!, max: delays.at(-1)! },
    };
  });
}
