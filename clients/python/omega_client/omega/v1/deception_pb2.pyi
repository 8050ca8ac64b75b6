from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DecoyStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECOY_STATUS_UNSPECIFIED: _ClassVar[DecoyStatus]
    DECOY_STATUS_PENDING: _ClassVar[DecoyStatus]
    DECOY_STATUS_RUNNING: _ClassVar[DecoyStatus]
    DECOY_STATUS_FAILED: _ClassVar[DecoyStatus]
    DECOY_STATUS_REMOVED: _ClassVar[DecoyStatus]

class HoneytokenKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HONEYTOKEN_KIND_UNSPECIFIED: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_CREDENTIAL: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_KUBERNETES_SECRET: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_KUBERNETES_TOKEN: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_ACCESS_KEY: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_CANARY_URL: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_DNS_CANARY: _ClassVar[HoneytokenKind]
    HONEYTOKEN_KIND_FILE: _ClassVar[HoneytokenKind]

class HoneytokenStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HONEYTOKEN_STATUS_UNSPECIFIED: _ClassVar[HoneytokenStatus]
    HONEYTOKEN_STATUS_ACTIVE: _ClassVar[HoneytokenStatus]
    HONEYTOKEN_STATUS_TRIGGERED: _ClassVar[HoneytokenStatus]
    HONEYTOKEN_STATUS_REVOKED: _ClassVar[HoneytokenStatus]
DECOY_STATUS_UNSPECIFIED: DecoyStatus
DECOY_STATUS_PENDING: DecoyStatus
DECOY_STATUS_RUNNING: DecoyStatus
DECOY_STATUS_FAILED: DecoyStatus
DECOY_STATUS_REMOVED: DecoyStatus
HONEYTOKEN_KIND_UNSPECIFIED: HoneytokenKind
HONEYTOKEN_KIND_CREDENTIAL: HoneytokenKind
HONEYTOKEN_KIND_KUBERNETES_SECRET: HoneytokenKind
HONEYTOKEN_KIND_KUBERNETES_TOKEN: HoneytokenKind
HONEYTOKEN_KIND_ACCESS_KEY: HoneytokenKind
HONEYTOKEN_KIND_CANARY_URL: HoneytokenKind
HONEYTOKEN_KIND_DNS_CANARY: HoneytokenKind
HONEYTOKEN_KIND_FILE: HoneytokenKind
HONEYTOKEN_STATUS_UNSPECIFIED: HoneytokenStatus
HONEYTOKEN_STATUS_ACTIVE: HoneytokenStatus
HONEYTOKEN_STATUS_TRIGGERED: HoneytokenStatus
HONEYTOKEN_STATUS_REVOKED: HoneytokenStatus

class DecoySpec(_message.Message):
    __slots__ = ("kind", "name", "namespace", "port", "labels", "banner", "honeytoken_ids", "ttl_seconds")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    BANNER_FIELD_NUMBER: _ClassVar[int]
    HONEYTOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    kind: _common_pb2.DecoyKind
    name: str
    namespace: str
    port: int
    labels: _containers.ScalarMap[str, str]
    banner: str
    honeytoken_ids: _containers.RepeatedScalarFieldContainer[str]
    ttl_seconds: int
    def __init__(self, kind: _Optional[_Union[_common_pb2.DecoyKind, str]] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., port: _Optional[int] = ..., labels: _Optional[_Mapping[str, str]] = ..., banner: _Optional[str] = ..., honeytoken_ids: _Optional[_Iterable[str]] = ..., ttl_seconds: _Optional[int] = ...) -> None: ...

class Decoy(_message.Message):
    __slots__ = ("id", "spec", "status", "status_message", "address", "create_time_ns", "remove_time_ns", "interaction_count", "last_interaction_time_ns", "audit")
    ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    REMOVE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_INTERACTION_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    id: str
    spec: DecoySpec
    status: DecoyStatus
    status_message: str
    address: str
    create_time_ns: int
    remove_time_ns: int
    interaction_count: int
    last_interaction_time_ns: int
    audit: _common_pb2.AuditRef
    def __init__(self, id: _Optional[str] = ..., spec: _Optional[_Union[DecoySpec, _Mapping]] = ..., status: _Optional[_Union[DecoyStatus, str]] = ..., status_message: _Optional[str] = ..., address: _Optional[str] = ..., create_time_ns: _Optional[int] = ..., remove_time_ns: _Optional[int] = ..., interaction_count: _Optional[int] = ..., last_interaction_time_ns: _Optional[int] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class Honeytoken(_message.Message):
    __slots__ = ("id", "kind", "name", "namespace", "placement", "status", "labels", "create_time_ns", "expire_time_ns", "trigger_count", "last_trigger_time_ns", "audit")
    class LabelsEntry(_message.Message):
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
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_TRIGGER_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: HoneytokenKind
    name: str
    namespace: str
    placement: str
    status: HoneytokenStatus
    labels: _containers.ScalarMap[str, str]
    create_time_ns: int
    expire_time_ns: int
    trigger_count: int
    last_trigger_time_ns: int
    audit: _common_pb2.AuditRef
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[HoneytokenKind, str]] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., placement: _Optional[str] = ..., status: _Optional[_Union[HoneytokenStatus, str]] = ..., labels: _Optional[_Mapping[str, str]] = ..., create_time_ns: _Optional[int] = ..., expire_time_ns: _Optional[int] = ..., trigger_count: _Optional[int] = ..., last_trigger_time_ns: _Optional[int] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class DeployDecoyRequest(_message.Message):
    __slots__ = ("spec", "dry_run", "request_id")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    spec: DecoySpec
    dry_run: bool
    request_id: str
    def __init__(self, spec: _Optional[_Union[DecoySpec, _Mapping]] = ..., dry_run: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeployDecoyResponse(_message.Message):
    __slots__ = ("decoy", "manifests_yaml")
    DECOY_FIELD_NUMBER: _ClassVar[int]
    MANIFESTS_YAML_FIELD_NUMBER: _ClassVar[int]
    decoy: Decoy
    manifests_yaml: str
    def __init__(self, decoy: _Optional[_Union[Decoy, _Mapping]] = ..., manifests_yaml: _Optional[str] = ...) -> None: ...

class ListDecoysRequest(_message.Message):
    __slots__ = ("namespace", "kind", "include_removed", "page_size", "page_token")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    kind: _common_pb2.DecoyKind
    include_removed: bool
    page_size: int
    page_token: str
    def __init__(self, namespace: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.DecoyKind, str]] = ..., include_removed: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDecoysResponse(_message.Message):
    __slots__ = ("decoys", "next_page_token")
    DECOYS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decoys: _containers.RepeatedCompositeFieldContainer[Decoy]
    next_page_token: str
    def __init__(self, decoys: _Optional[_Iterable[_Union[Decoy, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RemoveDecoyRequest(_message.Message):
    __slots__ = ("decoy_id", "reason", "request_id")
    DECOY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    decoy_id: str
    reason: str
    request_id: str
    def __init__(self, decoy_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RemoveDecoyResponse(_message.Message):
    __slots__ = ("decoy",)
    DECOY_FIELD_NUMBER: _ClassVar[int]
    decoy: Decoy
    def __init__(self, decoy: _Optional[_Union[Decoy, _Mapping]] = ...) -> None: ...

class MintHoneytokenRequest(_message.Message):
    __slots__ = ("kind", "name", "namespace", "placement", "labels", "plant", "ttl_seconds", "request_id")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    PLANT_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    kind: HoneytokenKind
    name: str
    namespace: str
    placement: str
    labels: _containers.ScalarMap[str, str]
    plant: bool
    ttl_seconds: int
    request_id: str
    def __init__(self, kind: _Optional[_Union[HoneytokenKind, str]] = ..., name: _Optional[str] = ..., namespace: _Optional[str] = ..., placement: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., plant: _Optional[bool] = ..., ttl_seconds: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class MintHoneytokenResponse(_message.Message):
    __slots__ = ("honeytoken", "secret_value", "secret_id", "file_content")
    HONEYTOKEN_FIELD_NUMBER: _ClassVar[int]
    SECRET_VALUE_FIELD_NUMBER: _ClassVar[int]
    SECRET_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_CONTENT_FIELD_NUMBER: _ClassVar[int]
    honeytoken: Honeytoken
    secret_value: str
    secret_id: str
    file_content: bytes
    def __init__(self, honeytoken: _Optional[_Union[Honeytoken, _Mapping]] = ..., secret_value: _Optional[str] = ..., secret_id: _Optional[str] = ..., file_content: _Optional[bytes] = ...) -> None: ...

class ListHoneytokensRequest(_message.Message):
    __slots__ = ("kind", "namespace", "status", "page_size", "page_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: HoneytokenKind
    namespace: str
    status: HoneytokenStatus
    page_size: int
    page_token: str
    def __init__(self, kind: _Optional[_Union[HoneytokenKind, str]] = ..., namespace: _Optional[str] = ..., status: _Optional[_Union[HoneytokenStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListHoneytokensResponse(_message.Message):
    __slots__ = ("honeytokens", "next_page_token")
    HONEYTOKENS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    honeytokens: _containers.RepeatedCompositeFieldContainer[Honeytoken]
    next_page_token: str
    def __init__(self, honeytokens: _Optional[_Iterable[_Union[Honeytoken, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeHoneytokenRequest(_message.Message):
    __slots__ = ("honeytoken_id", "reason", "request_id")
    HONEYTOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    honeytoken_id: str
    reason: str
    request_id: str
    def __init__(self, honeytoken_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeHoneytokenResponse(_message.Message):
    __slots__ = ("honeytoken",)
    HONEYTOKEN_FIELD_NUMBER: _ClassVar[int]
    honeytoken: Honeytoken
    def __init__(self, honeytoken: _Optional[_Union[Honeytoken, _Mapping]] = ...) -> None: ...

class ListInteractionsRequest(_message.Message):
    __slots__ = ("decoy_id", "honeytoken_id", "source_ip", "time_range", "page_size", "page_token")
    DECOY_ID_FIELD_NUMBER: _ClassVar[int]
    HONEYTOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_IP_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decoy_id: str
    honeytoken_id: str
    source_ip: str
    time_range: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, decoy_id: _Optional[str] = ..., honeytoken_id: _Optional[str] = ..., source_ip: _Optional[str] = ..., time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInteractionsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_common_pb2.Event]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[_common_pb2.Event, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
