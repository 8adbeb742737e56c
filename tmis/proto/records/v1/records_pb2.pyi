from google.protobuf import struct_pb2 as _struct_pb2
from tmis.proto.common.v1 import photo_pb2 as _photo_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserError(_message.Message):
    __slots__ = ("code", "message", "field")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    field: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class Entry(_message.Message):
    __slots__ = ("id", "set", "data_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    set: str
    data_json: bytes
    def __init__(self, id: _Optional[str] = ..., set: _Optional[str] = ..., data_json: _Optional[bytes] = ...) -> None: ...

class Teacher(_message.Message):
    __slots__ = ("id", "version", "school_code", "school_type", "status", "basic_json", "entries", "missing", "updated_at", "warnings", "photo", "org_path", "personal_code", "personal_code_formal", "changes_since_approval")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BASIC_JSON_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    ORG_PATH_FIELD_NUMBER: _ClassVar[int]
    PERSONAL_CODE_FIELD_NUMBER: _ClassVar[int]
    PERSONAL_CODE_FORMAL_FIELD_NUMBER: _ClassVar[int]
    CHANGES_SINCE_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    school_code: str
    school_type: str
    status: str
    basic_json: bytes
    entries: _containers.RepeatedCompositeFieldContainer[Entry]
    missing: _containers.RepeatedScalarFieldContainer[str]
    updated_at: str
    warnings: _containers.RepeatedCompositeFieldContainer[UserError]
    photo: _photo_pb2.Photo
    org_path: _containers.RepeatedScalarFieldContainer[str]
    personal_code: str
    personal_code_formal: bool
    changes_since_approval: _containers.RepeatedCompositeFieldContainer[Change]
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., school_code: _Optional[str] = ..., school_type: _Optional[str] = ..., status: _Optional[str] = ..., basic_json: _Optional[bytes] = ..., entries: _Optional[_Iterable[_Union[Entry, _Mapping]]] = ..., missing: _Optional[_Iterable[str]] = ..., updated_at: _Optional[str] = ..., warnings: _Optional[_Iterable[_Union[UserError, _Mapping]]] = ..., photo: _Optional[_Union[_photo_pb2.Photo, _Mapping]] = ..., org_path: _Optional[_Iterable[str]] = ..., personal_code: _Optional[str] = ..., personal_code_formal: _Optional[bool] = ..., changes_since_approval: _Optional[_Iterable[_Union[Change, _Mapping]]] = ...) -> None: ...

class TeacherWrite(_message.Message):
    __slots__ = ("teacher", "errors")
    TEACHER_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    teacher: Teacher
    errors: _containers.RepeatedCompositeFieldContainer[UserError]
    def __init__(self, teacher: _Optional[_Union[Teacher, _Mapping]] = ..., errors: _Optional[_Iterable[_Union[UserError, _Mapping]]] = ...) -> None: ...

class TeacherList(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[Teacher]
    def __init__(self, teachers: _Optional[_Iterable[_Union[Teacher, _Mapping]]] = ...) -> None: ...

class TeacherPage(_message.Message):
    __slots__ = ("teachers", "has_next_page", "total_count", "end_cursor")
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    END_CURSOR_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[Teacher]
    has_next_page: bool
    total_count: int
    end_cursor: str
    def __init__(self, teachers: _Optional[_Iterable[_Union[Teacher, _Mapping]]] = ..., has_next_page: _Optional[bool] = ..., total_count: _Optional[int] = ..., end_cursor: _Optional[str] = ...) -> None: ...

class CreateTeacherRequest(_message.Message):
    __slots__ = ("school_code", "basic_json")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    BASIC_JSON_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    basic_json: bytes
    def __init__(self, school_code: _Optional[str] = ..., basic_json: _Optional[bytes] = ...) -> None: ...

class SaveBasicInfoRequest(_message.Message):
    __slots__ = ("teacher_id", "expected_version", "basic_json")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    BASIC_JSON_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    expected_version: int
    basic_json: bytes
    def __init__(self, teacher_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., basic_json: _Optional[bytes] = ...) -> None: ...

class AddEntryRequest(_message.Message):
    __slots__ = ("teacher_id", "expected_version", "set", "data_json")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    expected_version: int
    set: str
    data_json: bytes
    def __init__(self, teacher_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., set: _Optional[str] = ..., data_json: _Optional[bytes] = ...) -> None: ...

class UpdateEntryRequest(_message.Message):
    __slots__ = ("teacher_id", "expected_version", "entry_id", "data_json")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_JSON_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    expected_version: int
    entry_id: str
    data_json: bytes
    def __init__(self, teacher_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., entry_id: _Optional[str] = ..., data_json: _Optional[bytes] = ...) -> None: ...

class DeleteEntryRequest(_message.Message):
    __slots__ = ("teacher_id", "expected_version", "entry_id")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTRY_ID_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    expected_version: int
    entry_id: str
    def __init__(self, teacher_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., entry_id: _Optional[str] = ...) -> None: ...

class DeleteTeacherRequest(_message.Message):
    __slots__ = ("teacher_id",)
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    def __init__(self, teacher_id: _Optional[str] = ...) -> None: ...

class BatchGetTeachersRequest(_message.Message):
    __slots__ = ("ids", "sets", "with_changes_since_approval")
    IDS_FIELD_NUMBER: _ClassVar[int]
    SETS_FIELD_NUMBER: _ClassVar[int]
    WITH_CHANGES_SINCE_APPROVAL_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    sets: _containers.RepeatedScalarFieldContainer[str]
    with_changes_since_approval: bool
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., sets: _Optional[_Iterable[str]] = ..., with_changes_since_approval: _Optional[bool] = ...) -> None: ...

class ListTeachersRequest(_message.Message):
    __slots__ = ("org_code", "status", "search", "first", "after", "sets")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    SETS_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    status: str
    search: str
    first: int
    after: str
    sets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, org_code: _Optional[str] = ..., status: _Optional[str] = ..., search: _Optional[str] = ..., first: _Optional[int] = ..., after: _Optional[str] = ..., sets: _Optional[_Iterable[str]] = ...) -> None: ...

class ListTeacherHistoryRequest(_message.Message):
    __slots__ = ("teacher_id", "first", "after")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    first: int
    after: str
    def __init__(self, teacher_id: _Optional[str] = ..., first: _Optional[int] = ..., after: _Optional[str] = ...) -> None: ...

class Change(_message.Message):
    __slots__ = ("at", "actor", "path", "old_value", "new_value")
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    at: str
    actor: str
    path: str
    old_value: str
    new_value: str
    def __init__(self, at: _Optional[str] = ..., actor: _Optional[str] = ..., path: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ...) -> None: ...

class HistoryPage(_message.Message):
    __slots__ = ("changes", "has_next_page", "end_cursor")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    END_CURSOR_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[Change]
    has_next_page: bool
    end_cursor: str
    def __init__(self, changes: _Optional[_Iterable[_Union[Change, _Mapping]]] = ..., has_next_page: _Optional[bool] = ..., end_cursor: _Optional[str] = ...) -> None: ...

class BatchGetTeacherHistoryRequest(_message.Message):
    __slots__ = ("teacher_ids", "first")
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    first: int
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ..., first: _Optional[int] = ...) -> None: ...

class TeacherHistory(_message.Message):
    __slots__ = ("teacher_id", "page")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    page: HistoryPage
    def __init__(self, teacher_id: _Optional[str] = ..., page: _Optional[_Union[HistoryPage, _Mapping]] = ...) -> None: ...

class TeacherHistoryList(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[TeacherHistory]
    def __init__(self, teachers: _Optional[_Iterable[_Union[TeacherHistory, _Mapping]]] = ...) -> None: ...

class ListSchoolRosterRequest(_message.Message):
    __slots__ = ("school_code",)
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    def __init__(self, school_code: _Optional[str] = ...) -> None: ...

class RosterEntry(_message.Message):
    __slots__ = ("teacher_id", "name", "id_type", "id_number")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    name: str
    id_type: str
    id_number: str
    def __init__(self, teacher_id: _Optional[str] = ..., name: _Optional[str] = ..., id_type: _Optional[str] = ..., id_number: _Optional[str] = ...) -> None: ...

class Roster(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[RosterEntry]
    def __init__(self, teachers: _Optional[_Iterable[_Union[RosterEntry, _Mapping]]] = ...) -> None: ...

class ListCodeTablesRequest(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class Code(_message.Message):
    __slots__ = ("code", "name", "parent", "extra")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    parent: str
    extra: _struct_pb2.Struct
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., parent: _Optional[str] = ..., extra: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CodeTable(_message.Message):
    __slots__ = ("name", "label", "entries", "exclusive", "partial")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    EXCLUSIVE_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    name: str
    label: str
    entries: _containers.RepeatedCompositeFieldContainer[Code]
    exclusive: _containers.RepeatedScalarFieldContainer[str]
    partial: bool
    def __init__(self, name: _Optional[str] = ..., label: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[Code, _Mapping]]] = ..., exclusive: _Optional[_Iterable[str]] = ..., partial: _Optional[bool] = ...) -> None: ...

class CodeTableList(_message.Message):
    __slots__ = ("tables",)
    TABLES_FIELD_NUMBER: _ClassVar[int]
    tables: _containers.RepeatedCompositeFieldContainer[CodeTable]
    def __init__(self, tables: _Optional[_Iterable[_Union[CodeTable, _Mapping]]] = ...) -> None: ...

class SetReviewStatusRequest(_message.Message):
    __slots__ = ("teacher_id", "status", "seq", "approved_snapshot", "restore_approved", "check_duplicates")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    APPROVED_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    RESTORE_APPROVED_FIELD_NUMBER: _ClassVar[int]
    CHECK_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    status: str
    seq: int
    approved_snapshot: bool
    restore_approved: bool
    check_duplicates: bool
    def __init__(self, teacher_id: _Optional[str] = ..., status: _Optional[str] = ..., seq: _Optional[int] = ..., approved_snapshot: _Optional[bool] = ..., restore_approved: _Optional[bool] = ..., check_duplicates: _Optional[bool] = ...) -> None: ...

class SetReviewStatusReply(_message.Message):
    __slots__ = ("applied", "errors")
    APPLIED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    applied: bool
    errors: _containers.RepeatedCompositeFieldContainer[UserError]
    def __init__(self, applied: _Optional[bool] = ..., errors: _Optional[_Iterable[_Union[UserError, _Mapping]]] = ...) -> None: ...

class AssignPersonalCodeRequest(_message.Message):
    __slots__ = ("teacher_id", "formal", "formal_letter", "renew")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAL_FIELD_NUMBER: _ClassVar[int]
    FORMAL_LETTER_FIELD_NUMBER: _ClassVar[int]
    RENEW_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    formal: bool
    formal_letter: str
    renew: bool
    def __init__(self, teacher_id: _Optional[str] = ..., formal: _Optional[bool] = ..., formal_letter: _Optional[str] = ..., renew: _Optional[bool] = ...) -> None: ...

class GetProgressRequest(_message.Message):
    __slots__ = ("org_code",)
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    def __init__(self, org_code: _Optional[str] = ...) -> None: ...

class OrgCounts(_message.Message):
    __slots__ = ("org_code", "total", "draft", "submitted", "rejected", "approved", "with_photo", "complete")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    WITH_PHOTO_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    total: int
    draft: int
    submitted: int
    rejected: int
    approved: int
    with_photo: int
    complete: int
    def __init__(self, org_code: _Optional[str] = ..., total: _Optional[int] = ..., draft: _Optional[int] = ..., submitted: _Optional[int] = ..., rejected: _Optional[int] = ..., approved: _Optional[int] = ..., with_photo: _Optional[int] = ..., complete: _Optional[int] = ...) -> None: ...

class ProgressReply(_message.Message):
    __slots__ = ("orgs",)
    ORGS_FIELD_NUMBER: _ClassVar[int]
    orgs: _containers.RepeatedCompositeFieldContainer[OrgCounts]
    def __init__(self, orgs: _Optional[_Iterable[_Union[OrgCounts, _Mapping]]] = ...) -> None: ...

class GetStatisticsRequest(_message.Message):
    __slots__ = ("org_code", "dimension", "status")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    dimension: str
    status: str
    def __init__(self, org_code: _Optional[str] = ..., dimension: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class StatBucket(_message.Message):
    __slots__ = ("key", "label", "count")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    count: int
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class StatisticsReply(_message.Message):
    __slots__ = ("buckets",)
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    buckets: _containers.RepeatedCompositeFieldContainer[StatBucket]
    def __init__(self, buckets: _Optional[_Iterable[_Union[StatBucket, _Mapping]]] = ...) -> None: ...

class AttachPhotoRequest(_message.Message):
    __slots__ = ("teacher_id", "photo")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    photo: _photo_pb2.Photo
    def __init__(self, teacher_id: _Optional[str] = ..., photo: _Optional[_Union[_photo_pb2.Photo, _Mapping]] = ...) -> None: ...

class AttachPhotoReply(_message.Message):
    __slots__ = ("replaced_id", "version")
    REPLACED_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    replaced_id: str
    version: int
    def __init__(self, replaced_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetImportTemplateRequest(_message.Message):
    __slots__ = ("school_type",)
    SCHOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    school_type: str
    def __init__(self, school_type: _Optional[str] = ...) -> None: ...

class FileContent(_message.Message):
    __slots__ = ("filename", "content_type", "content")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    filename: str
    content_type: str
    content: bytes
    def __init__(self, filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class FileChunk(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class StartImportRequest(_message.Message):
    __slots__ = ("school_code", "filename", "content", "mode", "dry_run")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    filename: str
    content: bytes
    mode: str
    dry_run: bool
    def __init__(self, school_code: _Optional[str] = ..., filename: _Optional[str] = ..., content: _Optional[bytes] = ..., mode: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class GetImportJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ImportRowError(_message.Message):
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

class ImportJob(_message.Message):
    __slots__ = ("id", "status", "total", "processed", "succeeded", "failed", "errors", "has_error_report", "school_code", "mode", "dry_run", "inserted", "updated", "unchanged", "appended", "removed", "new_rows", "updated_rows", "unchanged_rows")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    HAS_ERROR_REPORT_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    INSERTED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    APPENDED_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    NEW_ROWS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_ROWS_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_ROWS_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: str
    total: int
    processed: int
    succeeded: int
    failed: int
    errors: _containers.RepeatedCompositeFieldContainer[ImportRowError]
    has_error_report: bool
    school_code: str
    mode: str
    dry_run: bool
    inserted: int
    updated: int
    unchanged: int
    appended: int
    removed: int
    new_rows: int
    updated_rows: int
    unchanged_rows: int
    def __init__(self, id: _Optional[str] = ..., status: _Optional[str] = ..., total: _Optional[int] = ..., processed: _Optional[int] = ..., succeeded: _Optional[int] = ..., failed: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[ImportRowError, _Mapping]]] = ..., has_error_report: _Optional[bool] = ..., school_code: _Optional[str] = ..., mode: _Optional[str] = ..., dry_run: _Optional[bool] = ..., inserted: _Optional[int] = ..., updated: _Optional[int] = ..., unchanged: _Optional[int] = ..., appended: _Optional[int] = ..., removed: _Optional[int] = ..., new_rows: _Optional[int] = ..., updated_rows: _Optional[int] = ..., unchanged_rows: _Optional[int] = ...) -> None: ...

class ExportTeachersRequest(_message.Message):
    __slots__ = ("org_code", "status")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    status: str
    def __init__(self, org_code: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class MoveTeacherRequest(_message.Message):
    __slots__ = ("teacher_id", "school_code", "school_type", "org_path", "actor")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    ORG_PATH_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    school_code: str
    school_type: str
    org_path: _containers.RepeatedScalarFieldContainer[str]
    actor: str
    def __init__(self, teacher_id: _Optional[str] = ..., school_code: _Optional[str] = ..., school_type: _Optional[str] = ..., org_path: _Optional[_Iterable[str]] = ..., actor: _Optional[str] = ...) -> None: ...

class FindTeacherByDocumentRequest(_message.Message):
    __slots__ = ("id_type", "id_number")
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    id_type: str
    id_number: str
    def __init__(self, id_type: _Optional[str] = ..., id_number: _Optional[str] = ...) -> None: ...
