from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GraphNodeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRAPH_NODE_KIND_UNSPECIFIED: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_EXTERNAL: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_NODE: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_NAMESPACE: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_POD: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_SERVICE: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_SERVICE_ACCOUNT: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_ROLE: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_SECRET: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_NETWORK_POLICY: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_DECOY: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_USER: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_GROUP: _ClassVar[GraphNodeKind]
    GRAPH_NODE_KIND_VOLUME: _ClassVar[GraphNodeKind]

class GraphEdgeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRAPH_EDGE_KIND_UNSPECIFIED: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_NETWORK_ALLOWED: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_NETWORK_OBSERVED: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_RUNS_AS: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_BOUND_TO: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_CAN_READ: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_MOUNTS: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_CAN_EXEC: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_SELECTS: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_SCHEDULED_ON: _ClassVar[GraphEdgeKind]
    GRAPH_EDGE_KIND_CONTAINS: _ClassVar[GraphEdgeKind]

class ChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANGE_KIND_UNSPECIFIED: _ClassVar[ChangeKind]
    CHANGE_KIND_ISOLATE: _ClassVar[ChangeKind]
    CHANGE_KIND_REMOVE_EDGE: _ClassVar[ChangeKind]
    CHANGE_KIND_APPLY_NETWORK_POLICY: _ClassVar[ChangeKind]
    CHANGE_KIND_DELETE_NETWORK_POLICY: _ClassVar[ChangeKind]
    CHANGE_KIND_REVOKE_BINDING: _ClassVar[ChangeKind]
    CHANGE_KIND_BLOCK_SOURCE: _ClassVar[ChangeKind]

class DefenderActionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEFENDER_ACTION_KIND_UNSPECIFIED: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_NOOP: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_ISOLATE: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_RESTORE: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_BLOCK_EDGE: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_DEPLOY_DECOY: _ClassVar[DefenderActionKind]
    DEFENDER_ACTION_KIND_ROTATE_SECRET: _ClassVar[DefenderActionKind]
GRAPH_NODE_KIND_UNSPECIFIED: GraphNodeKind
GRAPH_NODE_KIND_EXTERNAL: GraphNodeKind
GRAPH_NODE_KIND_NODE: GraphNodeKind
GRAPH_NODE_KIND_NAMESPACE: GraphNodeKind
GRAPH_NODE_KIND_POD: GraphNodeKind
GRAPH_NODE_KIND_SERVICE: GraphNodeKind
GRAPH_NODE_KIND_SERVICE_ACCOUNT: GraphNodeKind
GRAPH_NODE_KIND_ROLE: GraphNodeKind
GRAPH_NODE_KIND_SECRET: GraphNodeKind
GRAPH_NODE_KIND_NETWORK_POLICY: GraphNodeKind
GRAPH_NODE_KIND_DECOY: GraphNodeKind
GRAPH_NODE_KIND_USER: GraphNodeKind
GRAPH_NODE_KIND_GROUP: GraphNodeKind
GRAPH_NODE_KIND_VOLUME: GraphNodeKind
GRAPH_EDGE_KIND_UNSPECIFIED: GraphEdgeKind
GRAPH_EDGE_KIND_NETWORK_ALLOWED: GraphEdgeKind
GRAPH_EDGE_KIND_NETWORK_OBSERVED: GraphEdgeKind
GRAPH_EDGE_KIND_RUNS_AS: GraphEdgeKind
GRAPH_EDGE_KIND_BOUND_TO: GraphEdgeKind
GRAPH_EDGE_KIND_CAN_READ: GraphEdgeKind
GRAPH_EDGE_KIND_MOUNTS: GraphEdgeKind
GRAPH_EDGE_KIND_CAN_EXEC: GraphEdgeKind
GRAPH_EDGE_KIND_SELECTS: GraphEdgeKind
GRAPH_EDGE_KIND_SCHEDULED_ON: GraphEdgeKind
GRAPH_EDGE_KIND_CONTAINS: GraphEdgeKind
CHANGE_KIND_UNSPECIFIED: ChangeKind
CHANGE_KIND_ISOLATE: ChangeKind
CHANGE_KIND_REMOVE_EDGE: ChangeKind
CHANGE_KIND_APPLY_NETWORK_POLICY: ChangeKind
CHANGE_KIND_DELETE_NETWORK_POLICY: ChangeKind
CHANGE_KIND_REVOKE_BINDING: ChangeKind
CHANGE_KIND_BLOCK_SOURCE: ChangeKind
DEFENDER_ACTION_KIND_UNSPECIFIED: DefenderActionKind
DEFENDER_ACTION_KIND_NOOP: DefenderActionKind
DEFENDER_ACTION_KIND_ISOLATE: DefenderActionKind
DEFENDER_ACTION_KIND_RESTORE: DefenderActionKind
DEFENDER_ACTION_KIND_BLOCK_EDGE: DefenderActionKind
DEFENDER_ACTION_KIND_DEPLOY_DECOY: DefenderActionKind
DEFENDER_ACTION_KIND_ROTATE_SECRET: DefenderActionKind

class GraphNode(_message.Message):
    __slots__ = ("id", "kind", "name", "namespace", "labels", "attributes", "criticality", "alerted")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CRITICALITY_FIELD_NUMBER: _ClassVar[int]
    ALERTED_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: GraphNodeKind
    name: str
    namespace: str
    labels: _containers.ScalarMap[str, str]
    attributes: _containers.ScalarMap[str, str]
    criticality: float
    alerted: bool
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[GraphNodeKind, str]] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., criticality: _Optional[float] = ..., alerted: _Optional[bool] = ...) -> None: ...

class GraphEdge(_message.Message):
    __slots__ = ("id", "from_node_id", "to_node_id", "kind", "port", "protocol", "last_observed_time_ns", "observed_count", "exploitability", "source_object", "attack_kind", "technique_id", "attack_meaning")
    ID_FIELD_NUMBER: _ClassVar[int]
    FROM_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    TO_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    LAST_OBSERVED_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    EXPLOITABILITY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_OBJECT_FIELD_NUMBER: _ClassVar[int]
    ATTACK_KIND_FIELD_NUMBER: _ClassVar[int]
    TECHNIQUE_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACK_MEANING_FIELD_NUMBER: _ClassVar[int]
    id: str
    from_node_id: str
    to_node_id: str
    kind: GraphEdgeKind
    port: int
    protocol: _common_pb2.IpProtocol
    last_observed_time_ns: int
    observed_count: int
    exploitability: float
    source_object: str
    attack_kind: str
    technique_id: str
    attack_meaning: str
    def __init__(self, id: _Optional[str] = ..., from_node_id: _Optional[str] = ..., to_node_id: _Optional[str] = ..., kind: _Optional[_Union[GraphEdgeKind, str]] = ..., port: _Optional[int] = ..., protocol: _Optional[_Union[_common_pb2.IpProtocol, str]] = ..., last_observed_time_ns: _Optional[int] = ..., observed_count: _Optional[int] = ..., exploitability: _Optional[float] = ..., source_object: _Optional[str] = ..., attack_kind: _Optional[str] = ..., technique_id: _Optional[str] = ..., attack_meaning: _Optional[str] = ...) -> None: ...

class Graph(_message.Message):
    __slots__ = ("nodes", "edges", "snapshot_id", "snapshot_time_ns")
    NODES_FIELD_NUMBER: _ClassVar[int]
    EDGES_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[GraphNode]
    edges: _containers.RepeatedCompositeFieldContainer[GraphEdge]
    snapshot_id: str
    snapshot_time_ns: int
    def __init__(self, nodes: _Optional[_Iterable[_Union[GraphNode, _Mapping]]] = ..., edges: _Optional[_Iterable[_Union[GraphEdge, _Mapping]]] = ..., snapshot_id: _Optional[str] = ..., snapshot_time_ns: _Optional[int] = ...) -> None: ...

class AttackPath(_message.Message):
    __slots__ = ("node_ids", "edges", "risk", "attack_technique_ids")
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    EDGES_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    node_ids: _containers.RepeatedScalarFieldContainer[str]
    edges: _containers.RepeatedCompositeFieldContainer[GraphEdge]
    risk: float
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, node_ids: _Optional[_Iterable[str]] = ..., edges: _Optional[_Iterable[_Union[GraphEdge, _Mapping]]] = ..., risk: _Optional[float] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ProposedChange(_message.Message):
    __slots__ = ("kind", "target_node_id", "edge_id", "manifest_yaml", "cidr")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TARGET_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    EDGE_ID_FIELD_NUMBER: _ClassVar[int]
    MANIFEST_YAML_FIELD_NUMBER: _ClassVar[int]
    CIDR_FIELD_NUMBER: _ClassVar[int]
    kind: ChangeKind
    target_node_id: str
    edge_id: str
    manifest_yaml: str
    cidr: str
    def __init__(self, kind: _Optional[_Union[ChangeKind, str]] = ..., target_node_id: _Optional[str] = ..., edge_id: _Optional[str] = ..., manifest_yaml: _Optional[str] = ..., cidr: _Optional[str] = ...) -> None: ...

class PathQuery(_message.Message):
    __slots__ = ("source_node_ids", "target_node_ids", "target_kinds", "max_depth", "max_paths", "edge_kinds")
    SOURCE_NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    TARGET_NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    TARGET_KINDS_FIELD_NUMBER: _ClassVar[int]
    MAX_DEPTH_FIELD_NUMBER: _ClassVar[int]
    MAX_PATHS_FIELD_NUMBER: _ClassVar[int]
    EDGE_KINDS_FIELD_NUMBER: _ClassVar[int]
    source_node_ids: _containers.RepeatedScalarFieldContainer[str]
    target_node_ids: _containers.RepeatedScalarFieldContainer[str]
    target_kinds: _containers.RepeatedScalarFieldContainer[GraphNodeKind]
    max_depth: int
    max_paths: int
    edge_kinds: _containers.RepeatedScalarFieldContainer[GraphEdgeKind]
    def __init__(self, source_node_ids: _Optional[_Iterable[str]] = ..., target_node_ids: _Optional[_Iterable[str]] = ..., target_kinds: _Optional[_Iterable[_Union[GraphNodeKind, str]]] = ..., max_depth: _Optional[int] = ..., max_paths: _Optional[int] = ..., edge_kinds: _Optional[_Iterable[_Union[GraphEdgeKind, str]]] = ...) -> None: ...

class EnvNodeState(_message.Message):
    __slots__ = ("node_id", "isolated", "alerted", "decoy")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    ISOLATED_FIELD_NUMBER: _ClassVar[int]
    ALERTED_FIELD_NUMBER: _ClassVar[int]
    DECOY_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    isolated: bool
    alerted: bool
    decoy: bool
    def __init__(self, node_id: _Optional[str] = ..., isolated: _Optional[bool] = ..., alerted: _Optional[bool] = ..., decoy: _Optional[bool] = ...) -> None: ...

class EnvObservation(_message.Message):
    __slots__ = ("step", "nodes", "features", "action_mask")
    STEP_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    ACTION_MASK_FIELD_NUMBER: _ClassVar[int]
    step: int
    nodes: _containers.RepeatedCompositeFieldContainer[EnvNodeState]
    features: _containers.RepeatedScalarFieldContainer[float]
    action_mask: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, step: _Optional[int] = ..., nodes: _Optional[_Iterable[_Union[EnvNodeState, _Mapping]]] = ..., features: _Optional[_Iterable[float]] = ..., action_mask: _Optional[_Iterable[bool]] = ...) -> None: ...

class EnvSpec(_message.Message):
    __slots__ = ("node_ids", "action_kinds", "feature_count", "max_steps")
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    ACTION_KINDS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    node_ids: _containers.RepeatedScalarFieldContainer[str]
    action_kinds: _containers.RepeatedScalarFieldContainer[DefenderActionKind]
    feature_count: int
    max_steps: int
    def __init__(self, node_ids: _Optional[_Iterable[str]] = ..., action_kinds: _Optional[_Iterable[_Union[DefenderActionKind, str]]] = ..., feature_count: _Optional[int] = ..., max_steps: _Optional[int] = ...) -> None: ...

class DefenderAction(_message.Message):
    __slots__ = ("kind", "target_node_id", "edge_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TARGET_NODE_ID_FIELD_NUMBER: _ClassVar[int]
    EDGE_ID_FIELD_NUMBER: _ClassVar[int]
    kind: DefenderActionKind
    target_node_id: str
    edge_id: str
    def __init__(self, kind: _Optional[_Union[DefenderActionKind, str]] = ..., target_node_id: _Optional[str] = ..., edge_id: _Optional[str] = ...) -> None: ...

class GetGraphRequest(_message.Message):
    __slots__ = ("namespaces", "node_kinds", "include_observed_flows", "snapshot_id")
    NAMESPACES_FIELD_NUMBER: _ClassVar[int]
    NODE_KINDS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_OBSERVED_FLOWS_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    namespaces: _containers.RepeatedScalarFieldContainer[str]
    node_kinds: _containers.RepeatedScalarFieldContainer[GraphNodeKind]
    include_observed_flows: bool
    snapshot_id: str
    def __init__(self, namespaces: _Optional[_Iterable[str]] = ..., node_kinds: _Optional[_Iterable[_Union[GraphNodeKind, str]]] = ..., include_observed_flows: _Optional[bool] = ..., snapshot_id: _Optional[str] = ...) -> None: ...

class GetGraphResponse(_message.Message):
    __slots__ = ("graph",)
    GRAPH_FIELD_NUMBER: _ClassVar[int]
    graph: Graph
    def __init__(self, graph: _Optional[_Union[Graph, _Mapping]] = ...) -> None: ...

class FindAttackPathsRequest(_message.Message):
    __slots__ = ("query", "snapshot_id")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    query: PathQuery
    snapshot_id: str
    def __init__(self, query: _Optional[_Union[PathQuery, _Mapping]] = ..., snapshot_id: _Optional[str] = ...) -> None: ...

class FindAttackPathsResponse(_message.Message):
    __slots__ = ("paths", "snapshot_id")
    PATHS_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    paths: _containers.RepeatedCompositeFieldContainer[AttackPath]
    snapshot_id: str
    def __init__(self, paths: _Optional[_Iterable[_Union[AttackPath, _Mapping]]] = ..., snapshot_id: _Optional[str] = ...) -> None: ...

class SimulateWhatIfRequest(_message.Message):
    __slots__ = ("changes", "query", "snapshot_id")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[ProposedChange]
    query: PathQuery
    snapshot_id: str
    def __init__(self, changes: _Optional[_Iterable[_Union[ProposedChange, _Mapping]]] = ..., query: _Optional[_Union[PathQuery, _Mapping]] = ..., snapshot_id: _Optional[str] = ...) -> None: ...

class SimulateWhatIfResponse(_message.Message):
    __slots__ = ("closed_paths", "remaining_paths", "broken_flows", "risk_before", "risk_after", "diagnostics")
    CLOSED_PATHS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_PATHS_FIELD_NUMBER: _ClassVar[int]
    BROKEN_FLOWS_FIELD_NUMBER: _ClassVar[int]
    RISK_BEFORE_FIELD_NUMBER: _ClassVar[int]
    RISK_AFTER_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    closed_paths: _containers.RepeatedCompositeFieldContainer[AttackPath]
    remaining_paths: _containers.RepeatedCompositeFieldContainer[AttackPath]
    broken_flows: _containers.RepeatedCompositeFieldContainer[GraphEdge]
    risk_before: float
    risk_after: float
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    def __init__(self, closed_paths: _Optional[_Iterable[_Union[AttackPath, _Mapping]]] = ..., remaining_paths: _Optional[_Iterable[_Union[AttackPath, _Mapping]]] = ..., broken_flows: _Optional[_Iterable[_Union[GraphEdge, _Mapping]]] = ..., risk_before: _Optional[float] = ..., risk_after: _Optional[float] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ...) -> None: ...

class ResetEnvRequest(_message.Message):
    __slots__ = ("env_id", "seed", "scenario", "snapshot_id", "max_steps")
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_STEPS_FIELD_NUMBER: _ClassVar[int]
    env_id: str
    seed: int
    scenario: str
    snapshot_id: str
    max_steps: int
    def __init__(self, env_id: _Optional[str] = ..., seed: _Optional[int] = ..., scenario: _Optional[str] = ..., snapshot_id: _Optional[str] = ..., max_steps: _Optional[int] = ...) -> None: ...

class ResetEnvResponse(_message.Message):
    __slots__ = ("env_id", "spec", "observation", "info")
    class InfoEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    env_id: str
    spec: EnvSpec
    observation: EnvObservation
    info: _containers.ScalarMap[str, str]
    def __init__(self, env_id: _Optional[str] = ..., spec: _Optional[_Union[EnvSpec, _Mapping]] = ..., observation: _Optional[_Union[EnvObservation, _Mapping]] = ..., info: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StepEnvRequest(_message.Message):
    __slots__ = ("env_id", "action")
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    env_id: str
    action: DefenderAction
    def __init__(self, env_id: _Optional[str] = ..., action: _Optional[_Union[DefenderAction, _Mapping]] = ...) -> None: ...

class StepEnvResponse(_message.Message):
    __slots__ = ("observation", "reward", "terminated", "truncated", "info")
    class InfoEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    TERMINATED_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    observation: EnvObservation
    reward: float
    terminated: bool
    truncated: bool
    info: _containers.ScalarMap[str, str]
    def __init__(self, observation: _Optional[_Union[EnvObservation, _Mapping]] = ..., reward: _Optional[float] = ..., terminated: _Optional[bool] = ..., truncated: _Optional[bool] = ..., info: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CloseEnvRequest(_message.Message):
    __slots__ = ("env_id",)
    ENV_ID_FIELD_NUMBER: _ClassVar[int]
    env_id: str
    def __init__(self, env_id: _Optional[str] = ...) -> None: ...

class CloseEnvResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AssessExposureRequest(_message.Message):
    __slots__ = ("query", "snapshot_id", "iterations", "seed", "max_chokepoints")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    MAX_CHOKEPOINTS_FIELD_NUMBER: _ClassVar[int]
    query: PathQuery
    snapshot_id: str
    iterations: int
    seed: int
    max_chokepoints: int
    def __init__(self, query: _Optional[_Union[PathQuery, _Mapping]] = ..., snapshot_id: _Optional[str] = ..., iterations: _Optional[int] = ..., seed: _Optional[int] = ..., max_chokepoints: _Optional[int] = ...) -> None: ...

class AssetExposure(_message.Message):
    __slots__ = ("node_id", "probability", "probability_low", "probability_high", "mean_steps", "mean_steps_low", "mean_steps_high")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_LOW_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_HIGH_FIELD_NUMBER: _ClassVar[int]
    MEAN_STEPS_FIELD_NUMBER: _ClassVar[int]
    MEAN_STEPS_LOW_FIELD_NUMBER: _ClassVar[int]
    MEAN_STEPS_HIGH_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    probability: float
    probability_low: float
    probability_high: float
    mean_steps: float
    mean_steps_low: float
    mean_steps_high: float
    def __init__(self, node_id: _Optional[str] = ..., probability: _Optional[float] = ..., probability_low: _Optional[float] = ..., probability_high: _Optional[float] = ..., mean_steps: _Optional[float] = ..., mean_steps_low: _Optional[float] = ..., mean_steps_high: _Optional[float] = ...) -> None: ...

class Chokepoint(_message.Message):
    __slots__ = ("node_id", "betweenness", "cut_vertex")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    BETWEENNESS_FIELD_NUMBER: _ClassVar[int]
    CUT_VERTEX_FIELD_NUMBER: _ClassVar[int]
    node_id: str
    betweenness: float
    cut_vertex: bool
    def __init__(self, node_id: _Optional[str] = ..., betweenness: _Optional[float] = ..., cut_vertex: _Optional[bool] = ...) -> None: ...

class AssessExposureResponse(_message.Message):
    __slots__ = ("assets", "chokepoints", "snapshot_id", "iterations", "seed")
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    CHOKEPOINTS_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_ID_FIELD_NUMBER: _ClassVar[int]
    ITERATIONS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedCompositeFieldContainer[AssetExposure]
    chokepoints: _containers.RepeatedCompositeFieldContainer[Chokepoint]
    snapshot_id: str
    iterations: int
    seed: int
    def __init__(self, assets: _Optional[_Iterable[_Union[AssetExposure, _Mapping]]] = ..., chokepoints: _Optional[_Iterable[_Union[Chokepoint, _Mapping]]] = ..., snapshot_id: _Optional[str] = ..., iterations: _Optional[int] = ..., seed: _Optional[int] = ...) -> None: ...
