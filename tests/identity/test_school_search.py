"""教师自助's school search: public, scoped to a region, by a part of the name, limited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.identity import CREATE_ORG, Tree
from tests.support.suite import Suite
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb
from tmis.settings import Settings

SEARCH = "query($r: String!, $n: String!) { searchSchools(regionCode: $r, name: $n) { code name level } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, raw={**settings.raw, "TMIS_IDENTITY_SCHOOL_SEARCH_PER_MINUTE": "4"})


async def _schools(tree: Tree) -> None:
    for code, name, parent in [
        ("3162010202", "城关区第二实验小学", "620102"),
        ("3162010203", "城关区实验中学", "620102"),
        ("3164010201", "银川实验小学", "640000"),
    ]:
        org = {"code": code, "name": name, "level": "SCHOOL", "parentCode": parent, "schoolType": "PRIMARY_SECONDARY"}
        assert (await tree.gql(CREATE_ORG, {"i": org}, tree.root))["createOrg"]["userErrors"] == []


async def test_visitors_find_schools_of_a_region_by_part_of_the_name(tree: Tree) -> None:
    await _schools(tree)
    found = await tree.suite.graphql(SEARCH, {"r": "620100", "n": "实验"})  # no token: a visitor
    assert found["data"]["searchSchools"] == [
        {"code": "3162010203", "name": "城关区实验中学", "level": "SCHOOL"},
        {"code": "3162010202", "name": "城关区第二实验小学", "level": "SCHOOL"},
    ]  # by name (code point order), the other province's 实验小学 left out
    found = await tree.suite.graphql(SEARCH, {"r": "100000", "n": "实验小学"})
    assert [s["code"] for s in found["data"]["searchSchools"]] == ["3162010202", "3164010201"]
    found = await tree.suite.graphql(SEARCH, {"r": "620102", "n": "区县"})
    assert found["data"]["searchSchools"] == []  # districts and cities are never answered
    refused = await tree.suite.graphql(SEARCH, {"r": "620102", "n": " 实 "})
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "2个字" in refused["errors"][0]["message"]
    found = await tree.suite.graphql(SEARCH, {"r": "620102", "n": ".*"})  # a literal text, not a pattern
    assert found["data"]["searchSchools"] == []
    # 4 counted searches so far (a refused name is not counted); 5 more see the 5th of one minute refused,
    # even when a minute starts between them
    answers = [await tree.suite.graphql(SEARCH, {"r": "620102", "n": "实验"}) for _ in range(5)]
    assert any(a.get("errors") and a["errors"][0]["extensions"]["code"] == "RATE_LIMITED" for a in answers)


async def test_the_rpc_is_public_and_caps_the_answer(suite: Suite) -> None:
    token = await suite.login_admin()
    orgs = [("620000", "甘肃省", "PROVINCE", "100000", None), ("620102", "城关区", "DISTRICT", "620000", None)]
    orgs += [(f"31620102{i:02d}", f"城关第{i}小学", "SCHOOL", "620102", "PRIMARY_SECONDARY") for i in range(25)]
    for code, name, level, parent, school_type in orgs:
        made = await suite.graphql(
            CREATE_ORG,
            {"i": {"code": code, "name": name, "level": level, "parentCode": parent, "schoolType": school_type}},
            token,
        )
        assert made["data"]["createOrg"]["userErrors"] == []
    reply = await suite.clients.identity.SearchSchools(
        pb.SearchSchoolsRequest(region_code="620000", name="小学"), token=""
    )
    assert len(reply.orgs) == 20 and all(o.level == "SCHOOL" and "小学" in o.name for o in reply.orgs)
    assert list(reply.orgs[0].path) == ["100000", "620000", "620102", "3162010200"]
    with pytest.raises(DomainError) as err:
        await suite.clients.identity.SearchSchools(pb.SearchSchoolsRequest(region_code="620000", name="小"), token="")
    assert err.value.code == ErrorCode.INVALID_INPUT and err.value.field == "name"
