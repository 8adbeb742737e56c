from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewState(_message.Message):
    __slots__ = ("teacher_id", "status", "pending_level", "pending_org_code")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PENDING_LEVEL_FIELD_NUMBER: _ClassVar[int]
    PENDING_ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    status: str
    pending_level: str
    pending_org_code: str
    def __init__(self, teacher_id: _Optional[str] = ..., status: _Optional[str] = ..., pending_level: _Optional[str] = ..., pending_org_code: _Optional[str] = ...) -> None: ...

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
