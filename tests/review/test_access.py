"""The review service's own reach checks, called directly (as a peer inside the suite could): a
teacher's account is held at its school but reads only its own record's review state and
movements, as in records and identity."""

from __future__ import annotations

from tests.support.gql import APPROVE, SUBMIT, act
from tests.support.world import Chain
from tmis.proto.review.v1 import review_pb2 as pb


async def test_a_teacher_reads_only_their_own_state_and_movements(chain: Chain) -> None:
    mine, colleague = await chain.complete_teacher(21), await chain.complete_teacher(22)
    assert (await act(chain, SUBMIT, chain.world.clerk, [mine, colleague]))["succeeded"] == [mine, colleague]
    for level in ("SCHOOL", "DISTRICT", "CITY", "PROVINCE"):
        assert (await act(chain, APPROVE, chain.reviewers[level], [colleague]))["succeeded"] == [colleague]
    review, token = chain.suite.clients.review, chain.world.teacher_token(mine)
    leave = await review.StartLeave(
        pb.StartLeaveRequest(teacher_id=colleague, reason_code="02", effective_date="2026-09-01"),
        token=chain.world.clerk,
    )
    both = pb.BatchGetReviewStatesRequest(teacher_ids=[mine, colleague])
    states = await review.BatchGetReviewStates(both, token=token)
    assert [(s.teacher_id, s.status) for s in states.states] == [(mine, "SUBMITTED")]
    careers = await review.BatchGetTeacherMovements(both, token=token)
    assert {c.teacher_id: list(c.movements) for c in careers.teachers} == {mine: [], colleague: []}
    assert (
        list((await review.BatchGetMovements(pb.BatchGetMovementsRequest(ids=[leave.id]), token=token)).movements) == []
    )
    # the school's clerk reads both
    assert [s.teacher_id for s in (await review.BatchGetReviewStates(both, token=chain.world.clerk)).states] == [
        mine,
        colleague,
    ]
    found = await review.BatchGetMovements(pb.BatchGetMovementsRequest(ids=[leave.id]), token=chain.world.clerk)
    assert [m.id for m in found.movements] == [leave.id]
