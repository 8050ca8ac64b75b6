// Public entry of @omega/detect: Sigma rules parsed, mapped onto Omega events and compiled to predicates.
export { parseSigmaRule, parseSigmaRules, type ParseSigmaOptions } from './parse-rule';
export {
  compileSigmaRule,
  type ClauseEvidence,
  type CompiledSigmaRule,
  type SearchEvidence,
  type SigmaMatchEvidence,
} from './compile-rule';
export {
  loadRulePack,
  RuleSetMatcher,
  type RejectedRule,
  type RulePack,
  type RuleText,
} from './rule-pack';
export {
  SigmaRuleError,
  type SigmaRuleErrorDetails,
  type SourcePosition,
} from './sigma-rule-error';
export { EventView } from './event-view';
export {
  eventFromSigmaFields,
  sigmaFieldsOfEvent,
  SIGMA_LOGSOURCE_MAPPINGS,
  UNSUPPORTED_CATEGORIES,
  type FieldType,
  type FieldValue,
  type SigmaFieldMapping,
  type SigmaLogsourceMapping,
} from './field-mapping';
export { attackTechniquesFromTags, SEVERITY_BY_LEVEL } from './rule-metadata';
export { parseCondition, type ConditionNode } from './condition-parser';
export type {
  SigmaCondition,
  SigmaDetection,
  SigmaFieldClause,
  SigmaLevel,
  SigmaLogsource,
  SigmaRule,
  SigmaSearch,
  SigmaStatus,
  SigmaValue,
} from './sigma-rule';
export {
  sampleEventsForRule,
  seededRandom,
  type RuleSample,
  type SigmaFields,
} from './rule-samples';
export {
  checkRuleSampleEvents,
  type RuleSampleEvents,
  type SampleMismatch,
} from './rule-sample-events';
export type { Detector, DetectorFinding } from './detectors/detector';
export { locateEvidence } from './detectors/detector';
export { DetectorSet, type DetectorSetConfig } from './detectors/detector-set';
export { PortScanDetector, PORT_SCAN_DEFAULTS, type PortScanConfig } from './detectors/port-scan';
export { BeaconDetector, BEACON_DEFAULTS, type BeaconConfig } from './detectors/beacon';
export {
  DnsTunnelDetector,
  DNS_TUNNEL_DEFAULTS,
  shannonEntropy,
  type DnsTunnelConfig,
} from './detectors/dns-tunnel';
export {
  NewEdgeDetector,
  NEW_EDGE_DEFAULTS,
  midasScore,
  type NewEdgeConfig,
} from './detectors/new-edge';
export {
  DeceptionTouchDetector,
  DECEPTION_TOUCH_DEFAULTS,
  DECEPTION_UNMAPPED,
  type DeceptionTouchConfig,
} from './detectors/deception-touch';
export { CountMinSketch } from './detectors/count-min-sketch';
export {
  deceptionEvent,
  dnsEvent,
  flowEvent,
  type Endpoint,
  type FlowOptions,
} from './detectors/telemetry-events';
export {
  ATTACK_KINDS,
  generateScenario,
  type AttackKind,
  type GroundTruth,
  type Scenario,
  type ScenarioOptions,
} from './scenarios/scenario-generator';
export { scoreDetections, type Detection, type KindScore } from './scenarios/detection-score';
export {
  BENIGN_KINDS,
  generateRichScenario,
  type BenignKind,
  type RichScenario,
  type RichScenarioOptions,
} from './scenarios/rich-scenario';
