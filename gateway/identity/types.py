from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from gateway.context import Info
from gateway.enums import DescribedEnum
from gateway.pagination import PageInfo
from tmis.proto.identity.v1 import identity_pb2 as pb


@strawberry.enum
class OrgLevel(enum.Enum):
    NATION = "NATION"
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    DISTRICT = "DISTRICT"
    SCHOOL = "SCHOOL"


@strawberry.enum(description="中小学 / 中职 / 特教 / 幼儿园: selects the field set variant and template.")
class SchoolType(enum.Enum):
    PRIMARY_SECONDARY = "PRIMARY_SECONDARY"
    VOCATIONAL = "VOCATIONAL"
    SPECIAL_EDUCATION = "SPECIAL_EDUCATION"
    KINDERGARTEN = "KINDERGARTEN"


@strawberry.enum
class Role(DescribedEnum):
    SYSTEM_ADMIN = strawberry.enum_value(
        "SYSTEM_ADMIN", description="系统管理员: accounts of its own org, admin accounts of the orgs directly below"
    )
    DATA_ENTRY = strawberry.enum_value(
        "DATA_ENTRY", description="信息录入员: enters/imports records, school-only sets, submits (报送)"
    )
    REVIEWER = strawberry.enum_value(
        "REVIEWER", description="信息审核员: approves or rejects records pending at its org"
    )
    QUERY = strawberry.enum_value(
        "QUERY", description="信息查询员: reads records, statistics and progress of its subtree"
    )
    TEACHER = strawberry.enum_value("TEACHER", description="教师 (教师自助子系统): own record only")


@strawberry.type
class Org:
    code: str
    name: str
    level: OrgLevel
    school_type: SchoolType | None
    teacher_login_enabled: bool
    parent_code: strawberry.Private[str]

    @classmethod
    def of(cls, org: pb.Org) -> Org:
        return cls(
            code=org.code,
            name=org.name,
            level=OrgLevel(org.level),
            school_type=SchoolType(org.school_type) if org.school_type else None,
            teacher_login_enabled=org.teacher_login_enabled,
            parent_code=org.parent_code,
        )

    @strawberry.field
    async def parent(self, info: Info) -> Org | None:
        if not self.parent_code:
            return None
        found = await info.context.loaders.org_by_code.load(self.parent_code)
        return Org.of(found) if found else None

    @strawberry.field
    async def children(self, info: Info) -> list[Org]:
        return [Org.of(o) for o in await info.context.loaders.child_orgs_by_parent.load(self.code)]


@strawberry.type
class Account:
    id: strawberry.ID
    username: str
    display_name: str | None
    roles: list[Role]
    enabled: bool
    must_change_password: bool
    locked_until: str | None
    org_code: strawberry.Private[str]
    teacher_id: strawberry.Private[str] = ""

    @classmethod
    def of(cls, account: pb.Account) -> Account:
        return cls(
            id=strawberry.ID(account.id),
            username=account.username,
            display_name=account.display_name or None,
            roles=[Role(r) for r in account.roles],
            enabled=account.enabled,
            must_change_password=account.must_change_password,
            locked_until=account.locked_until or None,
            org_code=account.org_code,
            teacher_id=account.teacher_id,
        )

    @strawberry.field
    async def org(self, info: Info) -> Org:
        found = await info.context.loaders.org_by_code.load(self.org_code)
        if found is None:
            raise LookupError(f"org {self.org_code} of account {self.id} not found")
        return Org.of(found)


def account_teacher(teacher_type: Any) -> StrawberryField:
    """Account.teacher, which `build_schema` adds to Account (before `org`): the Teacher type is made
    with the schema from the registry's types (gateway/records/teacher.py), so it is passed in. It is
    typed `Any` here, at that one boundary, as mypy cannot check a class made at run time."""

    async def teacher(root: Account, info: Info) -> Any:
        if not root.teacher_id:
            return None
        found = await info.context.loaders.teacher_by_id.load(root.teacher_id)
        return teacher_type.of(found) if found else None

    return strawberry.field(
        resolver=teacher, graphql_type=teacher_type | None, description="The teacher record of a TEACHER account."
    )


@strawberry.input
class CreateOrgInput:
    code: str
    name: str
    level: OrgLevel
    parent_code: str
    school_type: SchoolType | None = None


@strawberry.type
class AccountEdge:
    cursor: str
    node: Account


@strawberry.type
class AccountConnection:
    edges: list[AccountEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreateAccountInput:
    username: str
    org_code: str
    roles: list[Role]
    display_name: str | None = None


@strawberry.input
class RetrieveInitialPasswordInput:
    name: str
    id_type: str
    id_number: str
    school_code: str


@strawberry.type(description="A security event: login, lock, reset, account and window changes, exports, retrievals.")
class AuditEvent:
    id: strawberry.ID
    at: str
    event: str
    result: str
    actor: str
    target: str
    org_code: str
    client_addr: str | None
    detail: str | None


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo
