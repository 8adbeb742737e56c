"""Who may manage whom, allowed and refused, through the gateway and at the service."""

from __future__ import annotations

import pytest

from tests.support.gql import DELETE, ENABLE, RESET, UNLOCK, codes
from tests.support.identity import Tree, User
from tmis.errors import DomainError, ErrorCode
from tmis.proto.identity.v1 import identity_pb2 as pb

ACCOUNTS = """query($o: String!, $r: Role, $f: Int, $a: String) { accounts(orgCode: $o, role: $r, first: $f, after:
  $a) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { username roles } } } }"""


async def test_create_rules(tree: Tree) -> None:
    root = tree.root
    gs, lz, nx = tree.province, tree.city, tree.other_province
    province = await tree.activate(root, tree.name("gs_admin"), gs, ["SYSTEM_ADMIN"])
    assert codes(await tree.create(root, tree.name("lz_admin"), lz, ["SYSTEM_ADMIN"])) == ["FORBIDDEN"]  # 2 levels down
    assert codes(await tree.create(root, tree.name("clerk"), gs, ["DATA_ENTRY"])) == [
        "FORBIDDEN"
    ]  # a child's non-admin
    assert codes(await tree.create(root, tree.name("nation_clerk"), "100000", ["DATA_ENTRY", "QUERY"])) == []  # own
    assert codes(await tree.create(province, tree.name("gs_admin2"), gs, ["SYSTEM_ADMIN"])) == [
        "FORBIDDEN"
    ]  # admins of its own org
    assert codes(await tree.create(province, tree.name("nx_admin"), nx, ["SYSTEM_ADMIN"])) == ["FORBIDDEN"]  # a sibling
    created = await tree.create(province, tree.name("gs_clerk"), gs, ["DATA_ENTRY", "REVIEWER"])
    assert created["userErrors"] == [] and created["account"]["roles"] == ["DATA_ENTRY", "REVIEWER"]
    assert created["account"]["mustChangePassword"] is True and len(created["initialPassword"]) >= 8
    assert codes(await tree.create(province, tree.name("gs_clerk"), gs, ["QUERY"])) == ["ALREADY_EXISTS"]
    bad = await tree.create(province, "x", gs, ["QUERY"])
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("INVALID_INPUT", "input.username")]
    teacher = await tree.create(province, tree.name("teacher1"), gs, ["TEACHER"])
    assert [(e["code"], e["field"]) for e in teacher["userErrors"]] == [("INVALID_INPUT", "input.roles")]
    clerk = await tree.activate(province, tree.name("gs_query"), gs, ["QUERY"])
    assert codes(await tree.create(clerk, tree.name("sneaky"), gs, ["QUERY"])) == ["FORBIDDEN"]


async def test_manage_rules_and_no_existence_leak(tree: Tree) -> None:
    root = tree.root
    province = await tree.activate(root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    city = await tree.activate(province, tree.name("lz_admin"), tree.city, ["SYSTEM_ADMIN"])
    own_clerk = await tree.activate(province, tree.name("gs_clerk"), tree.province, ["DATA_ENTRY"])
    city_clerk = await tree.activate(city, tree.name("lz_clerk"), tree.city, ["DATA_ENTRY"])
    other = await tree.activate(root, tree.name("nx_admin"), tree.other_province, ["SYSTEM_ADMIN"])

    for target in (own_clerk, city):  # own org's non-admin, the child org's admin
        reset = (await tree.gql(RESET, {"a": target.id}, province))["resetPassword"]
        assert reset["userErrors"] == [] and reset["account"]["mustChangePassword"] is True and reset["initialPassword"]
    refused = []
    for target in (
        city_clerk,
        other,
        User("ffffffffffffffffffffffff", "nobody", ""),
    ):  # grandchild's, sibling's, nonexistent
        refused.append((await tree.gql(RESET, {"a": target.id}, province))["resetPassword"]["userErrors"])
    assert refused[0] == refused[1] == refused[2] and refused[0][0]["code"] == "FORBIDDEN"
    assert codes((await tree.gql(RESET, {"a": province.id}, province))["resetPassword"]) == ["FORBIDDEN"]  # itself
    for mutation, name in ((ENABLE, "setAccountEnabled"), (DELETE, "deleteAccount"), (UNLOCK, "unlockAccount")):
        variables = {"a": city_clerk.id, "e": False} if mutation is ENABLE else {"a": city_clerk.id}
        assert codes((await tree.gql(mutation, variables, province))[name]) == ["FORBIDDEN"], name
    # the service refuses on its own, whatever the gateway does
    with pytest.raises(DomainError) as caught:
        await tree.suite.clients.identity.ResetPassword(
            pb.AccountIdRequest(account_id=city_clerk.id), token=province.token
        )
    assert caught.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as caught:
        await tree.suite.clients.identity.ResetPassword(
            pb.AccountIdRequest(account_id=own_clerk.id), token=city_clerk.token
        )
    assert caught.value.code == ErrorCode.FORBIDDEN


async def test_accounts_listing_shows_what_the_admin_manages(tree: Tree) -> None:
    gs = tree.province
    province = await tree.activate(tree.root, tree.name("gs_admin"), gs, ["SYSTEM_ADMIN"])
    users = [tree.name(f"gs_user{i}") for i in range(5)]
    for i, user in enumerate(users):
        await tree.create(province, user, gs, ["QUERY" if i % 2 else "DATA_ENTRY"])
    await tree.create(province, tree.name("lz_admin"), tree.city, ["SYSTEM_ADMIN"])
    page = (await tree.gql(ACCOUNTS, {"o": gs, "f": 2}, province))["accounts"]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] is True
    seen = [e["node"]["username"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        page = (await tree.gql(ACCOUNTS, {"o": gs, "f": 2, "a": page["pageInfo"]["endCursor"]}, province))["accounts"]
        seen += [e["node"]["username"] for e in page["edges"]]
    assert seen == users  # not the admin itself
    queries = (await tree.gql(ACCOUNTS, {"o": gs, "r": "QUERY"}, province))["accounts"]
    assert [e["node"]["username"] for e in queries["edges"]] == [users[1], users[3]]
    child = (await tree.gql(ACCOUNTS, {"o": tree.city}, province))["accounts"]
    assert [e["node"]["username"] for e in child["edges"]] == [tree.name("lz_admin")]
    result = await tree.graphql(ACCOUNTS, {"o": tree.district}, province.token)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_system_admin_account_holds_no_other_role(tree: Tree) -> None:
    """A district admin may create a school's 系统管理员, but not one that also enters or reads records."""
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    city = await tree.activate(province, tree.name("lz_admin"), tree.city, ["SYSTEM_ADMIN"])
    district = await tree.activate(city, tree.name("cg_admin"), tree.district, ["SYSTEM_ADMIN"])
    for roles in (["SYSTEM_ADMIN", "DATA_ENTRY"], ["SYSTEM_ADMIN", "QUERY"], ["REVIEWER", "SYSTEM_ADMIN"]):
        refused = await tree.create(district, tree.name("school_admin"), tree.school, roles)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID_INPUT", "input.roles")]
        assert refused["account"] is None
    assert codes(await tree.create(district, tree.name("school_admin"), tree.school, ["SYSTEM_ADMIN"])) == []
