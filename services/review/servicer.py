"""gRPC adapter of the review service."""

from __future__ import annotations

import grpc

from services.review._common import Failed
from services.review.model import Movement, ReviewState
from services.review.movements import Movements
from services.review.workflow import Workflow
from tmis.proto.review.v1 import review_pb2 as pb
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import current_caller


def state_pb(s: ReviewState) -> pb.ReviewState:
    level, org = s.pending
    return pb.ReviewState(
        teacher_id=s.teacher_id,
        status=s.status,
        pending_level=level,
        pending_org_code=org,
        history=[
            pb.ReviewEvent(
                at=e.at.isoformat(),
                actor=e.actor,
                level=e.level,
                org_code=e.org_code,
                action=e.action,
                comment=e.comment,
            )
            for e in s.events
        ],
        findings=[pb.Finding(code=f.code, message=f.message, field=f.field, blocking=f.blocking) for f in s.findings],
        identity_check=s.identity_check,
        kind=s.kind,
    )


def movement_pb(m: Movement) -> pb.Movement:
    level, org = m.pending
    return pb.Movement(
        id=m.id,
        kind=m.kind,
        status=m.status,
        teacher_id=m.teacher_id,
        teacher_name=m.teacher_name,
        from_school=m.from_school,
        to_school=m.to_school,
        reason_code=m.reason_code,
        effective_date=m.effective_date,
        comment=m.comment,
        pending_level=level,
        pending_org_code=org,
        history=[
            pb.MovementEvent(
                at=e.at.isoformat(), actor=e.actor, org_code=e.org_code, action=e.action, comment=e.comment
            )
            for e in m.events
        ],
        created_at=m.created_at.isoformat(),
        from_school_name=m.from_name,
        to_school_name=m.to_name,
    )


def page_pb(result: tuple[list[Movement], bool, int, str]) -> pb.MovementPage:
    found, more, total, end = result
    return pb.MovementPage(
        movements=[movement_pb(m) for m in found], has_next_page=more, total_count=total, end_cursor=end
    )


def batch_pb(result: tuple[list[str], list[Failed]]) -> pb.BatchReply:
    done, failed = result
    return pb.BatchReply(
        succeeded=done,
        errors=[pb.RecordError(teacher_id=f.field or "", code=str(f.code), message=f.message) for f in failed],
    )


class ReviewServicer(review_pb2_grpc.ReviewServiceServicer):
    def __init__(self, workflow: Workflow, movements: Movements) -> None:
        self.workflow = workflow
        self.movements = movements

    async def BatchGetReviewStates(
        self,
        request: pb.BatchGetReviewStatesRequest,
        context: grpc.aio.ServicerContext[pb.BatchGetReviewStatesRequest, pb.ReviewStateList],
    ) -> pb.ReviewStateList:
        return pb.ReviewStateList(
            states=[
                state_pb(s) for s in await self.workflow.visible_states(current_caller(), list(request.teacher_ids))
            ]
        )

    async def SubmitRecords(
        self,
        request: pb.SubmitRecordsRequest,
        context: grpc.aio.ServicerContext[pb.SubmitRecordsRequest, pb.BatchReply],
    ) -> pb.BatchReply:
        caller = current_caller()
        if request.HasField("filter") and not request.teacher_ids:
            f = request.filter
            return batch_pb(await self.workflow.submit_matching(caller, f.org_code, f.status, f.search))
        return batch_pb(await self.workflow.submit(caller, list(request.teacher_ids)))

    async def ApproveRecords(
        self,
        request: pb.ApproveRecordsRequest,
        context: grpc.aio.ServicerContext[pb.ApproveRecordsRequest, pb.BatchReply],
    ) -> pb.BatchReply:
        caller = current_caller()
        ids = list(request.teacher_ids)
        if request.all_pending and not ids:
            ids = await self.workflow.pending_ids(caller)
            if not ids:
                return pb.BatchReply()
        return batch_pb(await self.workflow.approve(caller, ids, request.comment))

    async def RejectRecords(
        self,
        request: pb.RejectRecordsRequest,
        context: grpc.aio.ServicerContext[pb.RejectRecordsRequest, pb.BatchReply],
    ) -> pb.BatchReply:
        return batch_pb(await self.workflow.reject(current_caller(), list(request.teacher_ids), request.reason))

    async def ListReviewQueue(
        self,
        request: pb.ListReviewQueueRequest,
        context: grpc.aio.ServicerContext[pb.ListReviewQueueRequest, pb.ReviewQueuePage],
    ) -> pb.ReviewQueuePage:
        ids, more, total, end = await self.workflow.queue(current_caller(), request.first, request.after)
        return pb.ReviewQueuePage(teacher_ids=ids, has_next_page=more, total_count=total, end_cursor=end)

    async def StartChange(
        self,
        request: pb.StartChangeRequest,
        context: grpc.aio.ServicerContext[pb.StartChangeRequest, pb.ReviewState],
    ) -> pb.ReviewState:
        return state_pb(await self.workflow.start_change(current_caller(), request.teacher_id, request.reason))

    async def WithdrawChange(
        self,
        request: pb.WithdrawChangeRequest,
        context: grpc.aio.ServicerContext[pb.WithdrawChangeRequest, pb.ReviewState],
    ) -> pb.ReviewState:
        return state_pb(await self.workflow.withdraw_change(current_caller(), request.teacher_id))

    # movements

    async def StartTransfer(
        self, request: pb.StartTransferRequest, context: grpc.aio.ServicerContext[pb.StartTransferRequest, pb.Movement]
    ) -> pb.Movement:
        r = request
        return movement_pb(
            await self.movements.start_transfer(
                current_caller(), r.teacher_id, r.to_school_code, r.effective_date, r.comment
            )
        )

    async def AcceptTransfer(
        self, request: pb.MovementIdRequest, context: grpc.aio.ServicerContext[pb.MovementIdRequest, pb.Movement]
    ) -> pb.Movement:
        return movement_pb(await self.movements.accept(current_caller(), request.movement_id))

    async def DeclineTransfer(
        self,
        request: pb.MovementReasonRequest,
        context: grpc.aio.ServicerContext[pb.MovementReasonRequest, pb.Movement],
    ) -> pb.Movement:
        return movement_pb(await self.movements.decline(current_caller(), request.movement_id, request.reason))

    async def StartLeave(
        self, request: pb.StartLeaveRequest, context: grpc.aio.ServicerContext[pb.StartLeaveRequest, pb.Movement]
    ) -> pb.Movement:
        r = request
        return movement_pb(
            await self.movements.start_leave(current_caller(), r.teacher_id, r.reason_code, r.effective_date, r.comment)
        )

    async def StartReturn(
        self, request: pb.StartReturnRequest, context: grpc.aio.ServicerContext[pb.StartReturnRequest, pb.Movement]
    ) -> pb.Movement:
        r = request
        return movement_pb(
            await self.movements.start_return(current_caller(), r.school_code, r.id_type, r.id_number, r.effective_date)
        )

    async def WithdrawMovement(
        self, request: pb.MovementIdRequest, context: grpc.aio.ServicerContext[pb.MovementIdRequest, pb.Movement]
    ) -> pb.Movement:
        return movement_pb(await self.movements.withdraw(current_caller(), request.movement_id))

    async def ApproveMovements(
        self,
        request: pb.MovementBatchRequest,
        context: grpc.aio.ServicerContext[pb.MovementBatchRequest, pb.BatchReply],
    ) -> pb.BatchReply:
        return batch_pb(await self.movements.approve(current_caller(), list(request.movement_ids), request.comment))

    async def RejectMovements(
        self,
        request: pb.MovementBatchRequest,
        context: grpc.aio.ServicerContext[pb.MovementBatchRequest, pb.BatchReply],
    ) -> pb.BatchReply:
        return batch_pb(await self.movements.reject(current_caller(), list(request.movement_ids), request.comment))

    async def BatchGetMovements(
        self,
        request: pb.BatchGetMovementsRequest,
        context: grpc.aio.ServicerContext[pb.BatchGetMovementsRequest, pb.MovementList],
    ) -> pb.MovementList:
        found = await self.movements.get(current_caller(), list(request.ids))
        return pb.MovementList(movements=[movement_pb(m) for m in found])

    async def BatchGetTeacherMovements(
        self,
        request: pb.BatchGetReviewStatesRequest,
        context: grpc.aio.ServicerContext[pb.BatchGetReviewStatesRequest, pb.TeacherMovementsList],
    ) -> pb.TeacherMovementsList:
        found = await self.movements.of_teachers(current_caller(), list(request.teacher_ids))
        return pb.TeacherMovementsList(
            teachers=[
                pb.TeacherMovements(teacher_id=t, movements=[movement_pb(m) for m in ms]) for t, ms in found.items()
            ]
        )

    async def ListMovements(
        self,
        request: pb.ListMovementsRequest,
        context: grpc.aio.ServicerContext[pb.ListMovementsRequest, pb.MovementPage],
    ) -> pb.MovementPage:
        r = request
        return page_pb(await self.movements.listed(current_caller(), r.org_code, r.kind, r.status, r.first, r.after))

    async def ListMovementQueue(
        self,
        request: pb.ListReviewQueueRequest,
        context: grpc.aio.ServicerContext[pb.ListReviewQueueRequest, pb.MovementPage],
    ) -> pb.MovementPage:
        return page_pb(await self.movements.queue(current_caller(), request.first, request.after))

    async def GetFlows(
        self, request: pb.GetFlowsRequest, context: grpc.aio.ServicerContext[pb.GetFlowsRequest, pb.FlowsReply]
    ) -> pb.FlowsReply:
        found = await self.movements.flows(current_caller(), request.org_code, getattr(request, "from"), request.to)
        return pb.FlowsReply(buckets=[pb.FlowBucket(kind=k, reason_code=r, count=n) for k, r, n in found])
