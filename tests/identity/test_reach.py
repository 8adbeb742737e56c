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
    province = await tree.activate(root, "gs_admin", "620000", ["SYSTEM_ADMIN"])
    assert codes(await tree.create(root, "lz_admin", "620100", ["SYSTEM_ADMIN"])) == ["FORBIDDEN"]  # two levels down
    assert codes(await tree.create(root, "clerk_620000", "620000", ["DATA_ENTRY"])) == [
        "FORBIDDEN"
    ]  # a child's non-admin
    assert codes(await tree.create(root, "nation_clerk", "100000", ["DATA_ENTRY", "QUERY"])) == []  # its own non-admin
    assert codes(await tree.create(province, "gs_admin2", "620000", ["SYSTEM_ADMIN"])) == [
        "FORBIDDEN"
    ]  # admins of its own org
    assert codes(await tree.create(province, "nx_admin", "640000", ["SYSTEM_ADMIN"])) == ["FORBIDDEN"]  # a sibling
    created = await tree.create(province, "gs_clerk", "620000", ["DATA_ENTRY", "REVIEWER"])
    assert created["userErrors"] == [] and created["account"]["roles"] == ["DATA_ENTRY", "REVIEWER"]
    assert created["account"]["mustChangePassword"] is True and len(created["initialPassword"]) >= 8
    assert codes(await tree.create(province, "gs_clerk", "620000", ["QUERY"])) == ["ALREADY_EXISTS"]
    bad = await tree.create(province, "x", "620000", ["QUERY"])
    assert [(e["code"], e["field"]) for e in bad["userErrors"]] == [("INVALID_INPUT", "input.username")]
    teacher = await tree.create(province, "teacher1", "620000", ["TEACHER"])
    assert [(e["code"], e["field"]) for e in teacher["userErrors"]] == [("INVALID_INPUT", "input.roles")]
    clerk = await tree.activate(province, "gs_query", "620000", ["QUERY"])
    assert codes(await tree.create(clerk, "sneaky", "620000", ["QUERY"])) == ["FORBIDDEN"]


async def test_manage_rules_and_no_existence_leak(tree: Tree) -> None:
    root = tree.root
    province = await tree.activate(root, "gs_admin", "620000", ["SYSTEM_ADMIN"])
    city = await tree.activate(province, "lz_admin", "620100", ["SYSTEM_ADMIN"])
    own_clerk = await tree.activate(province, "gs_clerk", "620000", ["DATA_ENTRY"])
    city_clerk = await tree.activate(city, "lz_clerk", "620100", ["DATA_ENTRY"])
    other = await tree.activate(root, "nx_admin", "640000", ["SYSTEM_ADMIN"])

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
    province = await tree.activate(tree.root, "gs_admin", "620000", ["SYSTEM_ADMIN"])
    for i in range(5):
        await tree.create(province, f"gs_user{i}", "620000", ["QUERY" if i % 2 else "DATA_ENTRY"])
    await tree.create(province, "lz_admin", "620100", ["SYSTEM_ADMIN"])
    page = (await tree.gql(ACCOUNTS, {"o": "620000", "f": 2}, province))["accounts"]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] is True
    seen = [e["node"]["username"] for e in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        page = (await tree.gql(ACCOUNTS, {"o": "620000", "f": 2, "a": page["pageInfo"]["endCursor"]}, province))[
            "accounts"
        ]
        seen += [e["node"]["username"] for e in page["edges"]]
    assert seen == [f"gs_user{i}" for i in range(5)]  # not the admin itself
    queries = (await tree.gql(ACCOUNTS, {"o": "620000", "r": "QUERY"}, province))["accounts"]
    assert [e["node"]["username"] for e in queries["edges"]] == ["gs_user1", "gs_user3"]
    child = (await tree.gql(ACCOUNTS, {"o": "620100"}, province))["accounts"]
    assert [e["node"]["username"] for e in child["edges"]] == ["lz_admin"]
    result = await tree.suite.graphql(ACCOUNTS, {"o": "620102"}, province.token)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_system_admin_account_holds_no_other_role(tree: Tree) -> None:
    """A district admin may create a school's 系统管理员, but not one that also enters or reads records."""
    province = await tree.activate(tree.root, "gs_admin", "620000", ["SYSTEM_ADMIN"])
    city = await tree.activate(province, "lz_admin", "620100", ["SYSTEM_ADMIN"])
    district = await tree.activate(city, "cg_admin", "620102", ["SYSTEM_ADMIN"])
    for roles in (["SYSTEM_ADMIN", "DATA_ENTRY"], ["SYSTEM_ADMIN", "QUERY"], ["REVIEWER", "SYSTEM_ADMIN"]):
        refused = await tree.create(district, "school_admin", "3162010201", roles)
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID_INPUT", "input.roles")]
        assert refused["account"] is None
    assert codes(await tree.create(district, "school_admin", "3162010201", ["SYSTEM_ADMIN"])) == []
