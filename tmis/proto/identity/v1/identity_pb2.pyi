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
    __slots__ = ("id", "username", "display_name", "org_code", "roles", "enabled", "must_change_password", "locked_until", "teacher_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MUST_CHANGE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    username: str
    display_name: str
    org_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    enabled: bool
    must_change_password: bool
    locked_until: str
    teacher_id: str
    def __init__(self, id: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., org_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., enabled: _Optional[bool] = ..., must_change_password: _Optional[bool] = ..., locked_until: _Optional[str] = ..., teacher_id: _Optional[str] = ...) -> None: ...

class AccountList(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ...) -> None: ...

class BatchGetAccountsByTeacherRequest(_message.Message):
    __slots__ = ("teacher_ids",)
    TEACHER_IDS_FIELD_NUMBER: _ClassVar[int]
    teacher_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, teacher_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AccountWithPassword(_message.Message):
    __slots__ = ("account", "initial_password")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    INITIAL_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    account: Account
    initial_password: str
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ..., initial_password: _Optional[str] = ...) -> None: ...

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

class ChangePasswordRequest(_message.Message):
    __slots__ = ("old_password", "new_password")
    OLD_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    old_password: str
    new_password: str
    def __init__(self, old_password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class RetrieveInitialPasswordRequest(_message.Message):
    __slots__ = ("name", "id_type", "id_number", "school_code")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ID_TYPE_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    name: str
    id_type: str
    id_number: str
    school_code: str
    def __init__(self, name: _Optional[str] = ..., id_type: _Optional[str] = ..., id_number: _Optional[str] = ..., school_code: _Optional[str] = ...) -> None: ...

class RetrieveInitialPasswordReply(_message.Message):
    __slots__ = ("initial_password",)
    INITIAL_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    initial_password: str
    def __init__(self, initial_password: _Optional[str] = ...) -> None: ...

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

class SetTeacherLoginEnabledRequest(_message.Message):
    __slots__ = ("school_code", "enabled")
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    enabled: bool
    def __init__(self, school_code: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class CreateAccountRequest(_message.Message):
    __slots__ = ("username", "org_code", "roles", "display_name")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    username: str
    org_code: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    display_name: str
    def __init__(self, username: _Optional[str] = ..., org_code: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., display_name: _Optional[str] = ...) -> None: ...

class AccountIdRequest(_message.Message):
    __slots__ = ("account_id",)
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    def __init__(self, account_id: _Optional[str] = ...) -> None: ...

class SetAccountEnabledRequest(_message.Message):
    __slots__ = ("account_id", "enabled")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    enabled: bool
    def __init__(self, account_id: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("org_code", "role", "first", "after")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    role: str
    first: int
    after: str
    def __init__(self, org_code: _Optional[str] = ..., role: _Optional[str] = ..., first: _Optional[int] = ..., after: _Optional[str] = ...) -> None: ...

class AccountPage(_message.Message):
    __slots__ = ("accounts", "has_next_page", "total_count")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    has_next_page: bool
    total_count: int
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ..., has_next_page: _Optional[bool] = ..., total_count: _Optional[int] = ...) -> None: ...

class GenerateTeacherAccountsRequest(_message.Message):
    __slots__ = ("school_code",)
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    def __init__(self, school_code: _Optional[str] = ...) -> None: ...

class GenerateTeacherAccountsReply(_message.Message):
    __slots__ = ("created", "existing")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    EXISTING_FIELD_NUMBER: _ClassVar[int]
    created: int
    existing: int
    def __init__(self, created: _Optional[int] = ..., existing: _Optional[int] = ...) -> None: ...

class ExportTeacherAccountsRequest(_message.Message):
    __slots__ = ("school_code",)
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    school_code: str
    def __init__(self, school_code: _Optional[str] = ...) -> None: ...

class FileReply(_message.Message):
    __slots__ = ("filename", "content_type", "content")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    filename: str
    content_type: str
    content: bytes
    def __init__(self, filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class AuditEvent(_message.Message):
    __slots__ = ("id", "at", "event", "result", "actor", "target", "org_code", "client_addr", "detail")
    ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDR_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    at: str
    event: str
    result: str
    actor: str
    target: str
    org_code: str
    client_addr: str
    detail: str
    def __init__(self, id: _Optional[str] = ..., at: _Optional[str] = ..., event: _Optional[str] = ..., result: _Optional[str] = ..., actor: _Optional[str] = ..., target: _Optional[str] = ..., org_code: _Optional[str] = ..., client_addr: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ("org_code", "first", "after")
    ORG_CODE_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    org_code: str
    first: int
    after: str
    def __init__(self, org_code: _Optional[str] = ..., first: _Optional[int] = ..., after: _Optional[str] = ...) -> None: ...

class AuditEventPage(_message.Message):
    __slots__ = ("events", "has_next_page")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    has_next_page: bool
    def __init__(self, events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ..., has_next_page: _Optional[bool] = ...) -> None: ...

class ListRevocationsRequest(_message.Message):
    __slots__ = ("since_ms",)
    SINCE_MS_FIELD_NUMBER: _ClassVar[int]
    since_ms: int
    def __init__(self, since_ms: _Optional[int] = ...) -> None: ...

class ListRevocationsReply(_message.Message):
    __slots__ = ("accounts", "closed_schools", "until_ms")
    class AccountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class ClosedSchoolsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: bool
        def __init__(self, key: _Optional[str] = ..., value: _Optional[bool] = ...) -> None: ...
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_SCHOOLS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.ScalarMap[str, int]
    closed_schools: _containers.ScalarMap[str, bool]
    until_ms: int
    def __init__(self, accounts: _Optional[_Mapping[str, int]] = ..., closed_schools: _Optional[_Mapping[str, bool]] = ..., until_ms: _Optional[int] = ...) -> None: ...

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

class SearchSchoolsRequest(_message.Message):
    __slots__ = ("region_code", "name")
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    region_code: str
    name: str
    def __init__(self, region_code: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class PlaceTeacherAccountRequest(_message.Message):
    __slots__ = ("teacher_id", "school_code", "enabled")
    TEACHER_ID_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_CODE_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    teacher_id: str
    school_code: str
    enabled: bool
    def __init__(self, teacher_id: _Optional[str] = ..., school_code: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...
