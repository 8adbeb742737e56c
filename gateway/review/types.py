from __future__ import annotations

import enum

import strawberry

from gateway.context import Info
from gateway.enums import DescribedEnum
from gateway.errors import UserError
from gateway.identity.types import Org, OrgLevel
from tmis.proto.review.v1 import review_pb2 as pb


@strawberry.enum(description="审核状态")
class RecordStatus(DescribedEnum):
    DRAFT = strawberry.enum_value("DRAFT", description="未报送")
    SUBMITTED = strawberry.enum_value("SUBMITTED", description="已报送 / 待审核 at review.pendingLevel")
    REJECTED = strawberry.enum_value("REJECTED", description="审核未通过 (驳回), editable again")
    APPROVED = strawberry.enum_value("APPROVED", description="审核通过 at the last level of the chain")
    CHANGING = strawberry.enum_value(
        "CHANGING",
        description="信息变更 in progress on an approved record: editable like DRAFT by those who may edit it; "
        "the last approved version stays official until the change is approved",
    )
    LEFT = strawberry.enum_value(
        "LEFT",
        description=(
            "已减员 (退休, 辞职, 死亡 ...): read-only; left out of teachers(), progress and statistics unless asked "
            "for by status"
        ),
    )


@strawberry.enum(description="What a review step concerns.")
class ReviewKind(DescribedEnum):
    FIRST_ENTRY = strawberry.enum_value("FIRST_ENTRY", description="信息首次录入 / 新教师入职")
    CHANGE = strawberry.enum_value("CHANGE", description="信息变更 of an approved record")
    KEY_CHANGE = strawberry.enum_value(
        "KEY_CHANGE",
        description="关键数据变更: a change touching 姓名, 性别, 出生日期, 身份证件类型, 身份证件号 or 国籍/地区 "
        "(a province may add fields by plugin)",
    )


@strawberry.enum
class ReviewAction(enum.Enum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    CHANGE = strawberry.enum_value("CHANGE", description="信息变更 started (comment: its reason)")
    WITHDRAW = strawberry.enum_value("WITHDRAW", description="信息变更 given up: the approved version restored")


@strawberry.enum
class StatDimension(enum.Enum):
    GENDER = "GENDER"
    ETHNICITY = "ETHNICITY"
    POLITICAL_STATUS = "POLITICAL_STATUS"
    AGE_BAND = "AGE_BAND"
    HIGHEST_EDUCATION = "HIGHEST_EDUCATION"
    TITLE = "TITLE"
    STAFF_CATEGORY = "STAFF_CATEGORY"
    IN_ESTABLISHMENT = "IN_ESTABLISHMENT"


@strawberry.type
class ReviewEvent:
    at: str
    actor: str
    level: OrgLevel
    action: ReviewAction
    comment: str | None
    org_code: str = strawberry.field(description="The org whose reviewer (or, for SUBMIT, whose school) acted.")


@strawberry.type(
    description="What a review check (built-in or a province plugin's) found; blocking findings stop an approval."
)
class ReviewFinding:
    code: str
    message: str
    field: str | None
    blocking: bool


@strawberry.type
class ReviewState:
    status: RecordStatus
    pending_level: OrgLevel | None = strawberry.field(
        description="Level whose reviewers must act next; null unless SUBMITTED."
    )
    pending_org_code: strawberry.Private[str]
    history: list[ReviewEvent]
    findings: list[ReviewFinding] = strawberry.field(
        description="Warnings of the checks at the last approval, shown to the next level."
    )
    identity_check: str | None = strawberry.field(
        description="身份认证 outcome after final approval (who checked, what was found)."
    )
    kind: ReviewKind = strawberry.field(description="What the pending or last review concerns.")

    @classmethod
    def of(cls, state: pb.ReviewState | None) -> ReviewState:
        if state is None:
            return cls(
                status=RecordStatus.DRAFT,
                pending_level=None,
                pending_org_code="",
                history=[],
                findings=[],
                identity_check=None,
                kind=ReviewKind.FIRST_ENTRY,
            )
        return cls(
            status=RecordStatus(state.status),
            pending_level=OrgLevel(state.pending_level) if state.pending_level else None,
            pending_org_code=state.pending_org_code,
            history=[
                ReviewEvent(
                    at=e.at,
                    actor=e.actor,
                    level=OrgLevel(e.level),
                    action=ReviewAction(e.action),
                    comment=e.comment or None,
                    org_code=e.org_code,
                )
                for e in state.history
            ],
            findings=[
                ReviewFinding(code=f.code, message=f.message, field=f.field or None, blocking=f.blocking)
                for f in state.findings
            ],
            identity_check=state.identity_check or None,
            kind=ReviewKind(state.kind or "FIRST_ENTRY"),
        )

    @strawberry.field
    async def pending_org(self, info: Info) -> Org | None:
        if not self.pending_org_code:
            return None
        found = await info.context.loaders.org_by_code.load(self.pending_org_code)
        return Org.of(found) if found else None


@strawberry.type
class BatchPayload:
    succeeded: list[strawberry.ID]
    user_errors: list[UserError] = strawberry.field(description="field = the teacher id that failed.")


@strawberry.type
class OrgProgress:
    org: Org
    total: int
    draft: int
    submitted: int
    rejected: int
    approved: int
    with_photo: int
    complete: int = strawberry.field(description="Records whose required sets and fields are all filled.")


@strawberry.type
class StatBucket:
    key: str
    label: str
    count: int
