"""A page of the review queue costs one call per lookup, however many rows it has: every field of a
row reads through the request's DataLoaders, `changesSinceApproval` and `history` included."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import Iterator

from tests.support.world import Chain
from tmis import log

SUBMIT = "mutation($ids: [ID!]!) { submitRecords(teacherIds: $ids) { succeeded userErrors { code } } }"
# what a reviewer's queue shows, and every other field of a row that reads through a loader
QUEUE = """{ reviewQueue(first: 50) { totalCount edges { node { id basic { name } school { name schoolType }
  review { status kind pendingLevel pendingOrg { code } } changesSinceApproval { path } history(first: 5) { path }
  account { username } pendingMovement { id } movements { id } warnings { code }
  education: entries(set: EDUCATION) { data } } } } }"""


class _CallsOfRequest(logging.Handler):
    """Counts, by method, the RPCs the real servers handle for one gateway request: each server logs
    every RPC it handles once (`tmis.rpc`, the error interceptor), with the request id the gateway sent."""

    def __init__(self, request_id: str) -> None:
        super().__init__(logging.DEBUG)
        self.request_id = request_id
        self.calls: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        rpc = getattr(record, "fields", {}).get("rpc")
        if rpc and log.request_id.get() == self.request_id:
            self.calls[rpc.rsplit("/", 1)[-1]] += 1


@contextlib.contextmanager
def _counting(request_id: str) -> Iterator[Counter[str]]:
    logger = logging.getLogger("tmis.rpc")
    handler, level = _CallsOfRequest(request_id), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.calls
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def _queue_calls(chain: Chain, rows: int) -> Counter[str]:
    request_id = f"queue-{uuid.uuid4().hex}"
    headers = {"authorization": f"Bearer {chain.reviewers['SCHOOL']}", "x-request-id": request_id}
    with _counting(request_id) as calls:
        reply = (await chain.suite.http.post("/graphql", json={"query": QUEUE}, headers=headers)).json()
    assert "errors" not in reply, reply
    assert len(reply["data"]["reviewQueue"]["edges"]) == rows
    return calls


async def _submit(chain: Chain, ids: list[str]) -> None:
    reply = await chain.suite.graphql(SUBMIT, {"ids": ids}, chain.world.clerk)
    assert reply["data"]["submitRecords"] == {"succeeded": ids, "userErrors": []}


async def test_a_review_queue_page_makes_one_call_per_lookup(chain: Chain) -> None:
    teachers = [await chain.complete_teacher(serial) for serial in range(1, 7)]
    await _submit(chain, teachers[:2])
    two = await _queue_calls(chain, 2)
    await _submit(chain, teachers[2:])
    six = await _queue_calls(chain, 6)
    for calls in (two, six):
        calls.pop("ListCodeTables", None)  # public tables, kept by the gateway process for a minute
    assert six == two, (two, six)
    # BatchGetTeachers twice: the records, and what changed in them since their approval
    assert six["BatchGetTeachers"] == 2 and {n for m, n in six.items() if m != "BatchGetTeachers"} == {1}, six
    assert {"ListReviewQueue", "BatchGetTeacherHistory", "BatchGetReviewStates", "BatchGetTeacherMovements"} <= set(six)
