from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Org(_message.Message):
    __slots__ = ("code", "name", "level", "parent_code", "school_type", "path", "teacher_login_enabled")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TEACHER_LOGIN_ENABLED_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    level: str
    parent_code: str
    school_type: str
    path: _containers.RepeatedScalarFieldContainer[str]
    teacher_login_enabled: bool
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., level: _Optional[str] = ..., parent_code: _Optional[str] = ..., school_type: _Optional[str] = ..., path: _Optional[_Iterable[str]] = ..., teacher_login_enabled: _Optional[bool] = ...) -> None: ...

class OrgList(_message.Message):
    __slots__ = ("orgs",)
    ORGS_FIELD_NUMBER: _ClassVar[int]
    orgs: _containers.RepeatedCompositeFieldContainer[Org]
    def __init__(self, orgs: _Optional[_Iterable[_Union[Org, _Mapping]]] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("id", "username", "display_name", "org_code", "roles", "enabled", "must_change_password", "locked_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MUST_CHANGE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    username: str
    display_name: str
    org_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    must_change_password: bool
    locked_until: str
    def __init__(self, id: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., org_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., must_change_password: _Optional[bool] = ..., locked_until: _Optional[str] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("username", "password")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class LoginReply(_message.Message):
    __slots__ = ("token", "account")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    token: str
    account: Account
    def __init__(self, token: _Optional[str] = ..., account: _Optional[_Union[Account, _Mapping]] = ...) -> None: ...

class GetMeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateOrgRequest(_message.Message):
    __slots__ = ("code", "name", "level", "parent_code", "school_type")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_TYPE_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    level: str
    parent_code: str
    school_type: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., level: _Optional[str] = ..., parent_code: _Optional[str] = ..., school_type: _Optional[str] = ...) -> None: ...

class BatchGetOrgsRequest(_message.Message):
    __slots__ = ("codes",)
    CODES_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, codes: _Optional[_Iterable[str]] = ...) -> None: ...

class ListChildOrgsRequest(_message.Message):
    __slots__ = ("parent_codes",)
    PARENT_CODES_FIELD_NUMBER: _ClassVar[int]
    parent_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, parent_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class EnsureAdminRequest(_message.Message):
    __slots__ = ("password",)
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    password: str
    def __init__(self, password: _Optional[str] = ...) -> None: ...

class EnsureAdminReply(_message.Message):
    __slots__ = ("created", "password")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    created: bool
    password: str
    def __init__(self, created: _Optional[bool] = ..., password: _Optional[str] = ...) -> None: ...
