from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RuleFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_FORMAT_UNSPECIFIED: _ClassVar[RuleFormat]
    RULE_FORMAT_SIGMA_YAML: _ClassVar[RuleFormat]
    RULE_FORMAT_LUA: _ClassVar[RuleFormat]
RULE_FORMAT_UNSPECIFIED: RuleFormat
RULE_FORMAT_SIGMA_YAML: RuleFormat
RULE_FORMAT_LUA: RuleFormat

class AttackTechnique(_message.Message):
    __slots__ = ("id", "name", "tactic_ids", "url")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TACTIC_IDS_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    tactic_ids: _containers.RepeatedScalarFieldContainer[str]
    url: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., tactic_ids: _Optional[_Iterable[str]] = ..., url: _Optional[str] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("id", "name", "description", "kind", "severity", "attack_technique_ids", "tags", "enabled", "format", "source", "source_name", "source_sha256", "load_time_ns", "match_count")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SHA256_FIELD_NUMBER: _ClassVar[int]
    LOAD_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    MATCH_COUNT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    kind: _common_pb2.DetectorKind
    severity: _common_pb2.Severity
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    format: RuleFormat
    source: str
    source_name: str
    source_sha256: bytes
    load_time_ns: int
    match_count: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.DetectorKind, str]] = ..., severity: _Optional[_Union[_common_pb2.Severity, str]] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., format: _Optional[_Union[RuleFormat, str]] = ..., source: _Optional[str] = ..., source_name: _Optional[str] = ..., source_sha256: _Optional[bytes] = ..., load_time_ns: _Optional[int] = ..., match_count: _Optional[int] = ...) -> None: ...

class RuleSource(_message.Message):
    __slots__ = ("name", "format", "content")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: RuleFormat
    content: str
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[RuleFormat, str]] = ..., content: _Optional[str] = ...) -> None: ...

class AlertFilter(_message.Message):
    __slots__ = ("time_range", "min_severity", "rule_ids", "attack_technique_ids", "entity_value", "incident_id", "node", "statuses")
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    ENTITY_VALUE_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    time_range: _common_pb2.TimeRange
    min_severity: _common_pb2.Severity
    rule_ids: _containers.RepeatedScalarFieldContainer[str]
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    entity_value: str
    incident_id: str
    node: str
    statuses: _containers.RepeatedScalarFieldContainer[_common_pb2.AlertStatus]
    def __init__(self, time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., min_severity: _Optional[_Union[_common_pb2.Severity, str]] = ..., rule_ids: _Optional[_Iterable[str]] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ..., entity_value: _Optional[str] = ..., incident_id: _Optional[str] = ..., node: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[_common_pb2.AlertStatus, str]]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("filter", "page_size", "page_token")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: AlertFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[AlertFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[_common_pb2.Alert]
    next_page_token: str
    def __init__(self, alerts: _Optional[_Iterable[_Union[_common_pb2.Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetAlertRequest(_message.Message):
    __slots__ = ("alert_id",)
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    def __init__(self, alert_id: _Optional[str] = ...) -> None: ...

class GetAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ...) -> None: ...

class StreamAlertsRequest(_message.Message):
    __slots__ = ("filter", "cursor", "start_time_ns")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    filter: AlertFilter
    cursor: str
    start_time_ns: int
    def __init__(self, filter: _Optional[_Union[AlertFilter, _Mapping]] = ..., cursor: _Optional[str] = ..., start_time_ns: _Optional[int] = ...) -> None: ...

class StreamAlertsResponse(_message.Message):
    __slots__ = ("alert", "cursor")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    cursor: str
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListIncidentsRequest(_message.Message):
    __slots__ = ("time_range", "min_severity", "statuses", "entity_value", "page_size", "page_token")
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    ENTITY_VALUE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    time_range: _common_pb2.TimeRange
    min_severity: _common_pb2.Severity
    statuses: _containers.RepeatedScalarFieldContainer[_common_pb2.IncidentStatus]
    entity_value: str
    page_size: int
    page_token: str
    def __init__(self, time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., min_severity: _Optional[_Union[_common_pb2.Severity, str]] = ..., statuses: _Optional[_Iterable[_Union[_common_pb2.IncidentStatus, str]]] = ..., entity_value: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListIncidentsResponse(_message.Message):
    __slots__ = ("incidents", "next_page_token")
    INCIDENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    incidents: _containers.RepeatedCompositeFieldContainer[_common_pb2.Incident]
    next_page_token: str
    def __init__(self, incidents: _Optional[_Iterable[_Union[_common_pb2.Incident, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetIncidentRequest(_message.Message):
    __slots__ = ("incident_id",)
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    incident_id: str
    def __init__(self, incident_id: _Optional[str] = ...) -> None: ...

class GetIncidentResponse(_message.Message):
    __slots__ = ("incident", "alerts")
    INCIDENT_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    incident: _common_pb2.Incident
    alerts: _containers.RepeatedCompositeFieldContainer[_common_pb2.Alert]
    def __init__(self, incident: _Optional[_Union[_common_pb2.Incident, _Mapping]] = ..., alerts: _Optional[_Iterable[_Union[_common_pb2.Alert, _Mapping]]] = ...) -> None: ...

class ExplainAlertRequest(_message.Message):
    __slots__ = ("alert_id", "include_events")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_EVENTS_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    include_events: bool
    def __init__(self, alert_id: _Optional[str] = ..., include_events: _Optional[bool] = ...) -> None: ...

class ExplainAlertResponse(_message.Message):
    __slots__ = ("alert", "summary", "reasons", "rule", "techniques", "events", "suggested_playbook_ids")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    TECHNIQUES_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_PLAYBOOK_IDS_FIELD_NUMBER: _ClassVar[int]
    alert: _common_pb2.Alert
    summary: str
    reasons: _containers.RepeatedCompositeFieldContainer[_common_pb2.AlertReason]
    rule: Rule
    techniques: _containers.RepeatedCompositeFieldContainer[AttackTechnique]
    events: _containers.RepeatedCompositeFieldContainer[_common_pb2.Event]
    suggested_playbook_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert: _Optional[_Union[_common_pb2.Alert, _Mapping]] = ..., summary: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[_common_pb2.AlertReason, _Mapping]]] = ..., rule: _Optional[_Union[Rule, _Mapping]] = ..., techniques: _Optional[_Iterable[_Union[AttackTechnique, _Mapping]]] = ..., events: _Optional[_Iterable[_Union[_common_pb2.Event, _Mapping]]] = ..., suggested_playbook_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ("kind", "attack_technique_id", "include_disabled", "include_source", "page_size", "page_token")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DISABLED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kind: _common_pb2.DetectorKind
    attack_technique_id: str
    include_disabled: bool
    include_source: bool
    page_size: int
    page_token: str
    def __init__(self, kind: _Optional[_Union[_common_pb2.DetectorKind, str]] = ..., attack_technique_id: _Optional[str] = ..., include_disabled: _Optional[bool] = ..., include_source: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ValidateRulesRequest(_message.Message):
    __slots__ = ("sources",)
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[RuleSource]
    def __init__(self, sources: _Optional[_Iterable[_Union[RuleSource, _Mapping]]] = ...) -> None: ...

class ValidateRulesResponse(_message.Message):
    __slots__ = ("valid", "diagnostics", "rules")
    VALID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, valid: _Optional[bool] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class LoadRulesRequest(_message.Message):
    __slots__ = ("sources", "replace_all", "request_id")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    REPLACE_ALL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[RuleSource]
    replace_all: bool
    request_id: str
    def __init__(self, sources: _Optional[_Iterable[_Union[RuleSource, _Mapping]]] = ..., replace_all: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class LoadRulesResponse(_message.Message):
    __slots__ = ("loaded", "diagnostics", "loaded_rule_ids", "removed_rule_ids", "audit")
    LOADED_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    LOADED_RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    loaded: bool
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    loaded_rule_ids: _containers.RepeatedScalarFieldContainer[str]
    removed_rule_ids: _containers.RepeatedScalarFieldContainer[str]
    audit: _common_pb2.AuditRef
    def __init__(self, loaded: _Optional[bool] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., loaded_rule_ids: _Optional[_Iterable[str]] = ..., removed_rule_ids: _Optional[_Iterable[str]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class TestRulesRequest(_message.Message):
    __slots__ = ("sources", "events")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedCompositeFieldContainer[RuleSource]
    events: _containers.RepeatedCompositeFieldContainer[_common_pb2.Event]
    def __init__(self, sources: _Optional[_Iterable[_Union[RuleSource, _Mapping]]] = ..., events: _Optional[_Iterable[_Union[_common_pb2.Event, _Mapping]]] = ...) -> None: ...

class RuleTestMatch(_message.Message):
    __slots__ = ("rule_id", "event_index", "event_id", "explanation", "reasons")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_INDEX_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    event_index: int
    event_id: str
    explanation: str
    reasons: _containers.RepeatedCompositeFieldContainer[_common_pb2.AlertReason]
    def __init__(self, rule_id: _Optional[str] = ..., event_index: _Optional[int] = ..., event_id: _Optional[str] = ..., explanation: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[_common_pb2.AlertReason, _Mapping]]] = ...) -> None: ...

class TestRulesResponse(_message.Message):
    __slots__ = ("valid", "diagnostics", "rules", "matches")
    VALID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    matches: _containers.RepeatedCompositeFieldContainer[RuleTestMatch]
    def __init__(self, valid: _Optional[bool] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ..., matches: _Optional[_Iterable[_Union[RuleTestMatch, _Mapping]]] = ...) -> None: ...

class SetRuleEnabledRequest(_message.Message):
    __slots__ = ("rule_id", "enabled", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    enabled: bool
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., enabled: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetRuleEnabledResponse(_message.Message):
    __slots__ = ("rule", "audit")
    RULE_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    rule: Rule
    audit: _common_pb2.AuditRef
    def __init__(self, rule: _Optional[_Union[Rule, _Mapping]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...
