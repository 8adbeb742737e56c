"""gRPC adapter of the review service."""
from __future__ import annotations

import grpc

from services.review.states import States
from tmis.proto.review.v1 import review_pb2 as pb
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import current_caller


class ReviewServicer(review_pb2_grpc.ReviewServiceServicer):
    def __init__(self, states: States) -> None:
        self.states = states

    async def BatchGetReviewStates(self, request: pb.BatchGetReviewStatesRequest, context: grpc.aio.ServicerContext) -> pb.ReviewStateList:
        found = await self.states.get(current_caller(), list(request.teacher_ids))
        return pb.ReviewStateList(
            states=[pb.ReviewState(teacher_id=s.teacher_id, status=s.status, pending_level=s.pending_level, pending_org_code=s.pending_org_code) for s in found]
        )
