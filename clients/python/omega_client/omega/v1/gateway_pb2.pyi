from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AuthMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUTH_METHOD_UNSPECIFIED: _ClassVar[AuthMethod]
    AUTH_METHOD_MTLS: _ClassVar[AuthMethod]
    AUTH_METHOD_TOKEN: _ClassVar[AuthMethod]
    AUTH_METHOD_ANONYMOUS: _ClassVar[AuthMethod]

class PrincipalKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRINCIPAL_KIND_UNSPECIFIED: _ClassVar[PrincipalKind]
    PRINCIPAL_KIND_USER: _ClassVar[PrincipalKind]
    PRINCIPAL_KIND_SERVICE: _ClassVar[PrincipalKind]
    PRINCIPAL_KIND_SENTINEL: _ClassVar[PrincipalKind]
    PRINCIPAL_KIND_EDGE: _ClassVar[PrincipalKind]
    PRINCIPAL_KIND_ANONYMOUS: _ClassVar[PrincipalKind]

class ServingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SERVING_STATUS_UNSPECIFIED: _ClassVar[ServingStatus]
    SERVING_STATUS_SERVING: _ClassVar[ServingStatus]
    SERVING_STATUS_NOT_SERVING: _ClassVar[ServingStatus]
AUTH_METHOD_UNSPECIFIED: AuthMethod
AUTH_METHOD_MTLS: AuthMethod
AUTH_METHOD_TOKEN: AuthMethod
AUTH_METHOD_ANONYMOUS: AuthMethod
PRINCIPAL_KIND_UNSPECIFIED: PrincipalKind
PRINCIPAL_KIND_USER: PrincipalKind
PRINCIPAL_KIND_SERVICE: PrincipalKind
PRINCIPAL_KIND_SENTINEL: PrincipalKind
PRINCIPAL_KIND_EDGE: PrincipalKind
PRINCIPAL_KIND_ANONYMOUS: PrincipalKind
SERVING_STATUS_UNSPECIFIED: ServingStatus
SERVING_STATUS_SERVING: ServingStatus
SERVING_STATUS_NOT_SERVING: ServingStatus

class Principal(_message.Message):
    __slots__ = ("id", "kind", "roles", "auth_method", "identity", "token_id", "expire_time_ns")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AUTH_METHOD_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: PrincipalKind
    roles: _containers.RepeatedScalarFieldContainer[str]
    auth_method: AuthMethod
    identity: _common_pb2.IdentityRef
    token_id: str
    expire_time_ns: int
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[PrincipalKind, str]] = ..., roles: _Optional[_Iterable[str]] = ..., auth_method: _Optional[_Union[AuthMethod, str]] = ..., identity: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., token_id: _Optional[str] = ..., expire_time_ns: _Optional[int] = ...) -> None: ...

class AccessDecision(_message.Message):
    __slots__ = ("method", "allowed", "required_roles", "reason")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ROLES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    method: str
    allowed: bool
    required_roles: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    def __init__(self, method: _Optional[str] = ..., allowed: _Optional[bool] = ..., required_roles: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class ServiceInfo(_message.Message):
    __slots__ = ("name", "status", "version", "address")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    status: ServingStatus
    version: str
    address: str
    def __init__(self, name: _Optional[str] = ..., status: _Optional[_Union[ServingStatus, str]] = ..., version: _Optional[str] = ..., address: _Optional[str] = ...) -> None: ...

class TokenInfo(_message.Message):
    __slots__ = ("id", "subject", "roles", "description", "created_by", "create_time_ns", "expire_time_ns", "last_use_time_ns", "revoke_time_ns")
    ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    LAST_USE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    id: str
    subject: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    description: str
    created_by: str
    create_time_ns: int
    expire_time_ns: int
    last_use_time_ns: int
    revoke_time_ns: int
    def __init__(self, id: _Optional[str] = ..., subject: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., created_by: _Optional[str] = ..., create_time_ns: _Optional[int] = ..., expire_time_ns: _Optional[int] = ..., last_use_time_ns: _Optional[int] = ..., revoke_time_ns: _Optional[int] = ...) -> None: ...

class WhoAmIRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WhoAmIResponse(_message.Message):
    __slots__ = ("principal",)
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    principal: Principal
    def __init__(self, principal: _Optional[_Union[Principal, _Mapping]] = ...) -> None: ...

class CheckAccessRequest(_message.Message):
    __slots__ = ("methods", "principal_id")
    METHODS_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_ID_FIELD_NUMBER: _ClassVar[int]
    methods: _containers.RepeatedScalarFieldContainer[str]
    principal_id: str
    def __init__(self, methods: _Optional[_Iterable[str]] = ..., principal_id: _Optional[str] = ...) -> None: ...

class CheckAccessResponse(_message.Message):
    __slots__ = ("principal", "decisions")
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    principal: Principal
    decisions: _containers.RepeatedCompositeFieldContainer[AccessDecision]
    def __init__(self, principal: _Optional[_Union[Principal, _Mapping]] = ..., decisions: _Optional[_Iterable[_Union[AccessDecision, _Mapping]]] = ...) -> None: ...

class GetServerInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetServerInfoResponse(_message.Message):
    __slots__ = ("version", "commit", "cluster", "trust_domain", "services", "features", "server_time_ns")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_FIELD_NUMBER: _ClassVar[int]
    TRUST_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    SERVER_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    version: str
    commit: str
    cluster: str
    trust_domain: str
    services: _containers.RepeatedCompositeFieldContainer[ServiceInfo]
    features: _containers.RepeatedScalarFieldContainer[str]
    server_time_ns: int
    def __init__(self, version: _Optional[str] = ..., commit: _Optional[str] = ..., cluster: _Optional[str] = ..., trust_domain: _Optional[str] = ..., services: _Optional[_Iterable[_Union[ServiceInfo, _Mapping]]] = ..., features: _Optional[_Iterable[str]] = ..., server_time_ns: _Optional[int] = ...) -> None: ...

class CreateTokenRequest(_message.Message):
    __slots__ = ("subject", "roles", "description", "ttl_seconds", "request_id")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    subject: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    description: str
    ttl_seconds: int
    request_id: str
    def __init__(self, subject: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ..., ttl_seconds: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateTokenResponse(_message.Message):
    __slots__ = ("token", "secret")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    token: TokenInfo
    secret: str
    def __init__(self, token: _Optional[_Union[TokenInfo, _Mapping]] = ..., secret: _Optional[str] = ...) -> None: ...

class ListTokensRequest(_message.Message):
    __slots__ = ("subject", "include_revoked", "page_size", "page_token")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REVOKED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    subject: str
    include_revoked: bool
    page_size: int
    page_token: str
    def __init__(self, subject: _Optional[str] = ..., include_revoked: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTokensResponse(_message.Message):
    __slots__ = ("tokens", "next_page_token")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tokens: _containers.RepeatedCompositeFieldContainer[TokenInfo]
    next_page_token: str
    def __init__(self, tokens: _Optional[_Iterable[_Union[TokenInfo, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RevokeTokenRequest(_message.Message):
    __slots__ = ("token_id", "reason")
    TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    token_id: str
    reason: str
    def __init__(self, token_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RevokeTokenResponse(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: TokenInfo
    def __init__(self, token: _Optional[_Union[TokenInfo, _Mapping]] = ...) -> None: ...

class GatewayTokenRecord(_message.Message):
    __slots__ = ("info", "document", "signature", "signer_id")
    INFO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNER_ID_FIELD_NUMBER: _ClassVar[int]
    info: TokenInfo
    document: bytes
    signature: _common_pb2.HybridSignature
    signer_id: str
    def __init__(self, info: _Optional[_Union[TokenInfo, _Mapping]] = ..., document: _Optional[bytes] = ..., signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., signer_id: _Optional[str] = ...) -> None: ...
