"""Progress and statistics against hand-counted fixtures; a district sees only its own."""

from __future__ import annotations

from tests.support.gql import PROGRESS, STATS
from tests.support.world import Chain
from tmis.auth import Caller
from tmis.proto.review.v1 import review_pb2 as pb


async def test_progress_and_statistics(chain: Chain) -> None:
    gql, review = chain.suite.graphql, chain.suite.clients.review
    # school 1 (district 620102): two complete (one submitted, one approved at the school level only) and one incomplete
    first, second = await chain.complete_teacher(21), await chain.complete_teacher(22)
    await chain.world.create(23)
    # school 2 (district 620103): one complete
    await chain.complete_teacher(24, school=chain.world.other)
    await review.SubmitRecords(pb.SubmitRecordsRequest(teacher_ids=[first, second]), token=chain.world.clerk)
    await review.RejectRecords(
        pb.RejectRecordsRequest(teacher_ids=[second], reason="退回"), token=chain.reviewers["SCHOOL"]
    )

    rows = (await gql(PROGRESS, {"o": chain.world.orgs.city}, chain.city_reader))["data"]["progress"]
    by_org = {r["org"]["code"]: r for r in rows}
    assert by_org[chain.world.district] == {
        "org": {"code": chain.world.district, "level": "DISTRICT"},
        "total": 3,
        "draft": 1,
        "submitted": 1,
        "rejected": 1,
        "approved": 0,
        "withPhoto": 0,
        "complete": 2,
    }
    assert (
        by_org[chain.world.orgs.other_district]["total"] == 1 and by_org[chain.world.orgs.other_district]["draft"] == 1
    )
    await chain.complete_teacher(25, school=chain.world.other)  # a write after a question: the next answer has it
    again = {
        r["org"]["code"]: r
        for r in (await gql(PROGRESS, {"o": chain.world.orgs.city}, chain.city_reader))["data"]["progress"]
    }
    assert (
        again[chain.world.orgs.other_district]["total"] == 2
        and again[chain.world.orgs.other_district]["complete"] == 2
        and again[chain.world.district] == by_org[chain.world.district]
    )
    school = (await gql(PROGRESS, {"o": chain.world.school}, chain.city_reader))["data"]["progress"]
    assert [(r["org"]["code"], r["total"]) for r in school] == [(chain.world.school, 3)]

    genders = (await gql(STATS, {"o": chain.world.orgs.city, "d": "GENDER"}, chain.city_reader))["data"]["statistics"]
    expected = {}
    for serial in (21, 22, 23, 24, 25):
        gender = chain.world.basic_input(serial)["gender"]
        expected[gender] = expected.get(gender, 0) + 1
    assert {b["key"]: b["count"] for b in genders} == expected and {b["label"] for b in genders} <= {"男", "女"}
    submitted = (
        await gql(STATS, {"o": chain.world.orgs.city, "d": "IN_ESTABLISHMENT", "s": "SUBMITTED"}, chain.city_reader)
    )["data"]["statistics"]
    assert sum(b["count"] for b in submitted) == 1 and submitted[0]["label"] in ("是", "否")
    ages = (await gql(STATS, {"o": chain.world.orgs.city, "d": "AGE_BAND"}, chain.city_reader))["data"]["statistics"]
    assert sum(b["count"] for b in ages) == 5 and all(
        b["label"].endswith("岁") or b["label"].endswith("以上") or b["label"].endswith("以下") for b in ages
    )
    education = (await gql(STATS, {"o": chain.world.district, "d": "HIGHEST_EDUCATION"}, chain.city_reader))["data"][
        "statistics"
    ]
    assert {(b["key"], b["label"], b["count"]) for b in education} == {("21", "大学本科毕业", 2), ("", "未填写", 1)}
    political = (await gql(STATS, {"o": chain.world.district, "d": "POLITICAL_STATUS"}, chain.city_reader))["data"][
        "statistics"
    ]
    assert sum(b["count"] for b in political) == 3

    # scope: a district's reader sees its own district only; other roles see none
    district_reader = chain.suite.signer.sign(
        Caller(
            "q-d",
            "query_620102",
            chain.world.district,
            ("100000", chain.world.orgs.province, chain.world.orgs.city, chain.world.district),
            ("QUERY",),
        )
    )
    mine = (await gql(PROGRESS, {"o": chain.world.district}, district_reader))["data"]["progress"]
    assert [r["org"]["code"] for r in mine] == [chain.world.school]
    for query, variables in [
        (PROGRESS, {"o": chain.world.orgs.other_district}),
        (STATS, {"o": chain.world.orgs.other_district, "d": "GENDER"}),
        (PROGRESS, {"o": chain.world.orgs.city}),
    ]:
        refused = await gql(query, variables, district_reader)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    clerk = await gql(PROGRESS, {"o": chain.world.school}, chain.world.clerk)
    assert clerk["errors"][0]["extensions"]["code"] == "FORBIDDEN"
