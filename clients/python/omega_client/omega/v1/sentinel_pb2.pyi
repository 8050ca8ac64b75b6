from . import common_pb2 as _common_pb2
from . import trust_pb2 as _trust_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class XdpMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    XDP_MODE_UNSPECIFIED: _ClassVar[XdpMode]
    XDP_MODE_GENERIC: _ClassVar[XdpMode]
    XDP_MODE_NATIVE: _ClassVar[XdpMode]
    XDP_MODE_OFFLOAD: _ClassVar[XdpMode]

class ModuleState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODULE_STATE_UNSPECIFIED: _ClassVar[ModuleState]
    MODULE_STATE_RUNNING: _ClassVar[ModuleState]
    MODULE_STATE_FAILED: _ClassVar[ModuleState]
    MODULE_STATE_UNLOADED: _ClassVar[ModuleState]
XDP_MODE_UNSPECIFIED: XdpMode
XDP_MODE_GENERIC: XdpMode
XDP_MODE_NATIVE: XdpMode
XDP_MODE_OFFLOAD: XdpMode
MODULE_STATE_UNSPECIFIED: ModuleState
MODULE_STATE_RUNNING: ModuleState
MODULE_STATE_FAILED: ModuleState
MODULE_STATE_UNLOADED: ModuleState

class ProbeStatus(_message.Message):
    __slots__ = ("name", "attach_point", "attached", "error", "events_total", "dropped_total")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ATTACH_POINT_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EVENTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    DROPPED_TOTAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    attach_point: str
    attached: bool
    error: str
    events_total: int
    dropped_total: int
    def __init__(self, name: _Optional[str] = ..., attach_point: _Optional[str] = ..., attached: _Optional[bool] = ..., error: _Optional[str] = ..., events_total: _Optional[int] = ..., dropped_total: _Optional[int] = ...) -> None: ...

class XdpStatus(_message.Message):
    __slots__ = ("interface", "mode", "attached", "error", "dropped_packets_total")
    INTERFACE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ATTACHED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DROPPED_PACKETS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    interface: str
    mode: XdpMode
    attached: bool
    error: str
    dropped_packets_total: int
    def __init__(self, interface: _Optional[str] = ..., mode: _Optional[_Union[XdpMode, str]] = ..., attached: _Optional[bool] = ..., error: _Optional[str] = ..., dropped_packets_total: _Optional[int] = ...) -> None: ...

class ModuleStatus(_message.Message):
    __slots__ = ("name", "version", "sha256", "state", "error", "signer", "load_time_ns", "events_total", "alerts_total", "audit", "verdicts_total", "faults_total", "event_time_ns_total")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    LOAD_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ALERTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    VERDICTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    FAULTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_NS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    sha256: bytes
    state: ModuleState
    error: str
    signer: _common_pb2.IdentityRef
    load_time_ns: int
    events_total: int
    alerts_total: int
    audit: _common_pb2.AuditRef
    verdicts_total: int
    faults_total: int
    event_time_ns_total: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., sha256: _Optional[bytes] = ..., state: _Optional[_Union[ModuleState, str]] = ..., error: _Optional[str] = ..., signer: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., load_time_ns: _Optional[int] = ..., events_total: _Optional[int] = ..., alerts_total: _Optional[int] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ..., verdicts_total: _Optional[int] = ..., faults_total: _Optional[int] = ..., event_time_ns_total: _Optional[int] = ...) -> None: ...

class SourceBlock(_message.Message):
    __slots__ = ("cidr", "reason", "alert_id", "workflow_id", "created_by", "create_time_ns", "expire_time_ns", "dropped_packets_total")
    CIDR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_PACKETS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    cidr: str
    reason: str
    alert_id: str
    workflow_id: str
    created_by: str
    create_time_ns: int
    expire_time_ns: int
    dropped_packets_total: int
    def __init__(self, cidr: _Optional[str] = ..., reason: _Optional[str] = ..., alert_id: _Optional[str] = ..., workflow_id: _Optional[str] = ..., created_by: _Optional[str] = ..., create_time_ns: _Optional[int] = ..., expire_time_ns: _Optional[int] = ..., dropped_packets_total: _Optional[int] = ...) -> None: ...

class FileWatch(_message.Message):
    __slots__ = ("path", "honeytoken_id", "created_by", "create_time_ns")
    PATH_FIELD_NUMBER: _ClassVar[int]
    HONEYTOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    path: str
    honeytoken_id: str
    created_by: str
    create_time_ns: int
    def __init__(self, path: _Optional[str] = ..., honeytoken_id: _Optional[str] = ..., created_by: _Optional[str] = ..., create_time_ns: _Optional[int] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetStatusResponse(_message.Message):
    __slots__ = ("node", "identity", "version", "kernel_release", "start_time_ns", "probes", "xdp", "modules", "block_count", "events_total", "batches_total", "session_id", "last_batch_sequence", "pending_batches")
    NODE_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KERNEL_RELEASE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    PROBES_FIELD_NUMBER: _ClassVar[int]
    XDP_FIELD_NUMBER: _ClassVar[int]
    MODULES_FIELD_NUMBER: _ClassVar[int]
    BLOCK_COUNT_FIELD_NUMBER: _ClassVar[int]
    EVENTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    BATCHES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_BATCH_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PENDING_BATCHES_FIELD_NUMBER: _ClassVar[int]
    node: str
    identity: _common_pb2.IdentityRef
    version: str
    kernel_release: str
    start_time_ns: int
    probes: _containers.RepeatedCompositeFieldContainer[ProbeStatus]
    xdp: _containers.RepeatedCompositeFieldContainer[XdpStatus]
    modules: _containers.RepeatedCompositeFieldContainer[ModuleStatus]
    block_count: int
    events_total: int
    batches_total: int
    session_id: str
    last_batch_sequence: int
    pending_batches: int
    def __init__(self, node: _Optional[str] = ..., identity: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., version: _Optional[str] = ..., kernel_release: _Optional[str] = ..., start_time_ns: _Optional[int] = ..., probes: _Optional[_Iterable[_Union[ProbeStatus, _Mapping]]] = ..., xdp: _Optional[_Iterable[_Union[XdpStatus, _Mapping]]] = ..., modules: _Optional[_Iterable[_Union[ModuleStatus, _Mapping]]] = ..., block_count: _Optional[int] = ..., events_total: _Optional[int] = ..., batches_total: _Optional[int] = ..., session_id: _Optional[str] = ..., last_batch_sequence: _Optional[int] = ..., pending_batches: _Optional[int] = ...) -> None: ...

class BlockSourceRequest(_message.Message):
    __slots__ = ("cidr", "reason", "ttl_seconds", "alert_id", "workflow_id", "request_id")
    CIDR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    cidr: str
    reason: str
    ttl_seconds: int
    alert_id: str
    workflow_id: str
    request_id: str
    def __init__(self, cidr: _Optional[str] = ..., reason: _Optional[str] = ..., ttl_seconds: _Optional[int] = ..., alert_id: _Optional[str] = ..., workflow_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class BlockSourceResponse(_message.Message):
    __slots__ = ("block", "created")
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    block: SourceBlock
    created: bool
    def __init__(self, block: _Optional[_Union[SourceBlock, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class UnblockSourceRequest(_message.Message):
    __slots__ = ("cidr", "reason", "request_id")
    CIDR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    cidr: str
    reason: str
    request_id: str
    def __init__(self, cidr: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UnblockSourceResponse(_message.Message):
    __slots__ = ("was_blocked", "block")
    WAS_BLOCKED_FIELD_NUMBER: _ClassVar[int]
    BLOCK_FIELD_NUMBER: _ClassVar[int]
    was_blocked: bool
    block: SourceBlock
    def __init__(self, was_blocked: _Optional[bool] = ..., block: _Optional[_Union[SourceBlock, _Mapping]] = ...) -> None: ...

class ListBlocksRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBlocksResponse(_message.Message):
    __slots__ = ("blocks", "next_page_token")
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[SourceBlock]
    next_page_token: str
    def __init__(self, blocks: _Optional[_Iterable[_Union[SourceBlock, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class LoadModuleRequest(_message.Message):
    __slots__ = ("name", "version", "wasm", "object_name", "sha256", "attestations", "config", "request_id", "logged_attestation")
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    WASM_FIELD_NUMBER: _ClassVar[int]
    OBJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LOGGED_ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    wasm: bytes
    object_name: str
    sha256: bytes
    attestations: _containers.RepeatedCompositeFieldContainer[_trust_pb2.DsseEnvelope]
    config: _containers.ScalarMap[str, str]
    request_id: str
    logged_attestation: ModuleAttestation
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., wasm: _Optional[bytes] = ..., object_name: _Optional[str] = ..., sha256: _Optional[bytes] = ..., attestations: _Optional[_Iterable[_Union[_trust_pb2.DsseEnvelope, _Mapping]]] = ..., config: _Optional[_Mapping[str, str]] = ..., request_id: _Optional[str] = ..., logged_attestation: _Optional[_Union[ModuleAttestation, _Mapping]] = ...) -> None: ...

class LoadModuleResponse(_message.Message):
    __slots__ = ("module",)
    MODULE_FIELD_NUMBER: _ClassVar[int]
    module: ModuleStatus
    def __init__(self, module: _Optional[_Union[ModuleStatus, _Mapping]] = ...) -> None: ...

class UnloadModuleRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UnloadModuleResponse(_message.Message):
    __slots__ = ("module",)
    MODULE_FIELD_NUMBER: _ClassVar[int]
    module: ModuleStatus
    def __init__(self, module: _Optional[_Union[ModuleStatus, _Mapping]] = ...) -> None: ...

class ReplayPcapRequest(_message.Message):
    __slots__ = ("pcap", "path", "object_name", "speed", "shift_to_now", "replay_id")
    PCAP_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    OBJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    SPEED_FIELD_NUMBER: _ClassVar[int]
    SHIFT_TO_NOW_FIELD_NUMBER: _ClassVar[int]
    REPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    pcap: bytes
    path: str
    object_name: str
    speed: float
    shift_to_now: bool
    replay_id: str
    def __init__(self, pcap: _Optional[bytes] = ..., path: _Optional[str] = ..., object_name: _Optional[str] = ..., speed: _Optional[float] = ..., shift_to_now: _Optional[bool] = ..., replay_id: _Optional[str] = ...) -> None: ...

class ReplayPcapResponse(_message.Message):
    __slots__ = ("replay_id", "packets_read", "packets_skipped", "events_emitted", "batches_emitted", "capture", "duration_ms")
    REPLAY_ID_FIELD_NUMBER: _ClassVar[int]
    PACKETS_READ_FIELD_NUMBER: _ClassVar[int]
    PACKETS_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    EVENTS_EMITTED_FIELD_NUMBER: _ClassVar[int]
    BATCHES_EMITTED_FIELD_NUMBER: _ClassVar[int]
    CAPTURE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    replay_id: str
    packets_read: int
    packets_skipped: int
    events_emitted: int
    batches_emitted: int
    capture: _common_pb2.TimeRange
    duration_ms: int
    def __init__(self, replay_id: _Optional[str] = ..., packets_read: _Optional[int] = ..., packets_skipped: _Optional[int] = ..., events_emitted: _Optional[int] = ..., batches_emitted: _Optional[int] = ..., capture: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class ModuleFinding(_message.Message):
    __slots__ = ("severity", "title", "explanation", "attack_technique_ids")
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    severity: _common_pb2.Severity
    title: str
    explanation: str
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, severity: _Optional[_Union[_common_pb2.Severity, str]] = ..., title: _Optional[str] = ..., explanation: _Optional[str] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ModuleVerdict(_message.Message):
    __slots__ = ("labels", "finding", "block_cidr")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LABELS_FIELD_NUMBER: _ClassVar[int]
    FINDING_FIELD_NUMBER: _ClassVar[int]
    BLOCK_CIDR_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.ScalarMap[str, str]
    finding: ModuleFinding
    block_cidr: str
    def __init__(self, labels: _Optional[_Mapping[str, str]] = ..., finding: _Optional[_Union[ModuleFinding, _Mapping]] = ..., block_cidr: _Optional[str] = ...) -> None: ...

class ModuleAttestation(_message.Message):
    __slots__ = ("envelope", "origin", "log_index", "entry", "inclusion_proof", "checkpoint_note")
    ENVELOPE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    LOG_INDEX_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    INCLUSION_PROOF_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_NOTE_FIELD_NUMBER: _ClassVar[int]
    envelope: _trust_pb2.DsseEnvelope
    origin: str
    log_index: int
    entry: bytes
    inclusion_proof: _containers.RepeatedScalarFieldContainer[bytes]
    checkpoint_note: str
    def __init__(self, envelope: _Optional[_Union[_trust_pb2.DsseEnvelope, _Mapping]] = ..., origin: _Optional[str] = ..., log_index: _Optional[int] = ..., entry: _Optional[bytes] = ..., inclusion_proof: _Optional[_Iterable[bytes]] = ..., checkpoint_note: _Optional[str] = ...) -> None: ...

class ModuleDeployment(_message.Message):
    __slots__ = ("name", "version", "sha256", "object_name", "attestation", "node_selector")
    class NodeSelectorEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    OBJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    NODE_SELECTOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    sha256: bytes
    object_name: str
    attestation: ModuleAttestation
    node_selector: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., sha256: _Optional[bytes] = ..., object_name: _Optional[str] = ..., attestation: _Optional[_Union[ModuleAttestation, _Mapping]] = ..., node_selector: _Optional[_Mapping[str, str]] = ...) -> None: ...
