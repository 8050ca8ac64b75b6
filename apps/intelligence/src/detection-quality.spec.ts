// Detection quality as a regression guard: the shipped rule pack and every streaming detector, run
// the way the pipeline runs them (rule matches, detector findings, alert ids, suppression), over a
// labelled scenario from the generator. Every injected attack of every kind must be found, and no
// alert of an attack kind may land on a benign workload (precision and recall 1 on this scenario;
// the bench reports the figures on a larger one).
import { join } from 'node:path';
import { ATTACK_KINDS, DetectorSet, generateScenario, scoreDetections } from '@omega/detect';
import type { AttackKind, Detection } from '@omega/detect';
import type { BatchRef } from '@omega/proto';
import { alertFromFinding, alertFromSigmaMatch } from './alert-builder';
import { AlertSuppression } from './alert-suppression';
import { RuleCatalog } from './rule-catalog';

const KIND_OF_RULE: Readonly<Record<string, AttackKind>> = {
  'detector:port-scan': 'scan',
  'detector:beacon': 'beacon',
  'detector:dns-tunnel': 'dns-tunnel',
  'detector:deception-touch': 'honeytoken',
  'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02': 'reverse-shell',
};

it('finds every injected attack and raises no attack alert on a benign workload', async () => {
  const catalog = await RuleCatalog.fromDirectory(join(__dirname, '..', 'rules'), 0n);
  const detectors = new DetectorSet();
  const suppression = new AlertSuppression();
  const scenario = generateScenario({
    seed: 11,
    durationSec: 8 * 3600,
    backgroundPerSecond: 2,
    attacksPerKind: 3,
  });
  const batch: BatchRef = { senderId: '', sessionId: '', sequence: 0n, streamSequence: 0n };
  const detections: Detection[] = [];
  const raise = (ruleId: string, kind: string, entityKey: string, timeNs: bigint) => {
    if (suppression.isRepeat(ruleId, kind, entityKey, timeNs)) return;
    suppression.record(ruleId, kind, entityKey, timeNs);
    const attack = KIND_OF_RULE[ruleId];
    if (attack) detections.push({ kind: attack, entityKey, timeNs });
  };
  let eventIndex = 0;
  for (const event of scenario.events()) {
    const source = { event, batch, eventIndex: eventIndex++ };
    catalog.matcher.match(event, (rule) => {
      const { alert, entityKey } = alertFromSigmaMatch(rule, rule.explain(event), source, 60_000);
      raise(alert.ruleId, '', entityKey, alert.timeNs);
    });
    for (const finding of detectors.observe(event)) {
      const { alert, entityKey } = alertFromFinding(finding, source, 60_000);
      raise(alert.ruleId, finding.kind, entityKey, alert.timeNs);
    }
  }
  const scores = scoreDetections(scenario.truths, detections, ATTACK_KINDS);
  for (const score of scores) {
    expect({ kind: score.kind, recall: score.recall, precision: score.precision }).toEqual({
      kind: score.kind,
      recall: 1,
      precision: 1,
    });
  }
}, 60_000);
