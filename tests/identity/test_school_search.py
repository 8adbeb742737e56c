"""教师自助's school search: public, scoped to a region, by a part of the name, limited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.identity import CREATE_ORG, Tree
from tests.support.suite import Suite
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb
from tmis.settings import Settings

pytestmark = pytest.mark.usefixtures("fresh_suite")  # settings of its own (the searches a minute), fixed codes

SEARCH = "query($r: String!, $n: String!) { searchSchools(regionCode: $r, name: $n) { code name level } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, raw={**settings.raw, "TMIS_IDENTITY_SCHOOL_SEARCH_PER_MINUTE": "4"})


def _codes(tree: Tree) -> tuple[str, str, str]:
    """The schools `_schools` adds: two in the tree's district, one in its other province."""
    return f"31{tree.district}02", f"31{tree.district}03", f"31{tree.other_province[:4]}0201"


async def _schools(tree: Tree) -> None:
    second, middle, yinchuan = _codes(tree)
    for code, name, parent in [
        (second, "城关区第二实验小学", tree.district),
        (middle, "城关区实验中学", tree.district),
        (yinchuan, "银川实验小学", tree.other_province),
    ]:
        org = {"code": code, "name": name, "level": "SCHOOL", "parentCode": parent, "schoolType": "PRIMARY_SECONDARY"}
        assert (await tree.gql(CREATE_ORG, {"i": org}, tree.root))["createOrg"]["userErrors"] == []


async def test_visitors_find_schools_of_a_region_by_part_of_the_name(tree: Tree) -> None:
    await _schools(tree)
    second, middle, yinchuan = _codes(tree)
    found = await tree.graphql(SEARCH, {"r": tree.city, "n": "实验"})  # no token: a visitor
    assert found["data"]["searchSchools"] == [
        {"code": middle, "name": "城关区实验中学", "level": "SCHOOL"},
        {"code": second, "name": "城关区第二实验小学", "level": "SCHOOL"},
    ]  # by name (code point order), the other province's 实验小学 left out
    found = await tree.graphql(SEARCH, {"r": "100000", "n": "实验小学"})
    assert [s["code"] for s in found["data"]["searchSchools"]] == [second, yinchuan]
    found = await tree.graphql(SEARCH, {"r": tree.district, "n": "区县"})
    assert found["data"]["searchSchools"] == []  # districts and cities are never answered
    refused = await tree.graphql(SEARCH, {"r": tree.district, "n": " 实 "})
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "2个字" in refused["errors"][0]["message"]
    found = await tree.graphql(SEARCH, {"r": tree.district, "n": ".*"})  # a literal text, not a pattern
    assert found["data"]["searchSchools"] == []
    # 4 counted searches so far (a refused name is not counted); 5 more see the 5th of one minute refused,
    # even when a minute starts between them
    answers = [await tree.graphql(SEARCH, {"r": tree.district, "n": "实验"}) for _ in range(5)]
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
