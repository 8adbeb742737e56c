"""Movements through the gateway with the real services: 调动 between two districts (accept, both
approvals, the record, history, account and personal code moving), 减员 and 重新入职, the queues,
scope, flows, every refusal, and the races (exactly one winner)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

from pymongo import AsyncMongoClient

from services.review.server import create_server
from tests.support.gql import ACCEPT, APPROVE_M, FIELDS, SAVE_NAME, TRANSFER, gql
from tests.support.polling import eventually
from tests.support.review import SINCE, TODAY, UNTIL, approved, review_with
from tests.support.world import Chain
from tmis.auth import Caller
from tmis.hookspecs import Finding, hookimpl
from tmis.proto.identity.v1 import identity_pb2 as id_pb
from tmis.proto.review.v1 import review_pb2 as pb
from tmis.proto.review.v1 import review_pb2_grpc
from tmis.rpc import ServiceClient
from tmis.run.procs import free_port

DECLINE = f'mutation($m: ID!) {{ declineTransfer(movementId: $m, reason: "编制已满") {{ {FIELDS} }} }}'
WITHDRAW = f"mutation($m: ID!) {{ withdrawMovement(movementId: $m) {{ {FIELDS} }} }}"
LEAVE = f"""mutation($t: ID!, $r: String!, $d: String!) {{ startLeave(teacherId: $t, reasonCode: $r, effectiveDate: $d)
  {{ {FIELDS} }} }}"""
RETURN = f"""mutation($s: String!, $n: String!, $d: String!) {{ startReturn(schoolCode: $s, idType: "1", idNumber: $n,
  effectiveDate: $d) {{ {FIELDS} }} }}"""
REJECT_M = """mutation($ids: [ID!]!) { rejectMovements(movementIds: $ids, reason: "材料不全") { succeeded
  userErrors { code message field } } }"""
QUEUE = "{ movementQueue { totalCount edges { node { id kind status teacherName teacher { id } } } } }"


async def teacher(chain: Chain, teacher_id: str, token: str) -> dict | None:
    query = """query($id: ID!) { teacher(id: $id) { id personalCode school { code } review { status }
      pendingMovement { id status } movements { id kind status } history(first: 100) { path oldValue newValue } } }"""
    result = await chain.suite.graphql(query, {"id": teacher_id}, token)
    assert "errors" not in result or result["data"] is None or result["data"]["teacher"] is None, result
    return (result.get("data") or {}).get("teacher")


async def test_a_transfer_between_districts_moves_record_account_and_history(chain: Chain) -> None:
    world, suite = chain.world, chain.suite
    t = await approved(chain, 1)
    code = (await teacher(chain, t, world.clerk))["personalCode"]
    accounts = id_pb.GenerateTeacherAccountsRequest(school_code=world.school)
    assert (await suite.clients.identity.GenerateTeacherAccounts(accounts, token=suite.system_token)).created == 1

    started_ms = int(time.time() * 1000) - 1000
    started = await gql(chain, TRANSFER, world.clerk, t=t, to=world.other, d=TODAY)
    assert started["userErrors"] == []
    m = started["movement"]
    assert (m["kind"], m["status"], m["fromSchool"]["code"], m["toSchool"]["code"]) == (
        "TRANSFER",
        "AWAITING_RECEIVER",
        world.school,
        world.other,
    )
    assert m["toSchool"]["name"] == "实验中学" and m["pendingOrg"]["code"] == world.other
    # the record is held: a second movement is refused
    again = await gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY)
    assert again["userErrors"][0]["code"] == "WRONG_STATE"
    # the receiving school sees it in its queue, by name only
    queue = await gql(chain, QUEUE, chain.other_clerk)
    assert queue["totalCount"] == 1
    node = queue["edges"][0]["node"]
    assert node["teacherName"] == m["teacherName"] and node["teacher"] is None
    # only the receiving school accepts
    assert (await gql(chain, ACCEPT, world.clerk, m=m["id"]))["userErrors"][0]["code"] == "FORBIDDEN"
    accepted = await gql(chain, ACCEPT, chain.other_clerk, m=m["id"])
    assert (
        accepted["movement"]["status"] == "SUBMITTED" and accepted["movement"]["pendingOrg"]["code"] == world.district
    )
    # the sending district first, then the receiving one; each refuses the other's turn
    wrong = await gql(chain, APPROVE_M, chain.other_district_reviewer, ids=[m["id"]])
    assert wrong["succeeded"] == [] and wrong["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await gql(chain, QUEUE, chain.reviewers["DISTRICT"]))["totalCount"] == 1
    assert (await gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[m["id"]]))["succeeded"] == [m["id"]]
    # no withdrawing once a district has approved
    assert (await gql(chain, WITHDRAW, world.clerk, m=m["id"]))["userErrors"][0]["code"] == "WRONG_STATE"
    assert (await gql(chain, APPROVE_M, chain.other_district_reviewer, ids=[m["id"]]))["succeeded"] == [m["id"]]

    # the record, its history and code are at the new school; the old school no longer reads it
    moved = await teacher(chain, t, chain.other_clerk)
    assert moved is not None and moved["school"]["code"] == world.other and moved["personalCode"] == code
    assert moved["review"]["status"] == "APPROVED" and moved["pendingMovement"] is None
    assert [x["kind"] for x in moved["movements"]] == ["TRANSFER"]
    assert {"path": "school", "oldValue": f'"{world.school}"', "newValue": f'"{world.other}"'} in moved["history"]
    assert await teacher(chain, t, world.clerk) is None
    # the account moved with the same username; tokens issued before are void
    found = await suite.clients.identity.BatchGetAccountsByTeacher(
        id_pb.BatchGetAccountsByTeacherRequest(teacher_ids=[t]), token=suite.system_token
    )
    account = found.accounts[0]
    assert account.org_code == world.other and account.enabled
    feed = await suite.clients.identity.ListRevocations(
        id_pb.ListRevocationsRequest(since_ms=0), token=suite.system_token
    )
    # every token issued before the move is void (the feed every process applies, tests/test_gateway_revocations.py)
    assert feed.accounts[account.id] > started_ms

    # both schools see it in `movements`; a district sees the transfer that left it, not the record
    listing = """query($o: String!) { movements(orgCode: $o) { totalCount edges { node { id status teacherName
      teacher { id } } } } }"""
    for token, org in ((world.clerk, world.school), (chain.other_clerk, world.other), (world.reader, world.district)):
        page = await gql(chain, listing, token, o=org)
        assert [e["node"]["id"] for e in page["edges"]] == [m["id"]]
        assert page["edges"][0]["node"]["status"] == "APPROVED"
    assert (await gql(chain, listing, world.reader, o=world.district))["edges"][0]["node"]["teacher"] is None
    refused = await suite.graphql(listing, {"o": world.other}, world.clerk)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # flows: out of the sending district, into the receiving one, inside the city
    flows = """query($o: String!, $f: String!, $t: String!) { flows(orgCode: $o, from: $f, to: $t) { kind count
      reason { code } } }"""
    out = await gql(chain, flows, world.reader, o=world.district, f=SINCE, t=UNTIL)
    assert {(b["kind"], b["count"]) for b in out} == {("NEW", 1), ("TRANSFER_OUT", 1)}
    city = await gql(chain, flows, chain.city_reader, o=world.orgs.city, f=SINCE, t=UNTIL)
    assert {(b["kind"], b["count"]) for b in city} == {("NEW", 1)}
    reader_there = suite.signer.sign(
        Caller(
            "q2",
            "q2",
            world.orgs.other_district,
            ("100000", world.orgs.province, world.orgs.city, world.orgs.other_district),
            ("QUERY",),
        )
    )
    assert await gql(chain, flows, reader_there, o=world.orgs.other_district, f=SINCE, t=UNTIL) == [
        {"kind": "TRANSFER_IN", "count": 1, "reason": None}
    ]


async def test_leave_then_return_keeps_the_record_and_code(chain: Chain) -> None:
    world, suite = chain.world, chain.suite
    t = await approved(chain, 2)
    before = await teacher(chain, t, world.clerk)
    assert (await gql(chain, LEAVE, world.clerk, t=t, r="99x", d=TODAY))["userErrors"][0]["field"] == "reasonCode"
    assert (await gql(chain, LEAVE, world.clerk, t=t, r="01", d="2026-13-01"))["userErrors"][0]["field"] == (
        "effectiveDate"
    )
    m = (await gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY))["movement"]
    assert m["status"] == "SUBMITTED" and m["pendingOrg"]["code"] == world.district and m["reason"]["name"] == "退休"
    assert (await gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[m["id"]]))["succeeded"] == [m["id"]]
    left = await teacher(chain, t, world.clerk)
    assert left["review"]["status"] == "LEFT"

    # out of teachers() unless asked for by status; out of progress
    listing = 'query($s: RecordStatus) { teachers(orgCode: "' + world.school + '", status: $s) { totalCount } }'
    assert (await gql(chain, listing, world.clerk))["totalCount"] == 0
    assert (await gql(chain, listing, world.clerk, s="LEFT"))["totalCount"] == 1
    progress = await gql(chain, f'{{ progress(orgCode: "{world.district}") {{ total approved }} }}', world.reader)
    assert sum(r["total"] for r in progress) == 0
    # read-only
    version = (await gql(chain, "query($id: ID!) { teacher(id: $id) { version } }", world.clerk, id=t))["version"]
    saved = await gql(chain, SAVE_NAME, world.clerk, t=t, v=version, b={**world.basic_input(2), "name": "改名"})
    assert saved["userErrors"][0]["code"] == "NOT_EDITABLE"
    # a new record for that person is refused, pointing to startReturn
    create = """mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) {
      userErrors { code message field } } }"""
    refused = (await gql(chain, create, chain.other_clerk, s=world.other, b=world.basic_input(2)))["userErrors"]
    assert refused[0]["code"] == "DUPLICATE_PERSON" and "startReturn" in refused[0]["message"]
    basic = world.basic_input(2)

    # 重新入职 at another school: only a LEFT person, named by document
    await approved(chain, 3)
    other_number = world.basic_input(3)["idNumber"]
    refused = await gql(chain, RETURN, chain.other_clerk, s=world.other, n=other_number, d=TODAY)
    assert refused["userErrors"][0]["code"] == "WRONG_STATE"
    assert (await gql(chain, RETURN, world.clerk, s=world.other, n=basic["idNumber"], d=TODAY))["userErrors"][0][
        "code"
    ] == "FORBIDDEN"
    back = (await gql(chain, RETURN, chain.other_clerk, s=world.other, n=basic["idNumber"], d=TODAY))["movement"]
    assert (
        back["kind"] == "RETURN"
        and back["pendingOrg"]["code"] == world.orgs.other_district
        and back["fromSchool"] is None
    )
    assert (await gql(chain, APPROVE_M, chain.other_district_reviewer, ids=[back["id"]]))["succeeded"] == [back["id"]]
    returned = await teacher(chain, t, chain.other_clerk)
    assert returned["review"]["status"] == "APPROVED" and returned["school"]["code"] == world.other
    assert returned["personalCode"] == before["personalCode"]
    assert [x["kind"] for x in returned["movements"]] == ["RETURN", "LEAVE"]
    flows = """query($o: String!, $f: String!, $t: String!) { flows(orgCode: $o, from: $f, to: $t) { kind count
      reason { code name } } }"""
    city = await gql(chain, flows, chain.city_reader, o=world.orgs.city, f=SINCE, t=UNTIL)
    assert {(b["kind"], b["count"], (b["reason"] or {}).get("name")) for b in city} == {
        ("NEW", 2, None),
        ("LEFT", 1, "退休"),
        ("RETURNED", 1, None),
    }
    assert suite is chain.suite


async def test_refusals(chain: Chain) -> None:
    world = chain.world
    t = await approved(chain, 4)
    draft = await chain.complete_teacher(5)
    # into one's own school; a record not approved; a school that does not exist; a bad date
    assert (await gql(chain, TRANSFER, world.clerk, t=t, to=world.school, d=TODAY))["userErrors"][0]["field"] == (
        "toSchoolCode"
    )
    assert (await gql(chain, TRANSFER, world.clerk, t=draft, to=world.other, d=TODAY))["userErrors"][0]["code"] == (
        "WRONG_STATE"
    )
    assert (await gql(chain, TRANSFER, world.clerk, t=t, to="999", d=TODAY))["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await gql(chain, TRANSFER, world.clerk, t=t, to=world.other, d="明天"))["userErrors"][0]["code"] == (
        "INVALID_INPUT"
    )
    # the wrong role, the wrong org
    assert (await gql(chain, TRANSFER, chain.reviewers["SCHOOL"], t=t, to=world.other, d=TODAY))["userErrors"][0][
        "code"
    ] == "FORBIDDEN"
    assert (await gql(chain, TRANSFER, chain.other_clerk, t=t, to=world.other, d=TODAY))["userErrors"][0]["code"] == (
        "NOT_FOUND"
    )
    m = (await gql(chain, TRANSFER, world.clerk, t=t, to=world.other, d=TODAY))["movement"]
    # reviewers cannot act before the receiving school accepts; the receiving school cannot withdraw
    assert (await gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[m["id"]]))["userErrors"][0]["code"] == (
        "WRONG_STATE"
    )
    assert (await gql(chain, WITHDRAW, chain.other_clerk, m=m["id"]))["userErrors"][0]["code"] == "FORBIDDEN"
    # declining needs a reason; declined, the record is free again
    empty = await gql(
        chain,
        f'mutation($m: ID!) {{ declineTransfer(movementId: $m, reason: " ") {{ {FIELDS} }} }}',
        chain.other_clerk,
        m=m["id"],
    )
    assert empty["userErrors"][0]["field"] == "reason"
    declined = await gql(chain, DECLINE, chain.other_clerk, m=m["id"])
    assert declined["movement"]["status"] == "DECLINED"
    assert declined["movement"]["history"][-1]["comment"] == "编制已满"
    assert (await teacher(chain, t, world.clerk))["pendingMovement"] is None
    # rejected by the district: the record is unchanged and free
    leave = (await gql(chain, LEAVE, world.clerk, t=t, r="02", d=TODAY))["movement"]
    stranger = await gql(chain, REJECT_M, chain.other_district_reviewer, ids=[leave["id"]])
    assert stranger["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await gql(chain, REJECT_M, chain.reviewers["DISTRICT"], ids=[leave["id"]]))["succeeded"] == [leave["id"]]
    after = await teacher(chain, t, world.clerk)
    assert after["review"]["status"] == "APPROVED" and after["pendingMovement"] is None
    assert [x["status"] for x in after["movements"]] == ["REJECTED", "DECLINED"]
    # a teacher sees the movements of their own record and starts none
    mine = await teacher(chain, t, world.teacher_token(t))
    assert len(mine["movements"]) == 2
    by_teacher = await gql(chain, LEAVE, world.teacher_token(t), t=t, r="02", d=TODAY)
    assert by_teacher["userErrors"][0]["code"] == "FORBIDDEN"


async def test_races_have_exactly_one_winner(chain: Chain) -> None:
    world = chain.world
    t = await approved(chain, 6)
    # accept and decline of one transfer at once
    m = (await gql(chain, TRANSFER, world.clerk, t=t, to=world.other, d=TODAY))["movement"]
    results = await asyncio.gather(
        gql(chain, ACCEPT, chain.other_clerk, m=m["id"]), gql(chain, DECLINE, chain.other_clerk, m=m["id"])
    )
    winners = [r["movement"]["status"] for r in results if not r["userErrors"]]
    assert len(winners) == 1, results
    if winners == ["SUBMITTED"]:  # then approve, reject and withdraw at once: each ends the others' turn
        results = await asyncio.gather(
            gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[m["id"]]),
            gql(chain, REJECT_M, chain.reviewers["DISTRICT"], ids=[m["id"]]),
            gql(chain, WITHDRAW, world.clerk, m=m["id"]),
        )
        won = [r for r in results[:2] if r["succeeded"]] + [r for r in results[2:] if not r["userErrors"]]
        assert len(won) == 1, results
        if results[0]["succeeded"]:
            assert (await gql(chain, REJECT_M, chain.other_district_reviewer, ids=[m["id"]]))["succeeded"]
    assert (await teacher(chain, t, world.clerk))["pendingMovement"] is None
    # approve, reject and withdraw of one leave at once; and two movements started at once
    leave = (await gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY))["movement"]
    results = await asyncio.gather(
        gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[leave["id"]]),
        gql(chain, REJECT_M, chain.reviewers["DISTRICT"], ids=[leave["id"]]),
        gql(chain, WITHDRAW, world.clerk, m=leave["id"]),
    )
    won = [r for r in results[:2] if r["succeeded"]] + [r for r in results[2:] if not r["userErrors"]]
    assert len(won) == 1, results
    status = (await teacher(chain, t, world.clerk))["review"]["status"]
    assert status == ("LEFT" if results[0]["succeeded"] else "APPROVED")
    if status == "APPROVED":
        started = await asyncio.gather(
            gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY),
            gql(chain, TRANSFER, world.clerk, t=t, to=world.other, d=TODAY),
        )
        assert sum(1 for r in started if not r["userErrors"]) == 1, started


class NoEarlyRetirement:
    """A province's movement check: 退休 (01) needs a comment from the district; it sees each approval."""

    __name__ = "no_early_retirement"
    seen: list[tuple[str, str, str, bool]] = []

    @hookimpl
    def tmis_review_movement(self, movement, reviewer):  # noqa: ANN001, ANN201
        self.seen.append((movement.kind, movement.reason_code, reviewer.org_code, movement.final))
        if movement.kind == "LEAVE" and movement.reason_code == "01":
            return [Finding("EARLY", "本省退休须附退休审批表", "reasonCode", blocking=True)]
        return [Finding("NOTE", "请核对", "")]


async def test_the_movement_hook_sees_each_approval_and_may_block(chain: Chain) -> None:
    plugin = NoEarlyRetirement()
    review, server = await review_with(chain, plugin)
    try:
        t = await approved(chain, 7)
        leave = (await gql(chain, LEAVE, chain.world.clerk, t=t, r="01", d=TODAY))["movement"]
        request = pb.MovementBatchRequest(movement_ids=[leave["id"]])
        blocked = await review.ApproveMovements(request, token=chain.reviewers["DISTRICT"])
        assert [(e.code, e.message) for e in blocked.errors] == [("REVIEW_BLOCKED", "本省退休须附退休审批表")]
        assert (await teacher(chain, t, chain.world.clerk))["review"]["status"] == "APPROVED"
        await review.WithdrawMovement(pb.MovementIdRequest(movement_id=leave["id"]), token=chain.world.clerk)
        other = (await gql(chain, LEAVE, chain.world.clerk, t=t, r="02", d=TODAY))["movement"]
        done = await review.ApproveMovements(
            pb.MovementBatchRequest(movement_ids=[other["id"]]), token=chain.reviewers["DISTRICT"]
        )
        assert list(done.succeeded) == [other["id"]]
        assert plugin.seen == [("LEAVE", "01", chain.world.district, True), ("LEAVE", "02", chain.world.district, True)]
    finally:
        await review.close()
        await server.stop(0)  # type: ignore[attr-defined]


async def test_the_reconciler_finishes_a_movement_records_did_not_hear_of(chain: Chain) -> None:
    """The final approval lands on a review instance that cannot reach records (or identity): the
    movement is stored as approved but not applied; the suite's own reconciler finishes it."""
    t = await approved(chain, 8)
    accounts = id_pb.GenerateTeacherAccountsRequest(school_code=chain.world.school)
    await chain.suite.clients.identity.GenerateTeacherAccounts(accounts, token=chain.suite.system_token)
    leave = (await gql(chain, LEAVE, chain.world.clerk, t=t, r="02", d=TODAY))["movement"]
    settings = replace(
        chain.suite.settings,
        ports={"review": free_port()},
        addrs={**chain.suite.settings.addrs, "records": f"127.0.0.1:{free_port()}"},
    )
    server = await create_server(settings)
    review = ServiceClient("review", f"127.0.0.1:{server.port}", review_pb2_grpc.ReviewServiceStub)
    try:
        done = await review.ApproveMovements(
            pb.MovementBatchRequest(movement_ids=[leave["id"]]), token=chain.reviewers["DISTRICT"]
        )
        assert list(done.succeeded) == [leave["id"]]
    finally:
        await review.close()
        await server.stop(0)
    left = '{ teachers(orgCode: "' + chain.world.school + '", status: LEFT) { totalCount } }'

    async def accounts() -> list[id_pb.Account]:
        request = id_pb.BatchGetAccountsByTeacherRequest(teacher_ids=[t])
        return list(
            (
                await chain.suite.clients.identity.BatchGetAccountsByTeacher(request, token=chain.suite.system_token)
            ).accounts
        )

    async def finished() -> bool:  # records and identity hear of it from the reconciler, one after the other
        listed = (await gql(chain, left, chain.world.clerk))["totalCount"] == 1
        return listed and not any(a.enabled for a in await accounts())

    await eventually(finished, "the reconciler to finish the leave in records and identity")
    after = await teacher(chain, t, chain.world.clerk)
    assert after["review"]["status"] == "LEFT" and after["pendingMovement"] is None
    assert (await gql(chain, left, chain.world.clerk))["totalCount"] == 1
    found = await accounts()
    assert len(found) == 1 and not found[0].enabled  # the account disabled too


async def test_a_movement_that_never_claimed_its_record_cannot_be_approved(chain: Chain) -> None:
    """A crash between storing a movement and claiming the record leaves it open but powerless: its
    final approval is refused (nothing moves, the account stays), and the school withdraws it."""
    world = chain.world
    t = await approved(chain, 5)
    m = (await gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY))["movement"]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(chain.suite.settings.mongodb_uri)
    try:  # the claim as it was before the crash
        states = client[chain.suite.settings.databases["review"]]["states"]
        assert (await states.update_one({"_id": t}, {"$set": {"movement": ""}})).modified_count == 1
    finally:
        await client.close()
    refused = await gql(chain, APPROVE_M, chain.reviewers["DISTRICT"], ids=[m["id"]])
    assert refused["succeeded"] == [] and refused["userErrors"][0]["code"] == "WRONG_STATE"
    assert (await teacher(chain, t, world.clerk))["review"]["status"] == "APPROVED"
    assert (await gql(chain, WITHDRAW, world.clerk, m=m["id"]))["movement"]["status"] == "WITHDRAWN"
    again = (await gql(chain, LEAVE, world.clerk, t=t, r="01", d=TODAY))["movement"]
    assert again["status"] == "SUBMITTED"


async def test_start_return_tells_no_one_who_exists(chain: Chain) -> None:
    """重新入职 reveals that a document belongs to a LEFT person, nothing else: a teacher active at
    another school and a document registered nowhere get the same answer (code, message, field),
    so a clerk can neither find where an active teacher works nor enumerate who exists."""
    active = await approved(chain, 9)
    number = chain.world.basic_input(9)["idNumber"]
    elsewhere = await gql(chain, RETURN, chain.other_clerk, s=chain.world.other, n=number, d=TODAY)
    unknown = await gql(
        chain, RETURN, chain.other_clerk, s=chain.world.other, n=chain.world.basic_input(99)["idNumber"], d=TODAY
    )
    assert elsewhere["movement"] is None and elsewhere["userErrors"] == unknown["userErrors"]
    assert [(e["code"], e["field"]) for e in unknown["userErrors"]] == [("WRONG_STATE", "idNumber")]
    # the clerk of the school that holds the record may read it anyway, and is told it is active
    here = await gql(chain, RETURN, chain.world.clerk, s=chain.world.school, n=number, d=TODAY)
    assert here["userErrors"][0]["code"] == "WRONG_STATE" and here["userErrors"] != unknown["userErrors"]
    assert (await teacher(chain, active, chain.world.clerk))["pendingMovement"] is None
