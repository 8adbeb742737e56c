"""Movements, the caller's queue of them, and the flows of a period (the review service authorises again)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Info
from gateway.errors import require
from gateway.movements.types import FlowBucket, FlowKind, MovementConnection, MovementKind, MovementStatus
from gateway.pagination import decode_cursor, page_size
from tmis.proto.review.v1 import review_pb2 as pb


@strawberry.type
class MovementsQuery:
    @strawberry.field(description="Movements from or to an org's subtree, newest first.")
    async def movements(
        self,
        info: Info,
        org_code: str,
        kind: MovementKind | None = None,
        status: MovementStatus | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> MovementConnection:
        require(info.context.caller)
        request = pb.ListMovementsRequest(
            org_code=org_code,
            kind=kind.value if kind else "",
            status=status.value if status else "",
            first=page_size(first),
            after=decode_cursor(after),
        )
        return MovementConnection.of(await info.context.clients.review.ListMovements(request, token=info.context.token))

    @strawberry.field(description="Movements waiting for the caller: acceptance by its school, or approval at its org.")
    async def movement_queue(self, info: Info, first: int | None = 50, after: str | None = None) -> MovementConnection:
        require(info.context.caller)
        request = pb.ListReviewQueueRequest(first=page_size(first), after=decode_cursor(after))
        reply = await info.context.clients.review.ListMovementQueue(request, token=info.context.token)
        return MovementConnection.of(reply)

    @strawberry.field(description="人员变动 of an org's subtree between two dates (YYYY-MM-DD, inclusive).")
    async def flows(
        self, info: Info, org_code: str, from_: Annotated[str, strawberry.argument(name="from")], to: str
    ) -> list[FlowBucket]:
        require(info.context.caller, "QUERY")
        request = pb.GetFlowsRequest(org_code=org_code, to=to, **{"from": from_})
        reply = await info.context.clients.review.GetFlows(request, token=info.context.token)
        return [FlowBucket(kind=FlowKind(b.kind), count=b.count, reason_code=b.reason_code) for b in reply.buckets]
