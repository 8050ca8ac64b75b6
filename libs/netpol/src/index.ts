// Exact Kubernetes NetworkPolicy (networking.k8s.io/v1) and AdminNetworkPolicy /
// BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) evaluation: pure, no I/O, no clock.
export {
  clusterFromManifests,
  parseCluster,
  NAMESPACE_NAME_LABEL,
  type Cluster,
  type ClusterObjects,
  type NamedContainerPort,
  type Pod,
} from './cluster';
export { LIMITS, type LabelSelector, type Labels, type Protocol } from './label-schema';
export type { NetworkPolicyObject, ServiceObject } from './cluster-schema';
export type {
  AdminNetworkPolicyObject,
  BaselineAdminNetworkPolicyObject,
} from './admin-policy-schema';
export { matchesSelector } from './label-selector';
export { CompiledCluster, type Direction, type PolicyKind } from './compiled-policies';
export {
  evaluateConnection,
  type ConnectionQuery,
  type ConnectionVerdict,
  type DirectionVerdict,
  type Endpoint,
  type Layer,
  type RuleRef,
} from './connection-verdict';
export { evaluateServiceConnection, type ServiceVerdict } from './service-verdict';
export {
  MATRIX_MAX_PODS,
  reachabilityMatrix,
  type ReachabilityMatrix,
} from './reachability-matrix';
export { PodSet } from './pod-set';
export { LiveReachability, type LiveMatrix } from './live-reachability';
