"""Org names and account names: visible characters, no bidi controls (the same rule as records)."""

from __future__ import annotations

import pytest

from tests.support.identity import CREATE_ACCOUNT, CREATE_ORG, Tree

BAD = ["\u200b", "\u200d\u2060", "\u202e甘肃省", "甘肃\u2067省"]


@pytest.mark.parametrize("name", BAD)
async def test_org_and_account_names_must_be_visible_without_bidi_controls(tree: Tree, name: str) -> None:
    org = {"code": tree.spare, "name": name, "level": "PROVINCE", "parentCode": "100000"}
    [error] = (await tree.gql(CREATE_ORG, {"i": org}, tree.root))["createOrg"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "input.name") and "单位名称" in error["message"]
    account = {
        "username": tree.name("gs_admin"),
        "orgCode": tree.province,
        "roles": ["SYSTEM_ADMIN"],
        "displayName": name,
    }
    [error] = (await tree.gql(CREATE_ACCOUNT, {"i": account}, tree.root))["createAccount"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "input.displayName") and "姓名" in error["message"]
