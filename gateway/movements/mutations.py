"""Movements' mutations: start, accept, decline, withdraw, approve, reject (the review service authorises again)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from gateway.context import Info
from gateway.errors import attempt, refusal
from gateway.movements.types import Movement, MovementPayload
from gateway.review.mutations import FILTER_BATCH_TIMEOUT, _batch
from gateway.review.types import BatchPayload
from tmis.proto.review.v1 import review_pb2 as pb


async def _one(info: Info, call: Callable[[], Awaitable[pb.Movement]]) -> MovementPayload:
    if errors := refusal(info.context.caller):
        return MovementPayload(movement=None, user_errors=errors)
    found, errors = await attempt(call())
    return MovementPayload(movement=Movement.of(found) if found is not None else None, user_errors=errors)


@strawberry.type
class MovementsMutation:
    @strawberry.mutation(description="调动: the sending school's 信息录入员, towards any school in the country.")
    async def start_transfer(
        self,
        info: Info,
        teacher_id: strawberry.ID,
        to_school_code: str,
        effective_date: str,
        comment: str | None = None,
    ) -> MovementPayload:
        request = pb.StartTransferRequest(
            teacher_id=teacher_id, to_school_code=to_school_code, effective_date=effective_date, comment=comment or ""
        )
        return await _one(info, lambda: info.context.clients.review.StartTransfer(request, token=info.context.token))

    @strawberry.mutation(description="The receiving school's 信息录入员.")
    async def accept_transfer(self, info: Info, movement_id: strawberry.ID) -> MovementPayload:
        request = pb.MovementIdRequest(movement_id=movement_id)
        return await _one(info, lambda: info.context.clients.review.AcceptTransfer(request, token=info.context.token))

    @strawberry.mutation
    async def decline_transfer(self, info: Info, movement_id: strawberry.ID, reason: str) -> MovementPayload:
        request = pb.MovementReasonRequest(movement_id=movement_id, reason=reason)
        return await _one(info, lambda: info.context.clients.review.DeclineTransfer(request, token=info.context.token))

    @strawberry.mutation
    async def start_leave(
        self, info: Info, teacher_id: strawberry.ID, reason_code: str, effective_date: str, comment: str | None = None
    ) -> MovementPayload:
        request = pb.StartLeaveRequest(
            teacher_id=teacher_id, reason_code=reason_code, effective_date=effective_date, comment=comment or ""
        )
        return await _one(info, lambda: info.context.clients.review.StartLeave(request, token=info.context.token))

    @strawberry.mutation(
        description="The receiving school names the person by document; only a LEFT record can return."
    )
    async def start_return(
        self, info: Info, school_code: str, id_type: str, id_number: str, effective_date: str
    ) -> MovementPayload:
        request = pb.StartReturnRequest(
            school_code=school_code, id_type=id_type, id_number=id_number, effective_date=effective_date
        )
        return await _one(info, lambda: info.context.clients.review.StartReturn(request, token=info.context.token))

    @strawberry.mutation(description="A reviewer at the movement's pendingOrg.")
    async def approve_movements(
        self, info: Info, movement_ids: list[strawberry.ID], comment: str | None = None
    ) -> BatchPayload:
        request = pb.MovementBatchRequest(movement_ids=movement_ids, comment=comment or "")
        return await _batch(info, info.context.clients.review.ApproveMovements, request, FILTER_BATCH_TIMEOUT)

    @strawberry.mutation
    async def reject_movements(self, info: Info, movement_ids: list[strawberry.ID], reason: str) -> BatchPayload:
        request = pb.MovementBatchRequest(movement_ids=movement_ids, comment=reason)
        return await _batch(info, info.context.clients.review.RejectMovements, request, FILTER_BATCH_TIMEOUT)

    @strawberry.mutation(description="Only the school that started it, before it is decided.")
    async def withdraw_movement(self, info: Info, movement_id: strawberry.ID) -> MovementPayload:
        request = pb.MovementIdRequest(movement_id=movement_id)
        return await _one(info, lambda: info.context.clients.review.WithdrawMovement(request, token=info.context.token))
