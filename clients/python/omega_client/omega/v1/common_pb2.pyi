from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    SEVERITY_INFORMATIONAL: _ClassVar[Severity]
    SEVERITY_LOW: _ClassVar[Severity]
    SEVERITY_MEDIUM: _ClassVar[Severity]
    SEVERITY_HIGH: _ClassVar[Severity]
    SEVERITY_CRITICAL: _ClassVar[Severity]
    SEVERITY_FATAL: _ClassVar[Severity]

class EventClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_CLASS_UNSPECIFIED: _ClassVar[EventClass]
    EVENT_CLASS_PROCESS_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_FILE_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_KERNEL_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_NETWORK_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_DNS_ACTIVITY: _ClassVar[EventClass]
    EVENT_CLASS_DECEPTION_INTERACTION: _ClassVar[EventClass]

class ProcessActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROCESS_ACTIVITY_ID_UNSPECIFIED: _ClassVar[ProcessActivityId]
    PROCESS_ACTIVITY_ID_LAUNCH: _ClassVar[ProcessActivityId]
    PROCESS_ACTIVITY_ID_TERMINATE: _ClassVar[ProcessActivityId]
    PROCESS_ACTIVITY_ID_OPEN: _ClassVar[ProcessActivityId]
    PROCESS_ACTIVITY_ID_INJECT: _ClassVar[ProcessActivityId]
    PROCESS_ACTIVITY_ID_SET_USER_ID: _ClassVar[ProcessActivityId]

class ProcessAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROCESS_ACTION_UNSPECIFIED: _ClassVar[ProcessAction]
    PROCESS_ACTION_PRIVILEGE_CHANGE: _ClassVar[ProcessAction]
    PROCESS_ACTION_EXEC_SETID: _ClassVar[ProcessAction]
    PROCESS_ACTION_PTRACE: _ClassVar[ProcessAction]
    PROCESS_ACTION_MEMFD_EXEC: _ClassVar[ProcessAction]
    PROCESS_ACTION_ENFORCEMENT: _ClassVar[ProcessAction]

class KernelExtensionActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KERNEL_EXTENSION_ACTIVITY_ID_UNSPECIFIED: _ClassVar[KernelExtensionActivityId]
    KERNEL_EXTENSION_ACTIVITY_ID_LOAD: _ClassVar[KernelExtensionActivityId]
    KERNEL_EXTENSION_ACTIVITY_ID_UNLOAD: _ClassVar[KernelExtensionActivityId]

class KernelActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KERNEL_ACTIVITY_ID_UNSPECIFIED: _ClassVar[KernelActivityId]
    KERNEL_ACTIVITY_ID_CREATE: _ClassVar[KernelActivityId]
    KERNEL_ACTIVITY_ID_READ: _ClassVar[KernelActivityId]
    KERNEL_ACTIVITY_ID_DELETE: _ClassVar[KernelActivityId]
    KERNEL_ACTIVITY_ID_INVOKE: _ClassVar[KernelActivityId]

class KernelActivityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KERNEL_ACTIVITY_KIND_UNSPECIFIED: _ClassVar[KernelActivityKind]
    KERNEL_ACTIVITY_KIND_MOUNT: _ClassVar[KernelActivityKind]
    KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE: _ClassVar[KernelActivityKind]
    KERNEL_ACTIVITY_KIND_BPF_PROG_LOAD: _ClassVar[KernelActivityKind]
    KERNEL_ACTIVITY_KIND_RAW_SOCKET: _ClassVar[KernelActivityKind]
    KERNEL_ACTIVITY_KIND_MEMFD_CREATE: _ClassVar[KernelActivityKind]

class NetworkActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NETWORK_ACTIVITY_ID_UNSPECIFIED: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_OPEN: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_CLOSE: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_RESET: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_FAIL: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_REFUSE: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_TRAFFIC: _ClassVar[NetworkActivityId]
    NETWORK_ACTIVITY_ID_LISTEN: _ClassVar[NetworkActivityId]

class DnsActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DNS_ACTIVITY_ID_UNSPECIFIED: _ClassVar[DnsActivityId]
    DNS_ACTIVITY_ID_QUERY: _ClassVar[DnsActivityId]
    DNS_ACTIVITY_ID_RESPONSE: _ClassVar[DnsActivityId]
    DNS_ACTIVITY_ID_TRAFFIC: _ClassVar[DnsActivityId]

class IpProtocol(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IP_PROTOCOL_UNSPECIFIED: _ClassVar[IpProtocol]
    IP_PROTOCOL_ICMP: _ClassVar[IpProtocol]
    IP_PROTOCOL_TCP: _ClassVar[IpProtocol]
    IP_PROTOCOL_UDP: _ClassVar[IpProtocol]
    IP_PROTOCOL_ICMPV6: _ClassVar[IpProtocol]
    IP_PROTOCOL_SCTP: _ClassVar[IpProtocol]

class NetworkDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NETWORK_DIRECTION_UNSPECIFIED: _ClassVar[NetworkDirection]
    NETWORK_DIRECTION_INBOUND: _ClassVar[NetworkDirection]
    NETWORK_DIRECTION_OUTBOUND: _ClassVar[NetworkDirection]
    NETWORK_DIRECTION_LATERAL: _ClassVar[NetworkDirection]

class DecoyKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECOY_KIND_UNSPECIFIED: _ClassVar[DecoyKind]
    DECOY_KIND_SSH: _ClassVar[DecoyKind]
    DECOY_KIND_HTTP: _ClassVar[DecoyKind]
    DECOY_KIND_REDIS: _ClassVar[DecoyKind]
    DECOY_KIND_POSTGRES: _ClassVar[DecoyKind]
    DECOY_KIND_MYSQL: _ClassVar[DecoyKind]
    DECOY_KIND_KUBERNETES_API: _ClassVar[DecoyKind]
    DECOY_KIND_SMB: _ClassVar[DecoyKind]
    DECOY_KIND_TCP_BANNER: _ClassVar[DecoyKind]

class InteractionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTERACTION_KIND_UNSPECIFIED: _ClassVar[InteractionKind]
    INTERACTION_KIND_CONNECT: _ClassVar[InteractionKind]
    INTERACTION_KIND_AUTH_ATTEMPT: _ClassVar[InteractionKind]
    INTERACTION_KIND_COMMAND: _ClassVar[InteractionKind]
    INTERACTION_KIND_TOKEN_USE: _ClassVar[InteractionKind]
    INTERACTION_KIND_FILE_ACCESS: _ClassVar[InteractionKind]
    INTERACTION_KIND_DISCONNECT: _ClassVar[InteractionKind]

class DetectorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DETECTOR_KIND_UNSPECIFIED: _ClassVar[DetectorKind]
    DETECTOR_KIND_RULE: _ClassVar[DetectorKind]
    DETECTOR_KIND_STREAMING: _ClassVar[DetectorKind]
    DETECTOR_KIND_DECEPTION: _ClassVar[DetectorKind]
    DETECTOR_KIND_MODULE: _ClassVar[DetectorKind]
    DETECTOR_KIND_CORRELATION: _ClassVar[DetectorKind]

class AlertStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATUS_UNSPECIFIED: _ClassVar[AlertStatus]
    ALERT_STATUS_NEW: _ClassVar[AlertStatus]
    ALERT_STATUS_IN_PROGRESS: _ClassVar[AlertStatus]
    ALERT_STATUS_SUPPRESSED: _ClassVar[AlertStatus]
    ALERT_STATUS_RESOLVED: _ClassVar[AlertStatus]

class IncidentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INCIDENT_STATUS_UNSPECIFIED: _ClassVar[IncidentStatus]
    INCIDENT_STATUS_OPEN: _ClassVar[IncidentStatus]
    INCIDENT_STATUS_INVESTIGATING: _ClassVar[IncidentStatus]
    INCIDENT_STATUS_CONTAINED: _ClassVar[IncidentStatus]
    INCIDENT_STATUS_RESOLVED: _ClassVar[IncidentStatus]
    INCIDENT_STATUS_FALSE_POSITIVE: _ClassVar[IncidentStatus]

class EntityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTITY_KIND_UNSPECIFIED: _ClassVar[EntityKind]
    ENTITY_KIND_IP_ADDRESS: _ClassVar[EntityKind]
    ENTITY_KIND_HOSTNAME: _ClassVar[EntityKind]
    ENTITY_KIND_DOMAIN: _ClassVar[EntityKind]
    ENTITY_KIND_PROCESS: _ClassVar[EntityKind]
    ENTITY_KIND_USER: _ClassVar[EntityKind]
    ENTITY_KIND_FILE: _ClassVar[EntityKind]
    ENTITY_KIND_NODE: _ClassVar[EntityKind]
    ENTITY_KIND_NAMESPACE: _ClassVar[EntityKind]
    ENTITY_KIND_POD: _ClassVar[EntityKind]
    ENTITY_KIND_CONTAINER: _ClassVar[EntityKind]
    ENTITY_KIND_CONTAINER_IMAGE: _ClassVar[EntityKind]
    ENTITY_KIND_SERVICE_ACCOUNT: _ClassVar[EntityKind]
    ENTITY_KIND_DECOY: _ClassVar[EntityKind]
    ENTITY_KIND_HONEYTOKEN: _ClassVar[EntityKind]

class DiagnosticSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIAGNOSTIC_SEVERITY_UNSPECIFIED: _ClassVar[DiagnosticSeverity]
    DIAGNOSTIC_SEVERITY_ERROR: _ClassVar[DiagnosticSeverity]
    DIAGNOSTIC_SEVERITY_WARNING: _ClassVar[DiagnosticSeverity]
    DIAGNOSTIC_SEVERITY_INFO: _ClassVar[DiagnosticSeverity]

class FileActivityId(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FILE_ACTIVITY_ID_UNSPECIFIED: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_CREATE: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_READ: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_UPDATE: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_DELETE: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_RENAME: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_SET_ATTRIBUTES: _ClassVar[FileActivityId]
    FILE_ACTIVITY_ID_OPEN: _ClassVar[FileActivityId]
SEVERITY_UNSPECIFIED: Severity
SEVERITY_INFORMATIONAL: Severity
SEVERITY_LOW: Severity
SEVERITY_MEDIUM: Severity
SEVERITY_HIGH: Severity
SEVERITY_CRITICAL: Severity
SEVERITY_FATAL: Severity
EVENT_CLASS_UNSPECIFIED: EventClass
EVENT_CLASS_PROCESS_ACTIVITY: EventClass
EVENT_CLASS_FILE_ACTIVITY: EventClass
EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY: EventClass
EVENT_CLASS_KERNEL_ACTIVITY: EventClass
EVENT_CLASS_NETWORK_ACTIVITY: EventClass
EVENT_CLASS_DNS_ACTIVITY: EventClass
EVENT_CLASS_DECEPTION_INTERACTION: EventClass
PROCESS_ACTIVITY_ID_UNSPECIFIED: ProcessActivityId
PROCESS_ACTIVITY_ID_LAUNCH: ProcessActivityId
PROCESS_ACTIVITY_ID_TERMINATE: ProcessActivityId
PROCESS_ACTIVITY_ID_OPEN: ProcessActivityId
PROCESS_ACTIVITY_ID_INJECT: ProcessActivityId
PROCESS_ACTIVITY_ID_SET_USER_ID: ProcessActivityId
PROCESS_ACTION_UNSPECIFIED: ProcessAction
PROCESS_ACTION_PRIVILEGE_CHANGE: ProcessAction
PROCESS_ACTION_EXEC_SETID: ProcessAction
PROCESS_ACTION_PTRACE: ProcessAction
PROCESS_ACTION_MEMFD_EXEC: ProcessAction
PROCESS_ACTION_ENFORCEMENT: ProcessAction
KERNEL_EXTENSION_ACTIVITY_ID_UNSPECIFIED: KernelExtensionActivityId
KERNEL_EXTENSION_ACTIVITY_ID_LOAD: KernelExtensionActivityId
KERNEL_EXTENSION_ACTIVITY_ID_UNLOAD: KernelExtensionActivityId
KERNEL_ACTIVITY_ID_UNSPECIFIED: KernelActivityId
KERNEL_ACTIVITY_ID_CREATE: KernelActivityId
KERNEL_ACTIVITY_ID_READ: KernelActivityId
KERNEL_ACTIVITY_ID_DELETE: KernelActivityId
KERNEL_ACTIVITY_ID_INVOKE: KernelActivityId
KERNEL_ACTIVITY_KIND_UNSPECIFIED: KernelActivityKind
KERNEL_ACTIVITY_KIND_MOUNT: KernelActivityKind
KERNEL_ACTIVITY_KIND_NAMESPACE_CHANGE: KernelActivityKind
KERNEL_ACTIVITY_KIND_BPF_PROG_LOAD: KernelActivityKind
KERNEL_ACTIVITY_KIND_RAW_SOCKET: KernelActivityKind
KERNEL_ACTIVITY_KIND_MEMFD_CREATE: KernelActivityKind
NETWORK_ACTIVITY_ID_UNSPECIFIED: NetworkActivityId
NETWORK_ACTIVITY_ID_OPEN: NetworkActivityId
NETWORK_ACTIVITY_ID_CLOSE: NetworkActivityId
NETWORK_ACTIVITY_ID_RESET: NetworkActivityId
NETWORK_ACTIVITY_ID_FAIL: NetworkActivityId
NETWORK_ACTIVITY_ID_REFUSE: NetworkActivityId
NETWORK_ACTIVITY_ID_TRAFFIC: NetworkActivityId
NETWORK_ACTIVITY_ID_LISTEN: NetworkActivityId
DNS_ACTIVITY_ID_UNSPECIFIED: DnsActivityId
DNS_ACTIVITY_ID_QUERY: DnsActivityId
DNS_ACTIVITY_ID_RESPONSE: DnsActivityId
DNS_ACTIVITY_ID_TRAFFIC: DnsActivityId
IP_PROTOCOL_UNSPECIFIED: IpProtocol
IP_PROTOCOL_ICMP: IpProtocol
IP_PROTOCOL_TCP: IpProtocol
IP_PROTOCOL_UDP: IpProtocol
IP_PROTOCOL_ICMPV6: IpProtocol
IP_PROTOCOL_SCTP: IpProtocol
NETWORK_DIRECTION_UNSPECIFIED: NetworkDirection
NETWORK_DIRECTION_INBOUND: NetworkDirection
NETWORK_DIRECTION_OUTBOUND: NetworkDirection
NETWORK_DIRECTION_LATERAL: NetworkDirection
DECOY_KIND_UNSPECIFIED: DecoyKind
DECOY_KIND_SSH: DecoyKind
DECOY_KIND_HTTP: DecoyKind
DECOY_KIND_REDIS: DecoyKind
DECOY_KIND_POSTGRES: DecoyKind
DECOY_KIND_MYSQL: DecoyKind
DECOY_KIND_KUBERNETES_API: DecoyKind
DECOY_KIND_SMB: DecoyKind
DECOY_KIND_TCP_BANNER: DecoyKind
INTERACTION_KIND_UNSPECIFIED: InteractionKind
INTERACTION_KIND_CONNECT: InteractionKind
INTERACTION_KIND_AUTH_ATTEMPT: InteractionKind
INTERACTION_KIND_COMMAND: InteractionKind
INTERACTION_KIND_TOKEN_USE: InteractionKind
INTERACTION_KIND_FILE_ACCESS: InteractionKind
INTERACTION_KIND_DISCONNECT: InteractionKind
DETECTOR_KIND_UNSPECIFIED: DetectorKind
DETECTOR_KIND_RULE: DetectorKind
DETECTOR_KIND_STREAMING: DetectorKind
DETECTOR_KIND_DECEPTION: DetectorKind
DETECTOR_KIND_MODULE: DetectorKind
DETECTOR_KIND_CORRELATION: DetectorKind
ALERT_STATUS_UNSPECIFIED: AlertStatus
ALERT_STATUS_NEW: AlertStatus
ALERT_STATUS_IN_PROGRESS: AlertStatus
ALERT_STATUS_SUPPRESSED: AlertStatus
ALERT_STATUS_RESOLVED: AlertStatus
INCIDENT_STATUS_UNSPECIFIED: IncidentStatus
INCIDENT_STATUS_OPEN: IncidentStatus
INCIDENT_STATUS_INVESTIGATING: IncidentStatus
INCIDENT_STATUS_CONTAINED: IncidentStatus
INCIDENT_STATUS_RESOLVED: IncidentStatus
INCIDENT_STATUS_FALSE_POSITIVE: IncidentStatus
ENTITY_KIND_UNSPECIFIED: EntityKind
ENTITY_KIND_IP_ADDRESS: EntityKind
ENTITY_KIND_HOSTNAME: EntityKind
ENTITY_KIND_DOMAIN: EntityKind
ENTITY_KIND_PROCESS: EntityKind
ENTITY_KIND_USER: EntityKind
ENTITY_KIND_FILE: EntityKind
ENTITY_KIND_NODE: EntityKind
ENTITY_KIND_NAMESPACE: EntityKind
ENTITY_KIND_POD: EntityKind
ENTITY_KIND_CONTAINER: EntityKind
ENTITY_KIND_CONTAINER_IMAGE: EntityKind
ENTITY_KIND_SERVICE_ACCOUNT: EntityKind
ENTITY_KIND_DECOY: EntityKind
ENTITY_KIND_HONEYTOKEN: EntityKind
DIAGNOSTIC_SEVERITY_UNSPECIFIED: DiagnosticSeverity
DIAGNOSTIC_SEVERITY_ERROR: DiagnosticSeverity
DIAGNOSTIC_SEVERITY_WARNING: DiagnosticSeverity
DIAGNOSTIC_SEVERITY_INFO: DiagnosticSeverity
FILE_ACTIVITY_ID_UNSPECIFIED: FileActivityId
FILE_ACTIVITY_ID_CREATE: FileActivityId
FILE_ACTIVITY_ID_READ: FileActivityId
FILE_ACTIVITY_ID_UPDATE: FileActivityId
FILE_ACTIVITY_ID_DELETE: FileActivityId
FILE_ACTIVITY_ID_RENAME: FileActivityId
FILE_ACTIVITY_ID_SET_ATTRIBUTES: FileActivityId
FILE_ACTIVITY_ID_OPEN: FileActivityId

class IdentityRef(_message.Message):
    __slots__ = ("id", "key_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    key_id: str
    def __init__(self, id: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class HybridSignature(_message.Message):
    __slots__ = ("key_id", "ed25519", "ml_dsa")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ED25519_FIELD_NUMBER: _ClassVar[int]
    ML_DSA_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    ed25519: bytes
    ml_dsa: bytes
    def __init__(self, key_id: _Optional[str] = ..., ed25519: _Optional[bytes] = ..., ml_dsa: _Optional[bytes] = ...) -> None: ...

class AuditRef(_message.Message):
    __slots__ = ("log_index", "leaf_hash", "checkpoint_size")
    LOG_INDEX_FIELD_NUMBER: _ClassVar[int]
    LEAF_HASH_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_SIZE_FIELD_NUMBER: _ClassVar[int]
    log_index: int
    leaf_hash: bytes
    checkpoint_size: int
    def __init__(self, log_index: _Optional[int] = ..., leaf_hash: _Optional[bytes] = ..., checkpoint_size: _Optional[int] = ...) -> None: ...

class TimeRange(_message.Message):
    __slots__ = ("start_time_ns", "end_time_ns")
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    END_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    start_time_ns: int
    end_time_ns: int
    def __init__(self, start_time_ns: _Optional[int] = ..., end_time_ns: _Optional[int] = ...) -> None: ...

class Diagnostic(_message.Message):
    __slots__ = ("severity", "message", "source", "path", "line", "column", "code")
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    severity: DiagnosticSeverity
    message: str
    source: str
    path: str
    line: int
    column: int
    code: str
    def __init__(self, severity: _Optional[_Union[DiagnosticSeverity, str]] = ..., message: _Optional[str] = ..., source: _Optional[str] = ..., path: _Optional[str] = ..., line: _Optional[int] = ..., column: _Optional[int] = ..., code: _Optional[str] = ...) -> None: ...

class Workload(_message.Message):
    __slots__ = ("namespace", "pod", "pod_uid", "container", "container_id", "image", "service_account", "pod_labels")
    class PodLabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    POD_FIELD_NUMBER: _ClassVar[int]
    POD_UID_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    POD_LABELS_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    pod: str
    pod_uid: str
    container: str
    container_id: str
    image: str
    service_account: str
    pod_labels: _containers.ScalarMap[str, str]
    def __init__(self, namespace: _Optional[str] = ..., pod: _Optional[str] = ..., pod_uid: _Optional[str] = ..., container: _Optional[str] = ..., container_id: _Optional[str] = ..., image: _Optional[str] = ..., service_account: _Optional[str] = ..., pod_labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("name", "posix_uid", "posix_gid", "effective_uid", "groups")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POSIX_UID_FIELD_NUMBER: _ClassVar[int]
    POSIX_GID_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_UID_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    name: str
    posix_uid: int
    posix_gid: int
    effective_uid: int
    groups: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., posix_uid: _Optional[int] = ..., posix_gid: _Optional[int] = ..., effective_uid: _Optional[int] = ..., groups: _Optional[_Iterable[str]] = ...) -> None: ...

class Process(_message.Message):
    __slots__ = ("pid", "uid", "name", "executable_path", "args", "cmd_line", "working_directory", "start_time_ns", "executable_sha256", "user", "parent")
    PID_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXECUTABLE_PATH_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    CMD_LINE_FIELD_NUMBER: _ClassVar[int]
    WORKING_DIRECTORY_FIELD_NUMBER: _ClassVar[int]
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXECUTABLE_SHA256_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    pid: int
    uid: str
    name: str
    executable_path: str
    args: _containers.RepeatedScalarFieldContainer[str]
    cmd_line: str
    working_directory: str
    start_time_ns: int
    executable_sha256: bytes
    user: User
    parent: Process
    def __init__(self, pid: _Optional[int] = ..., uid: _Optional[str] = ..., name: _Optional[str] = ..., executable_path: _Optional[str] = ..., args: _Optional[_Iterable[str]] = ..., cmd_line: _Optional[str] = ..., working_directory: _Optional[str] = ..., start_time_ns: _Optional[int] = ..., executable_sha256: _Optional[bytes] = ..., user: _Optional[_Union[User, _Mapping]] = ..., parent: _Optional[_Union[Process, _Mapping]] = ...) -> None: ...

class Actor(_message.Message):
    __slots__ = ("process", "user")
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    process: Process
    user: User
    def __init__(self, process: _Optional[_Union[Process, _Mapping]] = ..., user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class NetworkEndpoint(_message.Message):
    __slots__ = ("ip", "port", "hostname", "mac", "workload")
    IP_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    MAC_FIELD_NUMBER: _ClassVar[int]
    WORKLOAD_FIELD_NUMBER: _ClassVar[int]
    ip: str
    port: int
    hostname: str
    mac: str
    workload: Workload
    def __init__(self, ip: _Optional[str] = ..., port: _Optional[int] = ..., hostname: _Optional[str] = ..., mac: _Optional[str] = ..., workload: _Optional[_Union[Workload, _Mapping]] = ...) -> None: ...

class NetworkTraffic(_message.Message):
    __slots__ = ("bytes_out", "bytes_in", "packets_out", "packets_in")
    BYTES_OUT_FIELD_NUMBER: _ClassVar[int]
    BYTES_IN_FIELD_NUMBER: _ClassVar[int]
    PACKETS_OUT_FIELD_NUMBER: _ClassVar[int]
    PACKETS_IN_FIELD_NUMBER: _ClassVar[int]
    bytes_out: int
    bytes_in: int
    packets_out: int
    packets_in: int
    def __init__(self, bytes_out: _Optional[int] = ..., bytes_in: _Optional[int] = ..., packets_out: _Optional[int] = ..., packets_in: _Optional[int] = ...) -> None: ...

class NetworkActivity(_message.Message):
    __slots__ = ("activity_id", "protocol", "direction", "traffic", "interval", "tcp_flags", "community_uid")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    TCP_FLAGS_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_UID_FIELD_NUMBER: _ClassVar[int]
    activity_id: NetworkActivityId
    protocol: IpProtocol
    direction: NetworkDirection
    traffic: NetworkTraffic
    interval: TimeRange
    tcp_flags: int
    community_uid: str
    def __init__(self, activity_id: _Optional[_Union[NetworkActivityId, str]] = ..., protocol: _Optional[_Union[IpProtocol, str]] = ..., direction: _Optional[_Union[NetworkDirection, str]] = ..., traffic: _Optional[_Union[NetworkTraffic, _Mapping]] = ..., interval: _Optional[_Union[TimeRange, _Mapping]] = ..., tcp_flags: _Optional[int] = ..., community_uid: _Optional[str] = ...) -> None: ...

class DnsQuery(_message.Message):
    __slots__ = ("hostname", "type", "packet_uid")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CLASS_FIELD_NUMBER: _ClassVar[int]
    PACKET_UID_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    type: str
    packet_uid: int
    def __init__(self, hostname: _Optional[str] = ..., type: _Optional[str] = ..., packet_uid: _Optional[int] = ..., **kwargs) -> None: ...

class DnsAnswer(_message.Message):
    __slots__ = ("type", "rdata", "ttl_seconds")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RDATA_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    type: str
    rdata: str
    ttl_seconds: int
    def __init__(self, type: _Optional[str] = ..., rdata: _Optional[str] = ..., ttl_seconds: _Optional[int] = ...) -> None: ...

class File(_message.Message):
    __slots__ = ("path", "name", "inode", "device", "sha256", "size", "mode", "owner_uid", "owner_gid", "modified_time_ns")
    PATH_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    INODE_FIELD_NUMBER: _ClassVar[int]
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OWNER_UID_FIELD_NUMBER: _ClassVar[int]
    OWNER_GID_FIELD_NUMBER: _ClassVar[int]
    MODIFIED_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    path: str
    name: str
    inode: int
    device: str
    sha256: bytes
    size: int
    mode: int
    owner_uid: int
    owner_gid: int
    modified_time_ns: int
    def __init__(self, path: _Optional[str] = ..., name: _Optional[str] = ..., inode: _Optional[int] = ..., device: _Optional[str] = ..., sha256: _Optional[bytes] = ..., size: _Optional[int] = ..., mode: _Optional[int] = ..., owner_uid: _Optional[int] = ..., owner_gid: _Optional[int] = ..., modified_time_ns: _Optional[int] = ...) -> None: ...

class FileActivity(_message.Message):
    __slots__ = ("activity_id", "file", "open_flags", "file_result", "mode", "owner_uid", "owner_gid", "syscall", "result", "integrity_changes", "coalesced_changes")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    OPEN_FLAGS_FIELD_NUMBER: _ClassVar[int]
    FILE_RESULT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OWNER_UID_FIELD_NUMBER: _ClassVar[int]
    OWNER_GID_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INTEGRITY_CHANGES_FIELD_NUMBER: _ClassVar[int]
    COALESCED_CHANGES_FIELD_NUMBER: _ClassVar[int]
    activity_id: FileActivityId
    file: File
    open_flags: int
    file_result: File
    mode: int
    owner_uid: int
    owner_gid: int
    syscall: str
    result: int
    integrity_changes: _containers.RepeatedScalarFieldContainer[str]
    coalesced_changes: int
    def __init__(self, activity_id: _Optional[_Union[FileActivityId, str]] = ..., file: _Optional[_Union[File, _Mapping]] = ..., open_flags: _Optional[int] = ..., file_result: _Optional[_Union[File, _Mapping]] = ..., mode: _Optional[int] = ..., owner_uid: _Optional[int] = ..., owner_gid: _Optional[int] = ..., syscall: _Optional[str] = ..., result: _Optional[int] = ..., integrity_changes: _Optional[_Iterable[str]] = ..., coalesced_changes: _Optional[int] = ...) -> None: ...

class Credentials(_message.Message):
    __slots__ = ("uid", "euid", "gid", "egid", "cap_effective")
    UID_FIELD_NUMBER: _ClassVar[int]
    EUID_FIELD_NUMBER: _ClassVar[int]
    GID_FIELD_NUMBER: _ClassVar[int]
    EGID_FIELD_NUMBER: _ClassVar[int]
    CAP_EFFECTIVE_FIELD_NUMBER: _ClassVar[int]
    uid: int
    euid: int
    gid: int
    egid: int
    cap_effective: int
    def __init__(self, uid: _Optional[int] = ..., euid: _Optional[int] = ..., gid: _Optional[int] = ..., egid: _Optional[int] = ..., cap_effective: _Optional[int] = ...) -> None: ...

class KernelExtensionActivity(_message.Message):
    __slots__ = ("activity_id", "path", "params", "syscall", "result")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    activity_id: KernelExtensionActivityId
    path: str
    params: str
    syscall: str
    result: int
    def __init__(self, activity_id: _Optional[_Union[KernelExtensionActivityId, str]] = ..., path: _Optional[str] = ..., params: _Optional[str] = ..., syscall: _Optional[str] = ..., result: _Optional[int] = ...) -> None: ...

class KernelActivity(_message.Message):
    __slots__ = ("activity_id", "kind", "syscall", "result", "mount_source", "mount_target", "mount_fs_type", "mount_flags", "namespaces", "bpf_prog_type", "bpf_prog_name", "socket_family", "socket_type", "socket_protocol", "memfd_name", "memfd_flags")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    MOUNT_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MOUNT_TARGET_FIELD_NUMBER: _ClassVar[int]
    MOUNT_FS_TYPE_FIELD_NUMBER: _ClassVar[int]
    MOUNT_FLAGS_FIELD_NUMBER: _ClassVar[int]
    NAMESPACES_FIELD_NUMBER: _ClassVar[int]
    BPF_PROG_TYPE_FIELD_NUMBER: _ClassVar[int]
    BPF_PROG_NAME_FIELD_NUMBER: _ClassVar[int]
    SOCKET_FAMILY_FIELD_NUMBER: _ClassVar[int]
    SOCKET_TYPE_FIELD_NUMBER: _ClassVar[int]
    SOCKET_PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    MEMFD_NAME_FIELD_NUMBER: _ClassVar[int]
    MEMFD_FLAGS_FIELD_NUMBER: _ClassVar[int]
    activity_id: KernelActivityId
    kind: KernelActivityKind
    syscall: str
    result: int
    mount_source: str
    mount_target: str
    mount_fs_type: str
    mount_flags: int
    namespaces: _containers.RepeatedScalarFieldContainer[str]
    bpf_prog_type: str
    bpf_prog_name: str
    socket_family: str
    socket_type: str
    socket_protocol: int
    memfd_name: str
    memfd_flags: int
    def __init__(self, activity_id: _Optional[_Union[KernelActivityId, str]] = ..., kind: _Optional[_Union[KernelActivityKind, str]] = ..., syscall: _Optional[str] = ..., result: _Optional[int] = ..., mount_source: _Optional[str] = ..., mount_target: _Optional[str] = ..., mount_fs_type: _Optional[str] = ..., mount_flags: _Optional[int] = ..., namespaces: _Optional[_Iterable[str]] = ..., bpf_prog_type: _Optional[str] = ..., bpf_prog_name: _Optional[str] = ..., socket_family: _Optional[str] = ..., socket_type: _Optional[str] = ..., socket_protocol: _Optional[int] = ..., memfd_name: _Optional[str] = ..., memfd_flags: _Optional[int] = ...) -> None: ...

class DnsActivity(_message.Message):
    __slots__ = ("activity_id", "query", "answers", "rcode", "response_time_ns", "protocol")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    RCODE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    activity_id: DnsActivityId
    query: DnsQuery
    answers: _containers.RepeatedCompositeFieldContainer[DnsAnswer]
    rcode: int
    response_time_ns: int
    protocol: IpProtocol
    def __init__(self, activity_id: _Optional[_Union[DnsActivityId, str]] = ..., query: _Optional[_Union[DnsQuery, _Mapping]] = ..., answers: _Optional[_Iterable[_Union[DnsAnswer, _Mapping]]] = ..., rcode: _Optional[int] = ..., response_time_ns: _Optional[int] = ..., protocol: _Optional[_Union[IpProtocol, str]] = ...) -> None: ...

class DeceptionInteraction(_message.Message):
    __slots__ = ("kind", "decoy_id", "decoy_kind", "honeytoken_id", "protocol", "username", "request", "payload_sample", "session_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DECOY_ID_FIELD_NUMBER: _ClassVar[int]
    DECOY_KIND_FIELD_NUMBER: _ClassVar[int]
    HONEYTOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    kind: InteractionKind
    decoy_id: str
    decoy_kind: DecoyKind
    honeytoken_id: str
    protocol: str
    username: str
    request: str
    payload_sample: bytes
    session_id: str
    def __init__(self, kind: _Optional[_Union[InteractionKind, str]] = ..., decoy_id: _Optional[str] = ..., decoy_kind: _Optional[_Union[DecoyKind, str]] = ..., honeytoken_id: _Optional[str] = ..., protocol: _Optional[str] = ..., username: _Optional[str] = ..., request: _Optional[str] = ..., payload_sample: _Optional[bytes] = ..., session_id: _Optional[str] = ...) -> None: ...

class ProcessActivity(_message.Message):
    __slots__ = ("activity_id", "process", "exit_code", "action", "syscall", "result", "credentials", "requested_ids", "ptrace_request", "exec_file", "enforcement")
    ACTIVITY_ID_FIELD_NUMBER: _ClassVar[int]
    PROCESS_FIELD_NUMBER: _ClassVar[int]
    EXIT_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SYSCALL_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_IDS_FIELD_NUMBER: _ClassVar[int]
    PTRACE_REQUEST_FIELD_NUMBER: _ClassVar[int]
    EXEC_FILE_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    activity_id: ProcessActivityId
    process: Process
    exit_code: int
    action: ProcessAction
    syscall: str
    result: int
    credentials: Credentials
    requested_ids: _containers.RepeatedScalarFieldContainer[int]
    ptrace_request: str
    exec_file: str
    enforcement: Enforcement
    def __init__(self, activity_id: _Optional[_Union[ProcessActivityId, str]] = ..., process: _Optional[_Union[Process, _Mapping]] = ..., exit_code: _Optional[int] = ..., action: _Optional[_Union[ProcessAction, str]] = ..., syscall: _Optional[str] = ..., result: _Optional[int] = ..., credentials: _Optional[_Union[Credentials, _Mapping]] = ..., requested_ids: _Optional[_Iterable[int]] = ..., ptrace_request: _Optional[str] = ..., exec_file: _Optional[str] = ..., enforcement: _Optional[_Union[Enforcement, _Mapping]] = ...) -> None: ...

class Enforcement(_message.Message):
    __slots__ = ("policy", "action", "dry_run")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    policy: str
    action: str
    dry_run: bool
    def __init__(self, policy: _Optional[str] = ..., action: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("id", "time_ns", "class_uid", "severity", "message", "actor", "src_endpoint", "dst_endpoint", "node", "workload", "process_activity", "network_activity", "dns_activity", "deception_interaction", "file_activity", "kernel_activity", "kernel_extension_activity", "unmapped", "raw_data")
    class UnmappedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TIME_NS_FIELD_NUMBER: _ClassVar[int]
    CLASS_UID_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    SRC_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    DST_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    WORKLOAD_FIELD_NUMBER: _ClassVar[int]
    PROCESS_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    NETWORK_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    DNS_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    DECEPTION_INTERACTION_FIELD_NUMBER: _ClassVar[int]
    FILE_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    KERNEL_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    KERNEL_EXTENSION_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    UNMAPPED_FIELD_NUMBER: _ClassVar[int]
    RAW_DATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    time_ns: int
    class_uid: EventClass
    severity: Severity
    message: str
    actor: Actor
    src_endpoint: NetworkEndpoint
    dst_endpoint: NetworkEndpoint
    node: str
    workload: Workload
    process_activity: ProcessActivity
    network_activity: NetworkActivity
    dns_activity: DnsActivity
    deception_interaction: DeceptionInteraction
    file_activity: FileActivity
    kernel_activity: KernelActivity
    kernel_extension_activity: KernelExtensionActivity
    unmapped: _containers.ScalarMap[str, str]
    raw_data: bytes
    def __init__(self, id: _Optional[str] = ..., time_ns: _Optional[int] = ..., class_uid: _Optional[_Union[EventClass, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., message: _Optional[str] = ..., actor: _Optional[_Union[Actor, _Mapping]] = ..., src_endpoint: _Optional[_Union[NetworkEndpoint, _Mapping]] = ..., dst_endpoint: _Optional[_Union[NetworkEndpoint, _Mapping]] = ..., node: _Optional[str] = ..., workload: _Optional[_Union[Workload, _Mapping]] = ..., process_activity: _Optional[_Union[ProcessActivity, _Mapping]] = ..., network_activity: _Optional[_Union[NetworkActivity, _Mapping]] = ..., dns_activity: _Optional[_Union[DnsActivity, _Mapping]] = ..., deception_interaction: _Optional[_Union[DeceptionInteraction, _Mapping]] = ..., file_activity: _Optional[_Union[FileActivity, _Mapping]] = ..., kernel_activity: _Optional[_Union[KernelActivity, _Mapping]] = ..., kernel_extension_activity: _Optional[_Union[KernelExtensionActivity, _Mapping]] = ..., unmapped: _Optional[_Mapping[str, str]] = ..., raw_data: _Optional[bytes] = ...) -> None: ...

class EventBatch(_message.Message):
    __slots__ = ("sender", "session_id", "sequence", "created_time_ns", "events", "lost_records", "dropped_events", "signature")
    SENDER_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CREATED_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    LOST_RECORDS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_EVENTS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    sender: IdentityRef
    session_id: str
    sequence: int
    created_time_ns: int
    events: _containers.RepeatedCompositeFieldContainer[Event]
    lost_records: int
    dropped_events: int
    signature: HybridSignature
    def __init__(self, sender: _Optional[_Union[IdentityRef, _Mapping]] = ..., session_id: _Optional[str] = ..., sequence: _Optional[int] = ..., created_time_ns: _Optional[int] = ..., events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ..., lost_records: _Optional[int] = ..., dropped_events: _Optional[int] = ..., signature: _Optional[_Union[HybridSignature, _Mapping]] = ...) -> None: ...

class BatchRef(_message.Message):
    __slots__ = ("sender_id", "session_id", "sequence", "stream_sequence")
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    sender_id: str
    session_id: str
    sequence: int
    stream_sequence: int
    def __init__(self, sender_id: _Optional[str] = ..., session_id: _Optional[str] = ..., sequence: _Optional[int] = ..., stream_sequence: _Optional[int] = ...) -> None: ...

class EvidenceRef(_message.Message):
    __slots__ = ("event_id", "batch", "event_index")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    EVENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    batch: BatchRef
    event_index: int
    def __init__(self, event_id: _Optional[str] = ..., batch: _Optional[_Union[BatchRef, _Mapping]] = ..., event_index: _Optional[int] = ...) -> None: ...

class Entity(_message.Message):
    __slots__ = ("kind", "value", "display_name", "is_actor")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    IS_ACTOR_FIELD_NUMBER: _ClassVar[int]
    kind: EntityKind
    value: str
    display_name: str
    is_actor: bool
    def __init__(self, kind: _Optional[_Union[EntityKind, str]] = ..., value: _Optional[str] = ..., display_name: _Optional[str] = ..., is_actor: _Optional[bool] = ...) -> None: ...

class AlertReason(_message.Message):
    __slots__ = ("summary", "feature", "observed_value", "expected_value", "weight", "event_ids")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_VALUE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VALUE_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    EVENT_IDS_FIELD_NUMBER: _ClassVar[int]
    summary: str
    feature: str
    observed_value: str
    expected_value: str
    weight: float
    event_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, summary: _Optional[str] = ..., feature: _Optional[str] = ..., observed_value: _Optional[str] = ..., expected_value: _Optional[str] = ..., weight: _Optional[float] = ..., event_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("id", "time_ns", "severity", "title", "rule_id", "rule_name", "detector_kind", "attack_technique_ids", "attack_tactic_ids", "entities", "evidence", "explanation", "reasons", "incident_id", "confidence", "status", "observed", "count", "node", "audit", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TIME_NS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_NAME_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TACTIC_IDS_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    id: str
    time_ns: int
    severity: Severity
    title: str
    rule_id: str
    rule_name: str
    detector_kind: DetectorKind
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    attack_tactic_ids: _containers.RepeatedScalarFieldContainer[str]
    entities: _containers.RepeatedCompositeFieldContainer[Entity]
    evidence: _containers.RepeatedCompositeFieldContainer[EvidenceRef]
    explanation: str
    reasons: _containers.RepeatedCompositeFieldContainer[AlertReason]
    incident_id: str
    confidence: int
    status: AlertStatus
    observed: TimeRange
    count: int
    node: str
    audit: AuditRef
    labels: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., time_ns: _Optional[int] = ..., severity: _Optional[_Union[Severity, str]] = ..., title: _Optional[str] = ..., rule_id: _Optional[str] = ..., rule_name: _Optional[str] = ..., detector_kind: _Optional[_Union[DetectorKind, str]] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ..., attack_tactic_ids: _Optional[_Iterable[str]] = ..., entities: _Optional[_Iterable[_Union[Entity, _Mapping]]] = ..., evidence: _Optional[_Iterable[_Union[EvidenceRef, _Mapping]]] = ..., explanation: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[AlertReason, _Mapping]]] = ..., incident_id: _Optional[str] = ..., confidence: _Optional[int] = ..., status: _Optional[_Union[AlertStatus, str]] = ..., observed: _Optional[_Union[TimeRange, _Mapping]] = ..., count: _Optional[int] = ..., node: _Optional[str] = ..., audit: _Optional[_Union[AuditRef, _Mapping]] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Incident(_message.Message):
    __slots__ = ("id", "title", "severity", "status", "create_time_ns", "update_time_ns", "observed", "alert_ids", "entities", "attack_technique_ids", "attack_tactic_ids", "summary", "workflow_ids", "assignee", "audit")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_FIELD_NUMBER: _ClassVar[int]
    ALERT_IDS_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TACTIC_IDS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_IDS_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    severity: Severity
    status: IncidentStatus
    create_time_ns: int
    update_time_ns: int
    observed: TimeRange
    alert_ids: _containers.RepeatedScalarFieldContainer[str]
    entities: _containers.RepeatedCompositeFieldContainer[Entity]
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    attack_tactic_ids: _containers.RepeatedScalarFieldContainer[str]
    summary: str
    workflow_ids: _containers.RepeatedScalarFieldContainer[str]
    assignee: str
    audit: AuditRef
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., status: _Optional[_Union[IncidentStatus, str]] = ..., create_time_ns: _Optional[int] = ..., update_time_ns: _Optional[int] = ..., observed: _Optional[_Union[TimeRange, _Mapping]] = ..., alert_ids: _Optional[_Iterable[str]] = ..., entities: _Optional[_Iterable[_Union[Entity, _Mapping]]] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ..., attack_tactic_ids: _Optional[_Iterable[str]] = ..., summary: _Optional[str] = ..., workflow_ids: _Optional[_Iterable[str]] = ..., assignee: _Optional[str] = ..., audit: _Optional[_Union[AuditRef, _Mapping]] = ...) -> None: ...
