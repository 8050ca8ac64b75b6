// Public entry of @omega/attack-graph: the cluster as an attack graph (pure: no I/O, no clock).
export {
  AttackGraph,
  DEFAULT_MAX_OBJECTS,
  type AttackGraphOptions,
  type ObjectChange,
} from './attack-graph';
export {
  PATH_LIMITS,
  crownJewels,
  cutAttackPaths,
  findAttackPaths,
  type AttackCut,
  type AttackPathResult,
  type GraphView,
  type PathQueryOptions,
  type PathStep,
} from './attack-paths';
export {
  CHOKEPOINT_LIMITS,
  betweenness,
  cutVertices,
  findChokepoints,
  SimpleDigraph,
  type Chokepoint,
  type ChokepointOptions,
} from './chokepoints';
export { MAX_RULE_PEERS } from './cut-policy';
export { GraphOverlay } from './graph-overlay';
export { netpolCluster, netpolReachability } from './netpol-bridge';
export { NetworkReach, reachabilityOf, type NetworkChange } from './network-reach';
export type { LoggedChange } from './object-log';
export { ImplicitNetworkView } from './network-paths';
export { MAX_OBSERVED_FLOWS, type ObservedFlow } from './observed-flows';
export {
  PROPAGATION_LIMITS,
  attackArcs,
  seededRandom,
  simulatePropagation,
  type AssetRisk,
  type PropagationArc,
  type PropagationOptions,
} from './propagation';
export {
  anyPath,
  proposeRemediation,
  type NetworkPolicyPatch,
  type Patch,
  type RbacPatch,
  type Remediation,
  type RemediationOptions,
} from './remediation';
export { simulateWhatIf, type BrokenFlow, type WhatIfOptions, type WhatIfResult } from './what-if';
export { WHAT_IF_LIMITS, type WhatIfChange, type WhatIfChangeKind } from './what-if-changes';
export { ATTACKS, type AttackInfo, type AttackKind } from './attacks';
export { CompactGraph, type ArcInput } from './compact-graph';
export { dotString, toDot } from './dot-export';
export { CROWN_JEWEL_LABEL, EXTERNAL_ID, type Edge, type Vertex } from './graph-model';
export { kShortestPaths, type ArcPath } from './k-shortest-paths';
export type { KubeKind, KubeObject, PodObject } from './kube-objects';
export { minCut, type Cut, type CutOptions } from './min-cut';
export type { PodReachability, PortRef } from './network-edges';
export {
  RbacIndex,
  allowingGrant,
  principalId,
  ruleAllows,
  type AccessRequest,
  type Grant,
  type Principal,
} from './rbac';
export {
  OPENGRAPH_SOURCE_KIND,
  edgeKindName,
  nodeKindName,
  toOpenGraph,
  type ExportEdge,
  type ExportGraph,
  type OpenGraphEdge,
  type OpenGraphNode,
  type OpenGraphPayload,
} from './opengraph-export';
export { OBJECT_LIMITS, validateObject, type ValidateOptions } from './validate-objects';
