"""The review chain's mutations: submit, approve, reject (the review service authorises again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal
from gateway.review.types import BatchPayload
from tmis.proto.review.v1 import review_pb2 as pb


async def _batch(info: Info, rpc: Callable[..., Awaitable[pb.BatchReply]], request: object) -> BatchPayload:
    if errors := refusal(info.context.caller):
        return BatchPayload(succeeded=[], user_errors=errors)
    reply, errors = await attempt(rpc(request, token=info.context.token))
    if reply is None:
        return BatchPayload(succeeded=[], user_errors=errors)
    failed = [UserError(code=e.code, message=e.message, field=e.teacher_id) for e in reply.errors]
    return BatchPayload(succeeded=[strawberry.ID(i) for i in reply.succeeded], user_errors=failed)


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(description="报送: DRAFT/REJECTED -> SUBMITTED, pending at the school's own level.")
    async def submit_records(self, info: Info, teacher_ids: list[strawberry.ID]) -> BatchPayload:
        return await _batch(
            info, info.context.clients.review.SubmitRecords, pb.SubmitRecordsRequest(teacher_ids=teacher_ids)
        )

    @strawberry.mutation
    async def approve_records(
        self, info: Info, teacher_ids: list[strawberry.ID], comment: str | None = None
    ) -> BatchPayload:
        return await _batch(
            info,
            info.context.clients.review.ApproveRecords,
            pb.ApproveRecordsRequest(teacher_ids=teacher_ids, comment=comment or ""),
        )

    @strawberry.mutation(description="驳回: back to the school as REJECTED; reason required.")
    async def reject_records(self, info: Info, teacher_ids: list[strawberry.ID], reason: str) -> BatchPayload:
        return await _batch(
            info,
            info.context.clients.review.RejectRecords,
            pb.RejectRecordsRequest(teacher_ids=teacher_ids, reason=reason),
        )
