from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StartChangeRequest(_message.Message):
    __slots__ = ("teacher_id", "reason")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    reason: str
    def __init__(self, teacher_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class WithdrawChangeRequest(_message.Message):
    __slots__ = ("teacher_id",)
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    def __init__(self, teacher_id: _Optional[str] = ...) -> None: ...

class Finding(_message.Message):
    __slots__ = ("code", "message", "field", "blocking")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    field: str
    blocking: bool
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., field: _Optional[str] = ..., blocking: _Optional[bool] = ...) -> None: ...

class ReviewEvent(_message.Message):
    __slots__ = ("at", "actor", "level", "org_code", "action", "comment")
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    at: str
    actor: str
    level: str
    org_code: str
    action: str
    comment: str
    def __init__(self, at: _Optional[str] = ..., actor: _Optional[str] = ..., level: _Optional[str] = ..., org_code: _Optional[str] = ..., action: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class ReviewState(_message.Message):
    __slots__ = ("teacher_id", "status", "pending_level", "pending_org_code", "history", "findings", "identity_check", "kind")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PENDING_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PENDING_ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_CHECK_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    status: str
    pending_level: str
    pending_org_code: str
    history: _containers.RepeatedCompositeFieldContainer[ReviewEvent]
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    identity_check: str
    kind: str
    def __init__(self, teacher_id: _Optional[str] = ..., status: _Optional[str] = ..., pending_level: _Optional[str] = ..., pending_org_code: _Optional[str] = ..., history: _Optional[_Iterable[_Union[ReviewEvent, _Mapping]]] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., identity_check: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class ReviewStateList(_message.Message):
    __slots__ = ("states",)
    STATES_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedCompositeFieldContainer[ReviewState]
    def __init__(self, states: _Optional[_Iterable[_Union[ReviewState, _Mapping]]] = ...) -> None: ...

class BatchGetReviewStatesRequest(_message.Message):
    __slots__ = ("teacher_ids",)
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SubmitRecordsRequest(_message.Message):
    __slots__ = ("teacher_ids", "filter")
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    filter: RecordFilter
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ..., filter: _Optional[_Union[RecordFilter, _Mapping]] = ...) -> None: ...

class RecordFilter(_message.Message):
    __slots__ = ("org_code", "status", "search")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    status: str
    search: str
    def __init__(self, org_code: _Optional[str] = ..., status: _Optional[str] = ..., search: _Optional[str] = ...) -> None: ...

class ApproveRecordsRequest(_message.Message):
    __slots__ = ("teacher_ids", "comment", "all_pending")
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    ALL_PENDING_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    all_pending: bool
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ..., all_pending: _Optional[bool] = ...) -> None: ...

class RejectRecordsRequest(_message.Message):
    __slots__ = ("teacher_ids", "reason")
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordError(_message.Message):
    __slots__ = ("teacher_id", "code", "message", "field")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    code: str
    message: str
    field: str
    def __init__(self, teacher_id: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class BatchReply(_message.Message):
    __slots__ = ("succeeded", "errors")
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    succeeded: _containers.RepeatedScalarFieldContainer[str]
    errors: _containers.RepeatedCompositeFieldContainer[RecordError]
    def __init__(self, succeeded: _Optional[_Iterable[str]] = ..., errors: _Optional[_Iterable[_Union[RecordError, _Mapping]]] = ...) -> None: ...

class ListReviewQueueRequest(_message.Message):
    __slots__ = ("first", "after")
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    first: int
    after: str
    def __init__(self, first: _Optional[int] = ..., after: _Optional[str] = ...) -> None: ...

class ReviewQueuePage(_message.Message):
    __slots__ = ("teacher_ids", "has_next_page", "total_count", "end_cursor")
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    END_CURSOR_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    has_next_page: bool
    total_count: int
    end_cursor: str
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ..., has_next_page: _Optional[bool] = ..., total_count: _Optional[int] = ..., end_cursor: _Optional[str] = ...) -> None: ...

class MovementEvent(_message.Message):
    __slots__ = ("at", "actor", "org_code", "action", "comment")
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    at: str
    actor: str
    org_code: str
    action: str
    comment: str
    def __init__(self, at: _Optional[str] = ..., actor: _Optional[str] = ..., org_code: _Optional[str] = ..., action: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class Movement(_message.Message):
    __slots__ = ("id", "kind", "status", "teacher_id", "teacher_name", "from_school", "to_school", "reason_code", "effective_date", "comment", "pending_level", "pending_org_code", "history", "created_at", "from_school_name", "to_school_name")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    TEACHER_NAME_FIELD_NUMBER: _ClassVar[int]
    FROM_SCHOOL_FIELD_NUMBER: _ClassVar[int]
    TO_SCHOOL_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    PENDING_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PENDING_ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    FROM_SCHOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    TO_SCHOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    status: str
    teacher_id: str
    teacher_name: str
    from_school: str
    to_school: str
    reason_code: str
    effective_date: str
    comment: str
    pending_level: str
    pending_org_code: str
    history: _containers.RepeatedCompositeFieldContainer[MovementEvent]
    created_at: str
    from_school_name: str
    to_school_name: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., teacher_id: _Optional[str] = ..., teacher_name: _Optional[str] = ..., from_school: _Optional[str] = ..., to_school: _Optional[str] = ..., reason_code: _Optional[str] = ..., effective_date: _Optional[str] = ..., comment: _Optional[str] = ..., pending_level: _Optional[str] = ..., pending_org_code: _Optional[str] = ..., history: _Optional[_Iterable[_Union[MovementEvent, _Mapping]]] = ..., created_at: _Optional[str] = ..., from_school_name: _Optional[str] = ..., to_school_name: _Optional[str] = ...) -> None: ...

class MovementList(_message.Message):
    __slots__ = ("movements",)
    MOVEMENTS_FIELD_NUMBER: _ClassVar[int]
    movements: _containers.RepeatedCompositeFieldContainer[Movement]
    def __init__(self, movements: _Optional[_Iterable[_Union[Movement, _Mapping]]] = ...) -> None: ...

class TeacherMovements(_message.Message):
    __slots__ = ("teacher_id", "movements")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    MOVEMENTS_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    movements: _containers.RepeatedCompositeFieldContainer[Movement]
    def __init__(self, teacher_id: _Optional[str] = ..., movements: _Optional[_Iterable[_Union[Movement, _Mapping]]] = ...) -> None: ...

class TeacherMovementsList(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[TeacherMovements]
    def __init__(self, teachers: _Optional[_Iterable[_Union[TeacherMovements, _Mapping]]] = ...) -> None: ...

class MovementIdRequest(_message.Message):
    __slots__ = ("movement_id",)
    MOVEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    movement_id: str
    def __init__(self, movement_id: _Optional[str] = ...) -> None: ...

class MovementReasonRequest(_message.Message):
    __slots__ = ("movement_id", "reason")
    MOVEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    movement_id: str
    reason: str
    def __init__(self, movement_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MovementBatchRequest(_message.Message):
    __slots__ = ("movement_ids", "comment")
    MOVEMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    movement_ids: _containers.RepeatedScalarFieldContainer[str]
    comment: str
    def __init__(self, movement_ids: _Optional[_Iterable[str]] = ..., comment: _Optional[str] = ...) -> None: ...

class StartTransferRequest(_message.Message):
    __slots__ = ("teacher_id", "to_school_code", "effective_date", "comment")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    to_school_code: str
    effective_date: str
    comment: str
    def __init__(self, teacher_id: _Optional[str] = ..., to_school_code: _Optional[str] = ..., effective_date: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class StartLeaveRequest(_message.Message):
    __slots__ = ("teacher_id", "reason_code", "effective_date", "comment")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    reason_code: str
    effective_date: str
    comment: str
    def __init__(self, teacher_id: _Optional[str] = ..., reason_code: _Optional[str] = ..., effective_date: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class StartReturnRequest(_message.Message):
    __slots__ = ("school_code", "id_type", "id_number", "effective_date")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    id_type: str
    id_number: str
    effective_date: str
    def __init__(self, school_code: _Optional[str] = ..., id_type: _Optional[str] = ..., id_number: _Optional[str] = ..., effective_date: _Optional[str] = ...) -> None: ...

class BatchGetMovementsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListMovementsRequest(_message.Message):
    __slots__ = ("org_code", "kind", "status", "first", "after")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    kind: str
    status: str
    first: int
    after: str
    def __init__(self, org_code: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., first: _Optional[int] = ..., after: _Optional[str] = ...) -> None: ...

class MovementPage(_message.Message):
    __slots__ = ("movements", "has_next_page", "total_count", "end_cursor")
    MOVEMENTS_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    END_CURSOR_FIELD_NUMBER: _ClassVar[int]
    movements: _containers.RepeatedCompositeFieldContainer[Movement]
    has_next_page: bool
    total_count: int
    end_cursor: str
    def __init__(self, movements: _Optional[_Iterable[_Union[Movement, _Mapping]]] = ..., has_next_page: _Optional[bool] = ..., total_count: _Optional[int] = ..., end_cursor: _Optional[str] = ...) -> None: ...

class GetFlowsRequest(_message.Message):
    __slots__ = ("org_code", "to")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    to: str
    def __init__(self, org_code: _Optional[str] = ..., to: _Optional[str] = ..., **kwargs) -> None: ...

class FlowBucket(_message.Message):
    __slots__ = ("kind", "reason_code", "count")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    reason_code: str
    count: int
    def __init__(self, kind: _Optional[str] = ..., reason_code: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class FlowsReply(_message.Message):
    __slots__ = ("buckets",)
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    buckets: _containers.RepeatedCompositeFieldContainer[FlowBucket]
    def __init__(self, buckets: _Optional[_Iterable[_Union[FlowBucket, _Mapping]]] = ...) -> None: ...
