"""The review chain's mutations: submit, approve, reject (the review service authorises again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from gateway.context import Info
from gateway.errors import UserError, attempt, refusal
from gateway.review.types import BatchPayload, RecordStatus
from tmis.proto.review.v1 import review_pb2 as pb

# a batch over a filter may run to 500 records: more time than one call's default
FILTER_BATCH_TIMEOUT = 300.0


async def _batch(
    info: Info, rpc: Callable[..., Awaitable[pb.BatchReply]], request: object, timeout: float | None = None
) -> BatchPayload:
    if errors := refusal(info.context.caller):
        return BatchPayload(succeeded=[], user_errors=errors)
    call = (
        rpc(request, token=info.context.token)
        if timeout is None
        else rpc(request, token=info.context.token, timeout=timeout)
    )
    reply, errors = await attempt(call)
    if reply is None:
        return BatchPayload(succeeded=[], user_errors=errors)
    failed = [UserError(code=e.code, message=e.message, field=e.teacher_id) for e in reply.errors]
    return BatchPayload(succeeded=[strawberry.ID(i) for i in reply.succeeded], user_errors=failed)


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(description="报送: DRAFT/REJECTED/CHANGING -> SUBMITTED, pending at the school's own level.")
    async def submit_records(self, info: Info, teacher_ids: list[strawberry.ID]) -> BatchPayload:
        return await _batch(
            info, info.context.clients.review.SubmitRecords, pb.SubmitRecordsRequest(teacher_ids=teacher_ids)
        )

    @strawberry.mutation(
        description="报送全部已完整的记录: every complete DRAFT/REJECTED/CHANGING record of the list's filter "
        "(an org's subtree, a status, a name or 身份证件号 prefix), up to 500; per-record outcomes as submitRecords."
    )
    async def submit_matching_records(
        self, info: Info, org_code: str, status: RecordStatus | None = None, search: str | None = None
    ) -> BatchPayload:
        record_filter = pb.RecordFilter(org_code=org_code, status=status.value if status else "", search=search or "")
        return await _batch(
            info,
            info.context.clients.review.SubmitRecords,
            pb.SubmitRecordsRequest(filter=record_filter),
            FILTER_BATCH_TIMEOUT,
        )

    @strawberry.mutation(
        description="通过全部待审核记录: every record pending at the caller's org, up to 500; per-record outcomes."
    )
    async def approve_all_pending(self, info: Info, comment: str | None = None) -> BatchPayload:
        return await _batch(
            info,
            info.context.clients.review.ApproveRecords,
            pb.ApproveRecordsRequest(all_pending=True, comment=comment or ""),
            FILTER_BATCH_TIMEOUT,
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
