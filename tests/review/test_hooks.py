"""A hook per level: a province check that blocks at the district, one that warns; the
after-approval hooks; identity verification through its hook; crash recovery."""

from __future__ import annotations

import pytest
from pymongo import AsyncMongoClient

from tests.support.polling import eventually
from tests.support.review import review_with
from tests.support.world import Chain
from tmis.errors import DomainError
from tmis.hookspecs import Finding, IdentityCheck, hookimpl
from tmis.proto.records.v1 import records_pb2 as rec_pb
from tmis.proto.review.v1 import review_pb2 as pb
from tmis.rpc.codec import decode, encode


class DistrictCheck:
    """Blocks district approval of records without a mobile number of 11 digits; warns at the school."""

    __name__ = "district_check"
    approvals: list[tuple[str, str, bool]] = []
    finals: list[str] = []

    @hookimpl
    def tmis_review_district(self, record, reviewer):  # noqa: ANN001, ANN201
        mobile = (record.entries.get("CONTACT") or [{}])[0].get("mobile", "")
        return (
            [Finding("LOCAL_MOBILE", "本省要求手机号以139开头", "entry.contact.mobile", blocking=True)]
            if not mobile.startswith("139")
            else []
        )

    @hookimpl
    def tmis_review_school(self, record, reviewer):  # noqa: ANN001, ANN201
        return [Finding("LOCAL_NOTE", "请核对籍贯", "basic.nativePlace")]

    @hookimpl
    def tmis_after_approval(self, record, reviewer, final):  # noqa: ANN001, ANN201
        self.approvals.append((record.teacher_id, reviewer.level, final))

    @hookimpl
    def tmis_after_final_approval(self, record):  # noqa: ANN001, ANN201
        self.finals.append(record.personal_code)

    @hookimpl
    def tmis_verify_identity(self, record):  # noqa: ANN001, ANN201
        return IdentityCheck(True, "test-population-db", "认证通过")


async def test_a_district_check_blocks_and_a_school_check_warns(chain: Chain) -> None:
    plugin = DistrictCheck()
    review, server = await review_with(
        chain, plugin, TMIS_REVIEW_LEVELS="SCHOOL,DISTRICT"
    )  # a chain that ends at the district
    try:
        teacher = await chain.complete_teacher(11)
        assert list(
            (
                await review.SubmitRecords(pb.SubmitRecordsRequest(teacher_ids=[teacher]), token=chain.world.clerk)
            ).succeeded
        ) == [teacher]
        school = await review.ApproveRecords(
            pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["SCHOOL"]
        )
        assert list(school.succeeded) == [teacher]
        state = (
            await review.BatchGetReviewStates(
                pb.BatchGetReviewStatesRequest(teacher_ids=[teacher]), token=chain.reviewers["DISTRICT"]
            )
        ).states[0]
        assert [(f.code, f.blocking) for f in state.findings] == [
            ("LOCAL_NOTE", False)
        ]  # the school's warning, shown to the district
        blocked = await review.ApproveRecords(
            pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["DISTRICT"]
        )
        assert [(e.teacher_id, e.code, e.message) for e in blocked.errors] == [
            (teacher, "REVIEW_BLOCKED", "本省要求手机号以139开头")
        ]
        # the school's clerk fixes it after a rejection, and the district approves: the end of this chain
        await review.RejectRecords(
            pb.RejectRecordsRequest(teacher_ids=[teacher], reason="手机号"), token=chain.reviewers["DISTRICT"]
        )
        records = chain.suite.clients.records
        got = (
            await records.BatchGetTeachers(
                rec_pb.BatchGetTeachersRequest(ids=[teacher], sets=["CONTACT"]), token=chain.world.clerk
            )
        ).teachers[0]
        contact = got.entries[0]
        fixed = rec_pb.UpdateEntryRequest(teacher_id=teacher, expected_version=got.version, entry_id=contact.id)
        fixed.data_json = encode({"mobile": "13912345678", "email": "t@example.cn"})
        assert not (await records.UpdateEntry(fixed, token=chain.world.clerk)).errors
        await review.SubmitRecords(pb.SubmitRecordsRequest(teacher_ids=[teacher]), token=chain.world.clerk)
        await review.ApproveRecords(pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["SCHOOL"])
        done = await review.ApproveRecords(
            pb.ApproveRecordsRequest(teacher_ids=[teacher]), token=chain.reviewers["DISTRICT"]
        )
        assert list(done.succeeded) == [teacher]
        assert plugin.approvals == [(teacher, "SCHOOL", False), (teacher, "SCHOOL", False), (teacher, "DISTRICT", True)]
        final = (
            await records.BatchGetTeachers(rec_pb.BatchGetTeachersRequest(ids=[teacher]), token=chain.world.clerk)
        ).teachers[0]
        assert (
            final.status == "APPROVED"
            and final.personal_code_formal
            and final.personal_code == "G" + decode(final.basic_json, None)["idNumber"]
        )
        assert plugin.finals == [final.personal_code]
    finally:
        await review.close()
        await server.stop(0)


async def test_records_ignores_stale_pushes_and_the_reconciler_finishes_half_done_moves(chain: Chain) -> None:
    records, system = chain.suite.clients.records, chain.suite.system_token
    teacher = await chain.complete_teacher(12)
    await chain.suite.clients.review.SubmitRecords(
        pb.SubmitRecordsRequest(teacher_ids=[teacher]), token=chain.world.clerk
    )
    status = lambda: records.BatchGetTeachers(rec_pb.BatchGetTeachersRequest(ids=[teacher]), token=system)  # noqa: E731
    assert (await status()).teachers[0].status == "SUBMITTED"
    # an old push arriving late changes nothing
    late = await records.SetReviewStatus(
        rec_pb.SetReviewStatusRequest(teacher_id=teacher, status="DRAFT", seq=1), token=system
    )
    assert late.applied and (await status()).teachers[0].status == "SUBMITTED"
    # only the review service may push
    with pytest.raises(DomainError) as refused:
        await records.SetReviewStatus(
            rec_pb.SetReviewStatusRequest(teacher_id=teacher, status="DRAFT", seq=99), token=chain.world.clerk
        )
    assert refused.value.code == "FORBIDDEN"
    # a crash after the state moved and before records heard of it: the reconciler pushes it
    client = AsyncMongoClient(chain.suite.settings.mongodb_uri, tz_aware=True)
    states = client[chain.suite.settings.databases["review"]]["states"]
    doc = await states.find_one({"_id": teacher})
    await states.update_one(
        {"_id": teacher},
        {
            "$set": {
                "status": "REJECTED",
                "seq": doc["seq"] + 1,
                "synced": False,
                "pending_org_code": "",
                "pending_level": "",
            }
        },
    )

    async def synced() -> bool:  # records hears of it, then the reconciler marks it synced
        return (await status()).teachers[0].status == "REJECTED" and (await states.find_one({"_id": teacher}))["synced"]

    await eventually(synced, "the rejection synced to records")
    assert (await status()).teachers[0].status == "REJECTED"
    assert (await states.find_one({"_id": teacher}))["synced"] is True
    await client.close()
