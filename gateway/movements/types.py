"""Movements (调动, 减员, 重新入职) as the public API shows them (lifecycle.graphql)."""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from gateway.context import Info
from gateway.enums import DescribedEnum
from gateway.errors import UserError
from gateway.identity.types import Org, OrgLevel
from gateway.pagination import PageInfo, encode_cursor
from gateway.records.types import Code
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.review.v1 import review_pb2 as pb


@strawberry.enum
class MovementKind(DescribedEnum):
    TRANSFER = strawberry.enum_value("TRANSFER", description="调动: to another school, anywhere in the country")
    LEAVE = strawberry.enum_value("LEAVE", description="减员: the teacher leaves the system")
    RETURN = strawberry.enum_value(
        "RETURN", description="重新入职: a teacher whose record is LEFT comes back (same record, same personal code)"
    )


@strawberry.enum
class MovementStatus(DescribedEnum):
    AWAITING_RECEIVER = strawberry.enum_value(
        "AWAITING_RECEIVER", description="waiting for the receiving school to accept (TRANSFER)"
    )
    SUBMITTED = strawberry.enum_value("SUBMITTED", description="accepted or started; pending at pendingLevel")
    APPROVED = strawberry.enum_value("APPROVED", description="applied to the record")
    REJECTED = strawberry.enum_value(
        "REJECTED", description="refused by a reviewer (reason in history); the record is unchanged"
    )
    DECLINED = strawberry.enum_value("DECLINED", description="refused by the receiving school (reason in history)")
    WITHDRAWN = strawberry.enum_value("WITHDRAWN", description="taken back by the school that started it")


@strawberry.enum
class MovementAction(enum.Enum):
    START = "START"
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    WITHDRAW = "WITHDRAW"


@strawberry.enum(description="人员变动 in a period.")
class FlowKind(DescribedEnum):
    NEW = strawberry.enum_value("NEW", description="records first approved (新增)")
    TRANSFER_IN = strawberry.enum_value("TRANSFER_IN", description="调入 from outside the org's subtree")
    TRANSFER_OUT = strawberry.enum_value("TRANSFER_OUT", description="调出 to outside the org's subtree")
    LEFT = strawberry.enum_value("LEFT", description="减员, one bucket per reason")
    RETURNED = strawberry.enum_value("RETURNED", description="重新入职")


async def _org(info: Info, code: str, name: str, level: str) -> Org | None:
    """The org as the caller may read it; else what the movement itself says of it (the other side
    of a transfer is out of each school's sight)."""
    if not code:
        return None
    found = await info.context.loaders.org_by_code.load(code)
    if found is not None:
        return Org.of(found)
    return Org.of(id_pb.Org(code=code, name=name or code, level=level))


async def _leave_reason(info: Info, code: str) -> Code | None:
    """A 减员原因 from code table leave_reason (the bare code when the table is missing)."""
    if not code:
        return None
    table = await info.context.loaders.code_table_by_name.load("leave_reason")
    return Code(code=code, name=code, parent=None) if table is None else Code.of(table.shown(code))


@strawberry.type
class MovementEvent:
    at: str
    actor: str
    action: MovementAction
    comment: str | None
    org_code: strawberry.Private[str]

    @strawberry.field
    async def org(self, info: Info) -> Org:
        found = await _org(info, self.org_code, "", "SCHOOL")
        assert found is not None  # every event names the org that acted
        return found


@strawberry.type(
    description="""A movement of one teacher.
- TRANSFER: started by the sending school, accepted by the receiving school, then approved
  by both sides' 主管部门 (the district above each school, once when it is the same
  district). On approval the record, its history and photo, and the teacher's account
  (same username) move to the receiving school; the personal code is kept.
- LEAVE: started by the school with a reason from code table leave_reason, approved by the
  school's district. On approval the record becomes LEFT and the teacher's account is
  disabled.
- RETURN: started by the receiving school with the person's 身份证件类型 + 号, approved by
  that school's district. On approval the record is APPROVED again at that school and the
  account is enabled there."""
)
class Movement:
    id: strawberry.ID
    kind: MovementKind
    status: MovementStatus
    teacher_name: str = strawberry.field(
        description="姓名 as the movement was started: what each side of a movement may always see"
    )
    effective_date: str = strawberry.field(description="YYYY-MM-DD")
    comment: str | None
    pending_level: OrgLevel | None
    history: list[MovementEvent]
    created_at: str
    stored: strawberry.Private[pb.Movement]

    @classmethod
    def of(cls, m: pb.Movement) -> Movement:
        return cls(
            id=strawberry.ID(m.id),
            kind=MovementKind(m.kind),
            status=MovementStatus(m.status),
            teacher_name=m.teacher_name,
            effective_date=m.effective_date,
            comment=m.comment or None,
            pending_level=OrgLevel(m.pending_level) if m.pending_level else None,
            history=[
                MovementEvent(
                    at=e.at,
                    actor=e.actor,
                    action=MovementAction(e.action),
                    comment=e.comment or None,
                    org_code=e.org_code,
                )
                for e in m.history
            ],
            created_at=m.created_at,
            stored=m,
        )

    @strawberry.field(description="TRANSFER and LEAVE: the school the teacher leaves")
    async def from_school(self, info: Info) -> Org | None:
        return await _org(info, self.stored.from_school, self.stored.from_school_name, "SCHOOL")

    @strawberry.field(description="TRANSFER and RETURN: the school the teacher joins")
    async def to_school(self, info: Info) -> Org | None:
        return await _org(info, self.stored.to_school, self.stored.to_school_name, "SCHOOL")

    @strawberry.field(description="LEAVE: 减员原因")
    async def reason(self, info: Info) -> Code | None:
        return await _leave_reason(info, self.stored.reason_code)

    @strawberry.field
    async def pending_org(self, info: Info) -> Org | None:
        return await _org(info, self.stored.pending_org_code, "", self.stored.pending_level or "DISTRICT")


def movement_teacher(teacher_type: Any) -> StrawberryField:
    """Movement.teacher, which `build_schema` adds to Movement (before `teacherName`): the Teacher
    type is made with the schema from the registry (as Account.teacher)."""

    async def teacher(root: Movement, info: Info) -> Any:
        found = await info.context.loaders.teacher_by_id.load(root.stored.teacher_id)
        return teacher_type.of(found) if found else None

    return strawberry.field(
        resolver=teacher,
        graphql_type=teacher_type | None,
        description=(
            "null when the caller may not read the record (the sending school after a transfer, "
            "the receiving one before approval)"
        ),
    )


@strawberry.type
class MovementEdge:
    cursor: str
    node: Movement


@strawberry.type
class MovementConnection:
    edges: list[MovementEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: pb.MovementPage) -> MovementConnection:
        end = encode_cursor(page.end_cursor) if page.end_cursor else None
        return cls(
            edges=[MovementEdge(cursor=encode_cursor(m.id), node=Movement.of(m)) for m in page.movements],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end),
            total_count=page.total_count,
        )


@strawberry.type
class MovementPayload:
    movement: Movement | None
    user_errors: list[UserError]


@strawberry.type
class FlowBucket:
    kind: FlowKind
    count: int
    reason_code: strawberry.Private[str]

    @strawberry.field(description="LEFT: the reason; null otherwise")
    async def reason(self, info: Info) -> Code | None:
        return await _leave_reason(info, self.reason_code)
