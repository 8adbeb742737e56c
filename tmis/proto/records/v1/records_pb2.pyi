from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Teacher(_message.Message):
    __slots__ = ("id", "version", "school_code", "basic")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    BASIC_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    school_code: str
    basic: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., school_code: _Optional[str] = ..., basic: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class TeacherList(_message.Message):
    __slots__ = ("teachers",)
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    teachers: _containers.RepeatedCompositeFieldContainer[Teacher]
    def __init__(self, teachers: _Optional[_Iterable[_Union[Teacher, _Mapping]]] = ...) -> None: ...

class CreateTeacherRequest(_message.Message):
    __slots__ = ("school_code", "basic")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    BASIC_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    basic: _struct_pb2.Struct
    def __init__(self, school_code: _Optional[str] = ..., basic: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class BatchGetTeachersRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

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
    __slots__ = ("code", "name", "parent")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    parent: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., parent: _Optional[str] = ...) -> None: ...

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
