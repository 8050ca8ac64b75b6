from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IdentityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IDENTITY_KIND_UNSPECIFIED: _ClassVar[IdentityKind]
    IDENTITY_KIND_SENTINEL: _ClassVar[IdentityKind]
    IDENTITY_KIND_SERVICE: _ClassVar[IdentityKind]
    IDENTITY_KIND_EDGE: _ClassVar[IdentityKind]
    IDENTITY_KIND_OPERATOR: _ClassVar[IdentityKind]
    IDENTITY_KIND_TRUST_ROOT: _ClassVar[IdentityKind]

class IdentityStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IDENTITY_STATUS_UNSPECIFIED: _ClassVar[IdentityStatus]
    IDENTITY_STATUS_ACTIVE: _ClassVar[IdentityStatus]
    IDENTITY_STATUS_EXPIRED: _ClassVar[IdentityStatus]
    IDENTITY_STATUS_REVOKED: _ClassVar[IdentityStatus]

class AuditEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIT_ENTRY_KIND_UNSPECIFIED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_ALERT: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_ACTION: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_IDENTITY_ISSUED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_IDENTITY_RENEWED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_IDENTITY_REVOKED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_MODULE_DEPLOYED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_ARTIFACT_ATTESTED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_RULES_LOADED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_PLAYBOOK_STARTED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_POLICY_CHANGED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_DECOY_CHANGED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_SIGNATURE_ISSUED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_TOKEN_ISSUED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_TOKEN_REVOKED: _ClassVar[AuditEntryKind]
    AUDIT_ENTRY_KIND_ACCESS_DENIED: _ClassVar[AuditEntryKind]

class VerificationFailure(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_FAILURE_UNSPECIFIED: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_MALFORMED: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_UNKNOWN_KEY: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_KEY_REVOKED: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_KEY_EXPIRED: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_IDENTITY_MISMATCH: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_ED25519_INVALID: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_ML_DSA_INVALID: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_NOT_LOGGED: _ClassVar[VerificationFailure]
    VERIFICATION_FAILURE_DIGEST_MISMATCH: _ClassVar[VerificationFailure]
IDENTITY_KIND_UNSPECIFIED: IdentityKind
IDENTITY_KIND_SENTINEL: IdentityKind
IDENTITY_KIND_SERVICE: IdentityKind
IDENTITY_KIND_EDGE: IdentityKind
IDENTITY_KIND_OPERATOR: IdentityKind
IDENTITY_KIND_TRUST_ROOT: IdentityKind
IDENTITY_STATUS_UNSPECIFIED: IdentityStatus
IDENTITY_STATUS_ACTIVE: IdentityStatus
IDENTITY_STATUS_EXPIRED: IdentityStatus
IDENTITY_STATUS_REVOKED: IdentityStatus
AUDIT_ENTRY_KIND_UNSPECIFIED: AuditEntryKind
AUDIT_ENTRY_KIND_ALERT: AuditEntryKind
AUDIT_ENTRY_KIND_ACTION: AuditEntryKind
AUDIT_ENTRY_KIND_IDENTITY_ISSUED: AuditEntryKind
AUDIT_ENTRY_KIND_IDENTITY_RENEWED: AuditEntryKind
AUDIT_ENTRY_KIND_IDENTITY_REVOKED: AuditEntryKind
AUDIT_ENTRY_KIND_MODULE_DEPLOYED: AuditEntryKind
AUDIT_ENTRY_KIND_ARTIFACT_ATTESTED: AuditEntryKind
AUDIT_ENTRY_KIND_RULES_LOADED: AuditEntryKind
AUDIT_ENTRY_KIND_PLAYBOOK_STARTED: AuditEntryKind
AUDIT_ENTRY_KIND_POLICY_CHANGED: AuditEntryKind
AUDIT_ENTRY_KIND_DECOY_CHANGED: AuditEntryKind
AUDIT_ENTRY_KIND_SIGNATURE_ISSUED: AuditEntryKind
AUDIT_ENTRY_KIND_TOKEN_ISSUED: AuditEntryKind
AUDIT_ENTRY_KIND_TOKEN_REVOKED: AuditEntryKind
AUDIT_ENTRY_KIND_ACCESS_DENIED: AuditEntryKind
VERIFICATION_FAILURE_UNSPECIFIED: VerificationFailure
VERIFICATION_FAILURE_MALFORMED: VerificationFailure
VERIFICATION_FAILURE_UNKNOWN_KEY: VerificationFailure
VERIFICATION_FAILURE_KEY_REVOKED: VerificationFailure
VERIFICATION_FAILURE_KEY_EXPIRED: VerificationFailure
VERIFICATION_FAILURE_IDENTITY_MISMATCH: VerificationFailure
VERIFICATION_FAILURE_ED25519_INVALID: VerificationFailure
VERIFICATION_FAILURE_ML_DSA_INVALID: VerificationFailure
VERIFICATION_FAILURE_NOT_LOGGED: VerificationFailure
VERIFICATION_FAILURE_DIGEST_MISMATCH: VerificationFailure

class HybridPublicKey(_message.Message):
    __slots__ = ("key_id", "ed25519", "ml_dsa", "not_before_time_ns", "not_after_time_ns", "revoke_time_ns")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    ED25519_FIELD_NUMBER: _ClassVar[int]
    ML_DSA_FIELD_NUMBER: _ClassVar[int]
    NOT_BEFORE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    NOT_AFTER_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    ed25519: bytes
    ml_dsa: bytes
    not_before_time_ns: int
    not_after_time_ns: int
    revoke_time_ns: int
    def __init__(self, key_id: _Optional[str] = ..., ed25519: _Optional[bytes] = ..., ml_dsa: _Optional[bytes] = ..., not_before_time_ns: _Optional[int] = ..., not_after_time_ns: _Optional[int] = ..., revoke_time_ns: _Optional[int] = ...) -> None: ...

class HybridSecretKey(_message.Message):
    __slots__ = ("public_key", "ed25519_seed", "ml_dsa")
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    ED25519_SEED_FIELD_NUMBER: _ClassVar[int]
    ML_DSA_FIELD_NUMBER: _ClassVar[int]
    public_key: HybridPublicKey
    ed25519_seed: bytes
    ml_dsa: bytes
    def __init__(self, public_key: _Optional[_Union[HybridPublicKey, _Mapping]] = ..., ed25519_seed: _Optional[bytes] = ..., ml_dsa: _Optional[bytes] = ...) -> None: ...

class Identity(_message.Message):
    __slots__ = ("id", "kind", "status", "keys", "issue_time_ns", "expire_time_ns", "revocation_reason", "roles", "attributes", "audit")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: IdentityKind
    status: IdentityStatus
    keys: _containers.RepeatedCompositeFieldContainer[HybridPublicKey]
    issue_time_ns: int
    expire_time_ns: int
    revocation_reason: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    attributes: _containers.ScalarMap[str, str]
    audit: _common_pb2.AuditRef
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[IdentityKind, str]] = ..., status: _Optional[_Union[IdentityStatus, str]] = ..., keys: _Optional[_Iterable[_Union[HybridPublicKey, _Mapping]]] = ..., issue_time_ns: _Optional[int] = ..., expire_time_ns: _Optional[int] = ..., revocation_reason: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class Credential(_message.Message):
    __slots__ = ("identity", "x509_certificate_der", "x509_chain_der", "identity_document", "issuer_signature", "expire_time_ns")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    X509_CERTIFICATE_DER_FIELD_NUMBER: _ClassVar[int]
    X509_CHAIN_DER_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ISSUER_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    identity: _common_pb2.IdentityRef
    x509_certificate_der: bytes
    x509_chain_der: _containers.RepeatedScalarFieldContainer[bytes]
    identity_document: bytes
    issuer_signature: _common_pb2.HybridSignature
    expire_time_ns: int
    def __init__(self, identity: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., x509_certificate_der: _Optional[bytes] = ..., x509_chain_der: _Optional[_Iterable[bytes]] = ..., identity_document: _Optional[bytes] = ..., issuer_signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., expire_time_ns: _Optional[int] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("kind", "time_ns", "actor", "subject", "summary", "payload_type", "payload", "signature")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TIME_NS_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    kind: AuditEntryKind
    time_ns: int
    actor: _common_pb2.IdentityRef
    subject: str
    summary: str
    payload_type: str
    payload: bytes
    signature: _common_pb2.HybridSignature
    def __init__(self, kind: _Optional[_Union[AuditEntryKind, str]] = ..., time_ns: _Optional[int] = ..., actor: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., subject: _Optional[str] = ..., summary: _Optional[str] = ..., payload_type: _Optional[str] = ..., payload: _Optional[bytes] = ..., signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ...) -> None: ...

class AuditLeafBatch(_message.Message):
    __slots__ = ("leaves", "request_ids")
    LEAVES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_IDS_FIELD_NUMBER: _ClassVar[int]
    leaves: _containers.RepeatedScalarFieldContainer[bytes]
    request_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, leaves: _Optional[_Iterable[bytes]] = ..., request_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Checkpoint(_message.Message):
    __slots__ = ("origin", "tree_size", "root_hash", "time_ns", "signature", "note_body")
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ROOT_HASH_FIELD_NUMBER: _ClassVar[int]
    TIME_NS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    NOTE_BODY_FIELD_NUMBER: _ClassVar[int]
    origin: str
    tree_size: int
    root_hash: bytes
    time_ns: int
    signature: _common_pb2.HybridSignature
    note_body: str
    def __init__(self, origin: _Optional[str] = ..., tree_size: _Optional[int] = ..., root_hash: _Optional[bytes] = ..., time_ns: _Optional[int] = ..., signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., note_body: _Optional[str] = ...) -> None: ...

class InclusionProof(_message.Message):
    __slots__ = ("log_index", "tree_size", "leaf_hash", "hashes")
    LOG_INDEX_FIELD_NUMBER: _ClassVar[int]
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    LEAF_HASH_FIELD_NUMBER: _ClassVar[int]
    HASHES_FIELD_NUMBER: _ClassVar[int]
    log_index: int
    tree_size: int
    leaf_hash: bytes
    hashes: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, log_index: _Optional[int] = ..., tree_size: _Optional[int] = ..., leaf_hash: _Optional[bytes] = ..., hashes: _Optional[_Iterable[bytes]] = ...) -> None: ...

class ConsistencyProof(_message.Message):
    __slots__ = ("first_tree_size", "second_tree_size", "hashes")
    FIRST_TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    SECOND_TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    HASHES_FIELD_NUMBER: _ClassVar[int]
    first_tree_size: int
    second_tree_size: int
    hashes: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, first_tree_size: _Optional[int] = ..., second_tree_size: _Optional[int] = ..., hashes: _Optional[_Iterable[bytes]] = ...) -> None: ...

class ArtifactSubject(_message.Message):
    __slots__ = ("name", "sha256", "media_type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    sha256: bytes
    media_type: str
    def __init__(self, name: _Optional[str] = ..., sha256: _Optional[bytes] = ..., media_type: _Optional[str] = ...) -> None: ...

class DsseEnvelope(_message.Message):
    __slots__ = ("payload_type", "payload", "signatures")
    PAYLOAD_TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SIGNATURES_FIELD_NUMBER: _ClassVar[int]
    payload_type: str
    payload: bytes
    signatures: _containers.RepeatedCompositeFieldContainer[_common_pb2.HybridSignature]
    def __init__(self, payload_type: _Optional[str] = ..., payload: _Optional[bytes] = ..., signatures: _Optional[_Iterable[_Union[_common_pb2.HybridSignature, _Mapping]]] = ...) -> None: ...

class Attestation(_message.Message):
    __slots__ = ("subject", "predicate_type", "envelope", "signer", "audit")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PREDICATE_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENVELOPE_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    subject: ArtifactSubject
    predicate_type: str
    envelope: DsseEnvelope
    signer: _common_pb2.IdentityRef
    audit: _common_pb2.AuditRef
    def __init__(self, subject: _Optional[_Union[ArtifactSubject, _Mapping]] = ..., predicate_type: _Optional[str] = ..., envelope: _Optional[_Union[DsseEnvelope, _Mapping]] = ..., signer: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class IssueIdentityRequest(_message.Message):
    __slots__ = ("kind", "name", "public_key", "kubernetes_token", "join_token", "proof", "ttl_seconds", "request_id", "tls_public_key_spki")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    KUBERNETES_TOKEN_FIELD_NUMBER: _ClassVar[int]
    JOIN_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TLS_PUBLIC_KEY_SPKI_FIELD_NUMBER: _ClassVar[int]
    kind: IdentityKind
    name: str
    public_key: HybridPublicKey
    kubernetes_token: str
    join_token: str
    proof: _common_pb2.HybridSignature
    ttl_seconds: int
    request_id: str
    tls_public_key_spki: bytes
    def __init__(self, kind: _Optional[_Union[IdentityKind, str]] = ..., name: _Optional[str] = ..., public_key: _Optional[_Union[HybridPublicKey, _Mapping]] = ..., kubernetes_token: _Optional[str] = ..., join_token: _Optional[str] = ..., proof: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., ttl_seconds: _Optional[int] = ..., request_id: _Optional[str] = ..., tls_public_key_spki: _Optional[bytes] = ...) -> None: ...

class IssueIdentityResponse(_message.Message):
    __slots__ = ("identity", "credential")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    identity: Identity
    credential: Credential
    def __init__(self, identity: _Optional[_Union[Identity, _Mapping]] = ..., credential: _Optional[_Union[Credential, _Mapping]] = ...) -> None: ...

class RenewIdentityRequest(_message.Message):
    __slots__ = ("identity_id", "new_public_key", "ttl_seconds", "request_time_ns", "proof", "request_id", "new_key_proof", "current_credential")
    IDENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NEW_KEY_PROOF_FIELD_NUMBER: _ClassVar[int]
    CURRENT_CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    identity_id: str
    new_public_key: HybridPublicKey
    ttl_seconds: int
    request_time_ns: int
    proof: _common_pb2.HybridSignature
    request_id: str
    new_key_proof: _common_pb2.HybridSignature
    current_credential: Credential
    def __init__(self, identity_id: _Optional[str] = ..., new_public_key: _Optional[_Union[HybridPublicKey, _Mapping]] = ..., ttl_seconds: _Optional[int] = ..., request_time_ns: _Optional[int] = ..., proof: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., request_id: _Optional[str] = ..., new_key_proof: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., current_credential: _Optional[_Union[Credential, _Mapping]] = ...) -> None: ...

class RenewIdentityResponse(_message.Message):
    __slots__ = ("identity", "credential")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    identity: Identity
    credential: Credential
    def __init__(self, identity: _Optional[_Union[Identity, _Mapping]] = ..., credential: _Optional[_Union[Credential, _Mapping]] = ...) -> None: ...

class RevokeIdentityRequest(_message.Message):
    __slots__ = ("identity_id", "key_id", "reason", "request_id")
    IDENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    identity_id: str
    key_id: str
    reason: str
    request_id: str
    def __init__(self, identity_id: _Optional[str] = ..., key_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeIdentityResponse(_message.Message):
    __slots__ = ("identity", "audit")
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    identity: Identity
    audit: _common_pb2.AuditRef
    def __init__(self, identity: _Optional[_Union[Identity, _Mapping]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class GetIdentityRequest(_message.Message):
    __slots__ = ("identity_id", "key_id")
    IDENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    identity_id: str
    key_id: str
    def __init__(self, identity_id: _Optional[str] = ..., key_id: _Optional[str] = ...) -> None: ...

class GetIdentityResponse(_message.Message):
    __slots__ = ("identity",)
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    identity: Identity
    def __init__(self, identity: _Optional[_Union[Identity, _Mapping]] = ...) -> None: ...

class ListIdentitiesRequest(_message.Message):
    __slots__ = ("kind", "status", "page_size", "page_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: IdentityKind
    status: IdentityStatus
    page_size: int
    page_token: str
    def __init__(self, kind: _Optional[_Union[IdentityKind, str]] = ..., status: _Optional[_Union[IdentityStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListIdentitiesResponse(_message.Message):
    __slots__ = ("identities", "next_page_token")
    IDENTITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    identities: _containers.RepeatedCompositeFieldContainer[Identity]
    next_page_token: str
    def __init__(self, identities: _Optional[_Iterable[_Union[Identity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyBatchRequest(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: bytes
    def __init__(self, batch: _Optional[bytes] = ...) -> None: ...

class VerifyBatchResponse(_message.Message):
    __slots__ = ("valid", "failure", "detail", "sender")
    VALID_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    failure: VerificationFailure
    detail: str
    sender: Identity
    def __init__(self, valid: _Optional[bool] = ..., failure: _Optional[_Union[VerificationFailure, str]] = ..., detail: _Optional[str] = ..., sender: _Optional[_Union[Identity, _Mapping]] = ...) -> None: ...

class VerifySignatureRequest(_message.Message):
    __slots__ = ("message", "signature", "expected_identity_id", "purpose")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_IDENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    message: bytes
    signature: _common_pb2.HybridSignature
    expected_identity_id: str
    purpose: str
    def __init__(self, message: _Optional[bytes] = ..., signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., expected_identity_id: _Optional[str] = ..., purpose: _Optional[str] = ...) -> None: ...

class VerifySignatureResponse(_message.Message):
    __slots__ = ("valid", "failure", "detail", "signer")
    VALID_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    failure: VerificationFailure
    detail: str
    signer: Identity
    def __init__(self, valid: _Optional[bool] = ..., failure: _Optional[_Union[VerificationFailure, str]] = ..., detail: _Optional[str] = ..., signer: _Optional[_Union[Identity, _Mapping]] = ...) -> None: ...

class SignRequest(_message.Message):
    __slots__ = ("payload", "purpose", "request_id")
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    purpose: str
    request_id: str
    def __init__(self, payload: _Optional[bytes] = ..., purpose: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SignResponse(_message.Message):
    __slots__ = ("signature", "signed_purpose", "signer", "audit")
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_PURPOSE_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    signature: _common_pb2.HybridSignature
    signed_purpose: str
    signer: Identity
    audit: _common_pb2.AuditRef
    def __init__(self, signature: _Optional[_Union[_common_pb2.HybridSignature, _Mapping]] = ..., signed_purpose: _Optional[str] = ..., signer: _Optional[_Union[Identity, _Mapping]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class AppendAuditRequest(_message.Message):
    __slots__ = ("entry", "request_id", "commit")
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    entry: AuditEntry
    request_id: str
    commit: bool
    def __init__(self, entry: _Optional[_Union[AuditEntry, _Mapping]] = ..., request_id: _Optional[str] = ..., commit: _Optional[bool] = ...) -> None: ...

class AppendAuditResponse(_message.Message):
    __slots__ = ("audit", "commitment_salt", "inclusion_proof", "checkpoint_note", "entry")
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_SALT_FIELD_NUMBER: _ClassVar[int]
    INCLUSION_PROOF_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_NOTE_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    audit: _common_pb2.AuditRef
    commitment_salt: bytes
    inclusion_proof: _containers.RepeatedScalarFieldContainer[bytes]
    checkpoint_note: str
    entry: bytes
    def __init__(self, audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ..., commitment_salt: _Optional[bytes] = ..., inclusion_proof: _Optional[_Iterable[bytes]] = ..., checkpoint_note: _Optional[str] = ..., entry: _Optional[bytes] = ...) -> None: ...

class AppendAuditBatchRequest(_message.Message):
    __slots__ = ("appends",)
    APPENDS_FIELD_NUMBER: _ClassVar[int]
    appends: _containers.RepeatedCompositeFieldContainer[AppendAuditRequest]
    def __init__(self, appends: _Optional[_Iterable[_Union[AppendAuditRequest, _Mapping]]] = ...) -> None: ...

class AppendAuditBatchResponse(_message.Message):
    __slots__ = ("results", "checkpoint_notes")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_NOTES_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[AppendAuditResponse]
    checkpoint_notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, results: _Optional[_Iterable[_Union[AppendAuditResponse, _Mapping]]] = ..., checkpoint_notes: _Optional[_Iterable[str]] = ...) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ("start_index", "page_size", "kind", "subject")
    START_INDEX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    start_index: int
    page_size: int
    kind: AuditEntryKind
    subject: str
    def __init__(self, start_index: _Optional[int] = ..., page_size: _Optional[int] = ..., kind: _Optional[_Union[AuditEntryKind, str]] = ..., subject: _Optional[str] = ...) -> None: ...

class AuditRecord(_message.Message):
    __slots__ = ("ref", "entry")
    REF_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    ref: _common_pb2.AuditRef
    entry: AuditEntry
    def __init__(self, ref: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ..., entry: _Optional[_Union[AuditEntry, _Mapping]] = ...) -> None: ...

class ListAuditEntriesResponse(_message.Message):
    __slots__ = ("records", "next_index")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_INDEX_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AuditRecord]
    next_index: int
    def __init__(self, records: _Optional[_Iterable[_Union[AuditRecord, _Mapping]]] = ..., next_index: _Optional[int] = ...) -> None: ...

class GetCheckpointRequest(_message.Message):
    __slots__ = ("tree_size",)
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    tree_size: int
    def __init__(self, tree_size: _Optional[int] = ...) -> None: ...

class GetCheckpointResponse(_message.Message):
    __slots__ = ("checkpoint",)
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    checkpoint: Checkpoint
    def __init__(self, checkpoint: _Optional[_Union[Checkpoint, _Mapping]] = ...) -> None: ...

class GetInclusionProofRequest(_message.Message):
    __slots__ = ("log_index", "leaf_hash", "tree_size")
    LOG_INDEX_FIELD_NUMBER: _ClassVar[int]
    LEAF_HASH_FIELD_NUMBER: _ClassVar[int]
    TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    log_index: int
    leaf_hash: bytes
    tree_size: int
    def __init__(self, log_index: _Optional[int] = ..., leaf_hash: _Optional[bytes] = ..., tree_size: _Optional[int] = ...) -> None: ...

class GetInclusionProofResponse(_message.Message):
    __slots__ = ("proof", "checkpoint")
    PROOF_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    proof: InclusionProof
    checkpoint: Checkpoint
    def __init__(self, proof: _Optional[_Union[InclusionProof, _Mapping]] = ..., checkpoint: _Optional[_Union[Checkpoint, _Mapping]] = ...) -> None: ...

class GetConsistencyProofRequest(_message.Message):
    __slots__ = ("first_tree_size", "second_tree_size")
    FIRST_TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    SECOND_TREE_SIZE_FIELD_NUMBER: _ClassVar[int]
    first_tree_size: int
    second_tree_size: int
    def __init__(self, first_tree_size: _Optional[int] = ..., second_tree_size: _Optional[int] = ...) -> None: ...

class GetConsistencyProofResponse(_message.Message):
    __slots__ = ("proof", "checkpoint")
    PROOF_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    proof: ConsistencyProof
    checkpoint: Checkpoint
    def __init__(self, proof: _Optional[_Union[ConsistencyProof, _Mapping]] = ..., checkpoint: _Optional[_Union[Checkpoint, _Mapping]] = ...) -> None: ...

class AttestArtifactRequest(_message.Message):
    __slots__ = ("subject", "predicate_type", "predicate", "request_id")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PREDICATE_TYPE_FIELD_NUMBER: _ClassVar[int]
    PREDICATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    subject: ArtifactSubject
    predicate_type: str
    predicate: bytes
    request_id: str
    def __init__(self, subject: _Optional[_Union[ArtifactSubject, _Mapping]] = ..., predicate_type: _Optional[str] = ..., predicate: _Optional[bytes] = ..., request_id: _Optional[str] = ...) -> None: ...

class AttestArtifactResponse(_message.Message):
    __slots__ = ("attestation",)
    ATTESTATION_FIELD_NUMBER: _ClassVar[int]
    attestation: Attestation
    def __init__(self, attestation: _Optional[_Union[Attestation, _Mapping]] = ...) -> None: ...

class VerifyArtifactRequest(_message.Message):
    __slots__ = ("subject", "envelopes", "expected_signer_id", "expected_predicate_type")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ENVELOPES_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SIGNER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_PREDICATE_TYPE_FIELD_NUMBER: _ClassVar[int]
    subject: ArtifactSubject
    envelopes: _containers.RepeatedCompositeFieldContainer[DsseEnvelope]
    expected_signer_id: str
    expected_predicate_type: str
    def __init__(self, subject: _Optional[_Union[ArtifactSubject, _Mapping]] = ..., envelopes: _Optional[_Iterable[_Union[DsseEnvelope, _Mapping]]] = ..., expected_signer_id: _Optional[str] = ..., expected_predicate_type: _Optional[str] = ...) -> None: ...

class VerifyArtifactResponse(_message.Message):
    __slots__ = ("valid", "failure", "detail", "attestations")
    VALID_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ATTESTATIONS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    failure: VerificationFailure
    detail: str
    attestations: _containers.RepeatedCompositeFieldContainer[Attestation]
    def __init__(self, valid: _Optional[bool] = ..., failure: _Optional[_Union[VerificationFailure, str]] = ..., detail: _Optional[str] = ..., attestations: _Optional[_Iterable[_Union[Attestation, _Mapping]]] = ...) -> None: ...

class GetTrustBundleRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetTrustBundleResponse(_message.Message):
    __slots__ = ("trust_domain", "root_keys", "x509_roots_der", "audit_log_origin")
    TRUST_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    ROOT_KEYS_FIELD_NUMBER: _ClassVar[int]
    X509_ROOTS_DER_FIELD_NUMBER: _ClassVar[int]
    AUDIT_LOG_ORIGIN_FIELD_NUMBER: _ClassVar[int]
    trust_domain: str
    root_keys: _containers.RepeatedCompositeFieldContainer[HybridPublicKey]
    x509_roots_der: _containers.RepeatedScalarFieldContainer[bytes]
    audit_log_origin: str
    def __init__(self, trust_domain: _Optional[str] = ..., root_keys: _Optional[_Iterable[_Union[HybridPublicKey, _Mapping]]] = ..., x509_roots_der: _Optional[_Iterable[bytes]] = ..., audit_log_origin: _Optional[str] = ...) -> None: ...
