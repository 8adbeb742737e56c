"""gRPC adapter of the review service."""

from __future__ import annotations

import grpc

from services.review.model import ReviewState
from services.review.workflow import Failed, Workflow
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


def batch_pb(result: tuple[list[str], list[Failed]]) -> pb.BatchReply:
    done, failed = result
    return pb.BatchReply(
        succeeded=done,
        errors=[pb.RecordError(teacher_id=f.field or "", code=str(f.code), message=f.message) for f in failed],
    )


class ReviewServicer(review_pb2_grpc.ReviewServiceServicer):
    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    async def BatchGetReviewStates(
        self,
        request: pb.BatchGetReviewStatesRequest,
        context: grpc.aio.ServicerContext[pb.BatchGetReviewStatesRequest, pb.ReviewStateList],
    ) -> pb.ReviewStateList:
        return pb.ReviewStateList(
            states=[state_pb(s) for s in await self.workflow.states(current_caller(), list(request.teacher_ids))]
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
