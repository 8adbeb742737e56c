from __future__ import annotations

import enum

import strawberry

from gateway.context import Info
from gateway.identity.types import Org, OrgLevel


@strawberry.enum(description="审核状态")
class RecordStatus(enum.Enum):
    DRAFT = strawberry.enum_value("DRAFT", description="未报送")
    SUBMITTED = strawberry.enum_value("SUBMITTED", description="已报送 / 待审核 at review.pendingLevel")
    REJECTED = strawberry.enum_value("REJECTED", description="审核未通过 (驳回), editable again")
    APPROVED = strawberry.enum_value("APPROVED", description="审核通过 at the last level of the chain")


@strawberry.enum
class ReviewAction(enum.Enum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@strawberry.type
class ReviewEvent:
    at: str
    actor: str
    level: OrgLevel
    action: ReviewAction
    comment: str | None


@strawberry.type
class ReviewState:
    status: RecordStatus
    pending_level: OrgLevel | None = strawberry.field(description="Level whose reviewers must act next; null unless SUBMITTED.")
    pending_org_code: strawberry.Private[str]
    history: list[ReviewEvent]

    @strawberry.field
    async def pending_org(self, info: Info) -> Org | None:
        if not self.pending_org_code:
            return None
        found = await info.context.loaders.org_by_code.load(self.pending_org_code)
        return Org.of(found) if found else None
