from . import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkflowStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKFLOW_STATUS_UNSPECIFIED: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_RUNNING: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_WAITING: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_COMPLETED: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_FAILED: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_CANCELLED: _ClassVar[WorkflowStatus]
    WORKFLOW_STATUS_TIMED_OUT: _ClassVar[WorkflowStatus]

class StepStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_STATUS_UNSPECIFIED: _ClassVar[StepStatus]
    STEP_STATUS_PENDING: _ClassVar[StepStatus]
    STEP_STATUS_SCHEDULED: _ClassVar[StepStatus]
    STEP_STATUS_RUNNING: _ClassVar[StepStatus]
    STEP_STATUS_RETRYING: _ClassVar[StepStatus]
    STEP_STATUS_COMPLETED: _ClassVar[StepStatus]
    STEP_STATUS_FAILED: _ClassVar[StepStatus]
    STEP_STATUS_SKIPPED: _ClassVar[StepStatus]
    STEP_STATUS_CANCELLED: _ClassVar[StepStatus]

class TriggerKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_KIND_UNSPECIFIED: _ClassVar[TriggerKind]
    TRIGGER_KIND_ALERT: _ClassVar[TriggerKind]
    TRIGGER_KIND_API: _ClassVar[TriggerKind]
    TRIGGER_KIND_KAFKA: _ClassVar[TriggerKind]

class WorkflowEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKFLOW_EVENT_TYPE_UNSPECIFIED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_SCHEDULED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_STARTED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_COMPLETED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_FAILED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_TIMER_FIRED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_CANCEL_REQUESTED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT: _ClassVar[WorkflowEventType]
    WORKFLOW_EVENT_TYPE_STEP_SKIPPED: _ClassVar[WorkflowEventType]
WORKFLOW_STATUS_UNSPECIFIED: WorkflowStatus
WORKFLOW_STATUS_RUNNING: WorkflowStatus
WORKFLOW_STATUS_WAITING: WorkflowStatus
WORKFLOW_STATUS_COMPLETED: WorkflowStatus
WORKFLOW_STATUS_FAILED: WorkflowStatus
WORKFLOW_STATUS_CANCELLED: WorkflowStatus
WORKFLOW_STATUS_TIMED_OUT: WorkflowStatus
STEP_STATUS_UNSPECIFIED: StepStatus
STEP_STATUS_PENDING: StepStatus
STEP_STATUS_SCHEDULED: StepStatus
STEP_STATUS_RUNNING: StepStatus
STEP_STATUS_RETRYING: StepStatus
STEP_STATUS_COMPLETED: StepStatus
STEP_STATUS_FAILED: StepStatus
STEP_STATUS_SKIPPED: StepStatus
STEP_STATUS_CANCELLED: StepStatus
TRIGGER_KIND_UNSPECIFIED: TriggerKind
TRIGGER_KIND_ALERT: TriggerKind
TRIGGER_KIND_API: TriggerKind
TRIGGER_KIND_KAFKA: TriggerKind
WORKFLOW_EVENT_TYPE_UNSPECIFIED: WorkflowEventType
WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_SCHEDULED: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_STARTED: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_COMPLETED: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_FAILED: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT: WorkflowEventType
WORKFLOW_EVENT_TYPE_TIMER_FIRED: WorkflowEventType
WORKFLOW_EVENT_TYPE_SIGNAL_RECEIVED: WorkflowEventType
WORKFLOW_EVENT_TYPE_CANCEL_REQUESTED: WorkflowEventType
WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED: WorkflowEventType
WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED: WorkflowEventType
WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED: WorkflowEventType
WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT: WorkflowEventType
WORKFLOW_EVENT_TYPE_STEP_SKIPPED: WorkflowEventType

class Trigger(_message.Message):
    __slots__ = ("kind", "alert_id", "incident_id", "principal", "source")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    kind: TriggerKind
    alert_id: str
    incident_id: str
    principal: str
    source: str
    def __init__(self, kind: _Optional[_Union[TriggerKind, str]] = ..., alert_id: _Optional[str] = ..., incident_id: _Optional[str] = ..., principal: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class PlaybookMatcher(_message.Message):
    __slots__ = ("min_severity", "rule_ids", "attack_technique_ids", "detector_kinds")
    MIN_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    ATTACK_TECHNIQUE_IDS_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_KINDS_FIELD_NUMBER: _ClassVar[int]
    min_severity: _common_pb2.Severity
    rule_ids: _containers.RepeatedScalarFieldContainer[str]
    attack_technique_ids: _containers.RepeatedScalarFieldContainer[str]
    detector_kinds: _containers.RepeatedScalarFieldContainer[_common_pb2.DetectorKind]
    def __init__(self, min_severity: _Optional[_Union[_common_pb2.Severity, str]] = ..., rule_ids: _Optional[_Iterable[str]] = ..., attack_technique_ids: _Optional[_Iterable[str]] = ..., detector_kinds: _Optional[_Iterable[_Union[_common_pb2.DetectorKind, str]]] = ...) -> None: ...

class PlaybookStep(_message.Message):
    __slots__ = ("id", "action", "params", "needs", "condition", "max_attempts", "timeout_ms", "initial_backoff_ms", "requires_approval")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    NEEDS_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_BACKOFF_MS_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    action: str
    params: _containers.ScalarMap[str, str]
    needs: _containers.RepeatedScalarFieldContainer[str]
    condition: str
    max_attempts: int
    timeout_ms: int
    initial_backoff_ms: int
    requires_approval: bool
    def __init__(self, id: _Optional[str] = ..., action: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., needs: _Optional[_Iterable[str]] = ..., condition: _Optional[str] = ..., max_attempts: _Optional[int] = ..., timeout_ms: _Optional[int] = ..., initial_backoff_ms: _Optional[int] = ..., requires_approval: _Optional[bool] = ...) -> None: ...

class Playbook(_message.Message):
    __slots__ = ("id", "name", "description", "version", "matchers", "steps", "timeout_ms", "enabled", "source", "source_sha256")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MATCHERS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_SHA256_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    description: str
    version: int
    matchers: _containers.RepeatedCompositeFieldContainer[PlaybookMatcher]
    steps: _containers.RepeatedCompositeFieldContainer[PlaybookStep]
    timeout_ms: int
    enabled: bool
    source: str
    source_sha256: bytes
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., version: _Optional[int] = ..., matchers: _Optional[_Iterable[_Union[PlaybookMatcher, _Mapping]]] = ..., steps: _Optional[_Iterable[_Union[PlaybookStep, _Mapping]]] = ..., timeout_ms: _Optional[int] = ..., enabled: _Optional[bool] = ..., source: _Optional[str] = ..., source_sha256: _Optional[bytes] = ...) -> None: ...

class StepState(_message.Message):
    __slots__ = ("step_id", "action", "status", "attempt", "start_time_ns", "end_time_ns", "error", "outputs", "audit")
    class OutputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    END_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    step_id: str
    action: str
    status: StepStatus
    attempt: int
    start_time_ns: int
    end_time_ns: int
    error: str
    outputs: _containers.ScalarMap[str, str]
    audit: _common_pb2.AuditRef
    def __init__(self, step_id: _Optional[str] = ..., action: _Optional[str] = ..., status: _Optional[_Union[StepStatus, str]] = ..., attempt: _Optional[int] = ..., start_time_ns: _Optional[int] = ..., end_time_ns: _Optional[int] = ..., error: _Optional[str] = ..., outputs: _Optional[_Mapping[str, str]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class Workflow(_message.Message):
    __slots__ = ("workflow_id", "playbook_id", "playbook_version", "status", "trigger", "inputs", "start_time_ns", "close_time_ns", "steps", "failure_message", "awaited_signals", "history_length", "dry_run")
    class InputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYBOOK_ID_FIELD_NUMBER: _ClassVar[int]
    PLAYBOOK_VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    AWAITED_SIGNALS_FIELD_NUMBER: _ClassVar[int]
    HISTORY_LENGTH_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    playbook_id: str
    playbook_version: int
    status: WorkflowStatus
    trigger: Trigger
    inputs: _containers.ScalarMap[str, str]
    start_time_ns: int
    close_time_ns: int
    steps: _containers.RepeatedCompositeFieldContainer[StepState]
    failure_message: str
    awaited_signals: _containers.RepeatedScalarFieldContainer[str]
    history_length: int
    dry_run: bool
    def __init__(self, workflow_id: _Optional[str] = ..., playbook_id: _Optional[str] = ..., playbook_version: _Optional[int] = ..., status: _Optional[_Union[WorkflowStatus, str]] = ..., trigger: _Optional[_Union[Trigger, _Mapping]] = ..., inputs: _Optional[_Mapping[str, str]] = ..., start_time_ns: _Optional[int] = ..., close_time_ns: _Optional[int] = ..., steps: _Optional[_Iterable[_Union[StepState, _Mapping]]] = ..., failure_message: _Optional[str] = ..., awaited_signals: _Optional[_Iterable[str]] = ..., history_length: _Optional[int] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class WorkflowEvent(_message.Message):
    __slots__ = ("workflow_id", "sequence", "time_ns", "type", "step_id", "attempt", "detail", "attributes", "trigger")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_NS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    sequence: int
    time_ns: int
    type: WorkflowEventType
    step_id: str
    attempt: int
    detail: str
    attributes: _containers.ScalarMap[str, str]
    trigger: Trigger
    def __init__(self, workflow_id: _Optional[str] = ..., sequence: _Optional[int] = ..., time_ns: _Optional[int] = ..., type: _Optional[_Union[WorkflowEventType, str]] = ..., step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., detail: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ..., trigger: _Optional[_Union[Trigger, _Mapping]] = ...) -> None: ...

class ActionTask(_message.Message):
    __slots__ = ("task_id", "workflow_id", "step_id", "attempt", "action", "params", "deadline_time_ns", "dry_run")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    workflow_id: str
    step_id: str
    attempt: int
    action: str
    params: _containers.ScalarMap[str, str]
    deadline_time_ns: int
    dry_run: bool
    def __init__(self, task_id: _Optional[str] = ..., workflow_id: _Optional[str] = ..., step_id: _Optional[str] = ..., attempt: _Optional[int] = ..., action: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., deadline_time_ns: _Optional[int] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class ActionResult(_message.Message):
    __slots__ = ("task_id", "success", "error", "retryable", "outputs", "finish_time_ns", "executor", "audit")
    class OutputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    success: bool
    error: str
    retryable: bool
    outputs: _containers.ScalarMap[str, str]
    finish_time_ns: int
    executor: _common_pb2.IdentityRef
    audit: _common_pb2.AuditRef
    def __init__(self, task_id: _Optional[str] = ..., success: _Optional[bool] = ..., error: _Optional[str] = ..., retryable: _Optional[bool] = ..., outputs: _Optional[_Mapping[str, str]] = ..., finish_time_ns: _Optional[int] = ..., executor: _Optional[_Union[_common_pb2.IdentityRef, _Mapping]] = ..., audit: _Optional[_Union[_common_pb2.AuditRef, _Mapping]] = ...) -> None: ...

class StartPlaybookRequest(_message.Message):
    __slots__ = ("playbook_id", "workflow_id", "inputs", "alert_id", "incident_id", "dry_run")
    class InputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLAYBOOK_ID_FIELD_NUMBER: _ClassVar[int]
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    playbook_id: str
    workflow_id: str
    inputs: _containers.ScalarMap[str, str]
    alert_id: str
    incident_id: str
    dry_run: bool
    def __init__(self, playbook_id: _Optional[str] = ..., workflow_id: _Optional[str] = ..., inputs: _Optional[_Mapping[str, str]] = ..., alert_id: _Optional[str] = ..., incident_id: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class StartPlaybookResponse(_message.Message):
    __slots__ = ("workflow", "already_started")
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    ALREADY_STARTED_FIELD_NUMBER: _ClassVar[int]
    workflow: Workflow
    already_started: bool
    def __init__(self, workflow: _Optional[_Union[Workflow, _Mapping]] = ..., already_started: _Optional[bool] = ...) -> None: ...

class GetWorkflowRequest(_message.Message):
    __slots__ = ("workflow_id", "include_history")
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_HISTORY_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    include_history: bool
    def __init__(self, workflow_id: _Optional[str] = ..., include_history: _Optional[bool] = ...) -> None: ...

class GetWorkflowResponse(_message.Message):
    __slots__ = ("workflow", "history")
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    workflow: Workflow
    history: _containers.RepeatedCompositeFieldContainer[WorkflowEvent]
    def __init__(self, workflow: _Optional[_Union[Workflow, _Mapping]] = ..., history: _Optional[_Iterable[_Union[WorkflowEvent, _Mapping]]] = ...) -> None: ...

class ListWorkflowsRequest(_message.Message):
    __slots__ = ("statuses", "playbook_id", "incident_id", "alert_id", "time_range", "page_size", "page_token")
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    PLAYBOOK_ID_FIELD_NUMBER: _ClassVar[int]
    INCIDENT_ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedScalarFieldContainer[WorkflowStatus]
    playbook_id: str
    incident_id: str
    alert_id: str
    time_range: _common_pb2.TimeRange
    page_size: int
    page_token: str
    def __init__(self, statuses: _Optional[_Iterable[_Union[WorkflowStatus, str]]] = ..., playbook_id: _Optional[str] = ..., incident_id: _Optional[str] = ..., alert_id: _Optional[str] = ..., time_range: _Optional[_Union[_common_pb2.TimeRange, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWorkflowsResponse(_message.Message):
    __slots__ = ("workflows", "next_page_token")
    WORKFLOWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    workflows: _containers.RepeatedCompositeFieldContainer[Workflow]
    next_page_token: str
    def __init__(self, workflows: _Optional[_Iterable[_Union[Workflow, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelWorkflowRequest(_message.Message):
    __slots__ = ("workflow_id", "reason", "request_id")
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    reason: str
    request_id: str
    def __init__(self, workflow_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelWorkflowResponse(_message.Message):
    __slots__ = ("workflow",)
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    workflow: Workflow
    def __init__(self, workflow: _Optional[_Union[Workflow, _Mapping]] = ...) -> None: ...

class SignalWorkflowRequest(_message.Message):
    __slots__ = ("workflow_id", "signal_name", "payload", "request_id")
    class PayloadEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_NAME_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    signal_name: str
    payload: _containers.ScalarMap[str, str]
    request_id: str
    def __init__(self, workflow_id: _Optional[str] = ..., signal_name: _Optional[str] = ..., payload: _Optional[_Mapping[str, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SignalWorkflowResponse(_message.Message):
    __slots__ = ("workflow",)
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    workflow: Workflow
    def __init__(self, workflow: _Optional[_Union[Workflow, _Mapping]] = ...) -> None: ...

class ListPlaybooksRequest(_message.Message):
    __slots__ = ("include_disabled", "include_source", "page_size", "page_token")
    INCLUDE_DISABLED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    include_disabled: bool
    include_source: bool
    page_size: int
    page_token: str
    def __init__(self, include_disabled: _Optional[bool] = ..., include_source: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPlaybooksResponse(_message.Message):
    __slots__ = ("playbooks", "next_page_token")
    PLAYBOOKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    playbooks: _containers.RepeatedCompositeFieldContainer[Playbook]
    next_page_token: str
    def __init__(self, playbooks: _Optional[_Iterable[_Union[Playbook, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ValidatePlaybookRequest(_message.Message):
    __slots__ = ("source", "source_name")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_name: str
    def __init__(self, source: _Optional[str] = ..., source_name: _Optional[str] = ...) -> None: ...

class ValidatePlaybookResponse(_message.Message):
    __slots__ = ("valid", "diagnostics", "playbook")
    VALID_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    playbook: Playbook
    def __init__(self, valid: _Optional[bool] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., playbook: _Optional[_Union[Playbook, _Mapping]] = ...) -> None: ...

class WorkflowTask(_message.Message):
    __slots__ = ("workflow_id", "reason", "enqueue_time_ns")
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ENQUEUE_TIME_NS_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    reason: str
    enqueue_time_ns: int
    def __init__(self, workflow_id: _Optional[str] = ..., reason: _Optional[str] = ..., enqueue_time_ns: _Optional[int] = ...) -> None: ...

class WatchWorkflowRequest(_message.Message):
    __slots__ = ("workflow_id",)
    WORKFLOW_ID_FIELD_NUMBER: _ClassVar[int]
    workflow_id: str
    def __init__(self, workflow_id: _Optional[str] = ...) -> None: ...

class WatchWorkflowResponse(_message.Message):
    __slots__ = ("workflow", "events")
    WORKFLOW_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    workflow: Workflow
    events: _containers.RepeatedCompositeFieldContainer[WorkflowEvent]
    def __init__(self, workflow: _Optional[_Union[Workflow, _Mapping]] = ..., events: _Optional[_Iterable[_Union[WorkflowEvent, _Mapping]]] = ...) -> None: ...

class PutPlaybookRequest(_message.Message):
    __slots__ = ("source", "source_name")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    source: str
    source_name: str
    def __init__(self, source: _Optional[str] = ..., source_name: _Optional[str] = ...) -> None: ...

class PutPlaybookResponse(_message.Message):
    __slots__ = ("playbook", "diagnostics", "changed")
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSTICS_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELD_NUMBER: _ClassVar[int]
    playbook: Playbook
    diagnostics: _containers.RepeatedCompositeFieldContainer[_common_pb2.Diagnostic]
    changed: bool
    def __init__(self, playbook: _Optional[_Union[Playbook, _Mapping]] = ..., diagnostics: _Optional[_Iterable[_Union[_common_pb2.Diagnostic, _Mapping]]] = ..., changed: _Optional[bool] = ...) -> None: ...
