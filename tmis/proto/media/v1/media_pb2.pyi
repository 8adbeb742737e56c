from tmis.proto.common.v1 import photo_pb2 as _photo_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetPhotoStandardRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PhotoStandard(_message.Message):
    __slots__ = ("width_cm", "height_cm", "dpi", "width_px", "height_px", "max_bytes", "formats")
    WIDTH_CM_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_CM_FIELD_NUMBER: _ClassVar[int]
    DPI_FIELD_NUMBER: _ClassVar[int]
    WIDTH_PX_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_PX_FIELD_NUMBER: _ClassVar[int]
    MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    width_cm: float
    height_cm: float
    dpi: int
    width_px: int
    height_px: int
    max_bytes: int
    formats: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, width_cm: _Optional[float] = ..., height_cm: _Optional[float] = ..., dpi: _Optional[int] = ..., width_px: _Optional[int] = ..., height_px: _Optional[int] = ..., max_bytes: _Optional[int] = ..., formats: _Optional[_Iterable[str]] = ...) -> None: ...

class UploadPhotoRequest(_message.Message):
    __slots__ = ("teacher_id", "content", "filename")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    content: bytes
    filename: str
    def __init__(self, teacher_id: _Optional[str] = ..., content: _Optional[bytes] = ..., filename: _Optional[str] = ...) -> None: ...

class GetPhotoRequest(_message.Message):
    __slots__ = ("teacher_id",)
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    def __init__(self, teacher_id: _Optional[str] = ...) -> None: ...

class PhotoFile(_message.Message):
    __slots__ = ("id", "content", "content_type")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    id: str
    content: bytes
    content_type: str
    def __init__(self, id: _Optional[str] = ..., content: _Optional[bytes] = ..., content_type: _Optional[str] = ...) -> None: ...

class ImportPhotosRequest(_message.Message):
    __slots__ = ("school_code", "archive", "filename")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    archive: bytes
    filename: str
    def __init__(self, school_code: _Optional[str] = ..., archive: _Optional[bytes] = ..., filename: _Optional[str] = ...) -> None: ...

class GetPhotoJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class JobError(_message.Message):
    __slots__ = ("sheet", "row", "column", "message")
    SHEET_FIELD_NUMBER: _ClassVar[int]
    ROW_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    sheet: str
    row: int
    column: str
    message: str
    def __init__(self, sheet: _Optional[str] = ..., row: _Optional[int] = ..., column: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class FileResult(_message.Message):
    __slots__ = ("index", "name", "outcome", "teacher_id", "message")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    index: int
    name: str
    outcome: str
    teacher_id: str
    message: str
    def __init__(self, index: _Optional[int] = ..., name: _Optional[str] = ..., outcome: _Optional[str] = ..., teacher_id: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class PhotoJob(_message.Message):
    __slots__ = ("id", "status", "total", "processed", "succeeded", "failed", "errors", "results")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: str
    total: int
    processed: int
    succeeded: int
    failed: int
    errors: _containers.RepeatedCompositeFieldContainer[JobError]
    results: _containers.RepeatedCompositeFieldContainer[FileResult]
    def __init__(self, id: _Optional[str] = ..., status: _Optional[str] = ..., total: _Optional[int] = ..., processed: _Optional[int] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[JobError, _Mapping]]] = ..., results: _Optional[_Iterable[_Union[FileResult, _Mapping]]] = ...) -> None: ...

class GetInstanceStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class InstanceStats(_message.Message):
    __slots__ = ("instance_id", "calls")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    calls: int
    def __init__(self, instance_id: _Optional[str] = ..., calls: _Optional[int] = ...) -> None: ...
