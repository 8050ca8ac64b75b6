// The attack the demo plays, step by step, and what Omega is expected to raise for each step: the
// rule or detector and the ATT&CK technique. The same list drives the narration, the summary and
// the end-to-end test's assertions.
import type { Alert } from '@omega/proto';
import { ATTACKER, COMMAND_SERVER, TUNNEL_DOMAIN, VICTIM } from './demo-topology';

export type StepId = 'scan' | 'reverse-shell' | 'beacon' | 'dns-tunnel';

export interface ExpectedDetection {
  /** `detector:<id>` or `sigma:<rule id>`, as on the alert. */
  readonly ruleId: string;
  /** The ATT&CK technique the alert must carry. */
  readonly techniqueId: string;
  /** What it is, for the narration. */
  readonly what: string;
}

export interface ScenarioStep {
  readonly id: StepId;
  readonly title: string;
  /** Alerts this step must raise; empty when Omega cannot tell yet (see `undetectedBecause`). */
  readonly expect: readonly ExpectedDetection[];
  /** Why no alert is expected within the demo's few minutes, said in the narration and summary. */
  readonly undetectedBecause?: string;
}

/** The shipped Sigma rule apps/intelligence/rules/execution/reverse-shell.yml. */
export const REVERSE_SHELL_RULE = 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02';

export const SCENARIO: readonly ScenarioStep[] = [
  {
    id: 'scan',
    title: `attacker ${ATTACKER.address} port-scans the victim ${VICTIM.address} (TCP connect scan, 101 ports)`,
    expect: [{ ruleId: 'detector:port-scan', techniqueId: 'T1046', what: 'port scan' }],
  },
  {
    id: 'reverse-shell',
    title: `a reverse shell on the victim: sh -i with its stdio on a TCP socket to ${ATTACKER.address}`,
    expect: [
      { ruleId: REVERSE_SHELL_RULE, techniqueId: 'T1059.004', what: 'reverse shell (Sigma rule)' },
    ],
  },
  {
    id: 'beacon',
    title: `the victim beacons to the command server ${COMMAND_SERVER.address} every 2 s`,
    // RITA's full score needs hours (its duration and hourly histogram sub-scores), so a beacon a
    // few seconds old is caught by the detector's early, provisional signal: 8 connections whose
    // timing and size sub-scores are both >= 0.95 (libs/detect beacon.ts, early-beacon.ts).
    expect: [
      {
        ruleId: 'detector:beacon',
        techniqueId: 'T1071',
        what: 'beacon (early, provisional: timing and size)',
      },
    ],
  },
  {
    id: 'dns-tunnel',
    title: `the victim exfiltrates /etc/passwd as base32 DNS queries under ${TUNNEL_DOMAIN}`,
    expect: [{ ruleId: 'detector:dns-tunnel', techniqueId: 'T1071.004', what: 'DNS tunnel' }],
  },
];

/** Whether `alert` is the detection `expected` describes. */
export function matches(alert: Alert, expected: ExpectedDetection): boolean {
  return (
    alert.ruleId === expected.ruleId && alert.attackTechniqueIds.includes(expected.techniqueId)
  );
}
