"""`login` and `changePassword` replace the request's token mid-request: every field after them, in the
same document, is read as the new caller, and nothing read with the old token is answered again."""

from __future__ import annotations

from tests.support.identity import NEW_PASSWORD, Tree
from tests.support.suite import ADMIN_PASSWORD

PROVINCE_ADMIN = "gs_admin"

# The province's admin sees the nation as its ancestor, and of its children only its own province;
# the nation's admin sees them all. Both read `children` of 100000 in one document.
TWO_LOGINS = """mutation($u1: String!, $p1: String!, $u2: String!, $p2: String!) {
  a: login(username: $u1, password: $p1) { userErrors { code } account { org { parent { code
    children { code } } } } }
  b: login(username: $u2, password: $p2) { userErrors { code } account { org { code children { code } } } }
}"""

# Before its first change a token may not list children (PASSWORD_CHANGE_REQUIRED, `a` fails there);
# after the change in `b` it may, and `c` runs as the changed caller, whom the gateway no longer refuses.
LOGIN_CHANGE_USE = """mutation($u: String!, $o: String!, $n: String!, $i: CreateOrgInput!) {
  a: login(username: $u, password: $o) { userErrors { code } account { org { children { code } } } }
  b: changePassword(oldPassword: $o, newPassword: $n) { userErrors { code } account { mustChangePassword
    org { children { code } } } }
  c: createOrg(input: $i) { userErrors { code } org { code parent { code } } }
}"""


async def test_a_second_login_reads_with_its_own_token(tree: Tree) -> None:
    await tree.activate(tree.root, PROVINCE_ADMIN, "620000", ["SYSTEM_ADMIN"])
    variables = {"u1": PROVINCE_ADMIN, "p1": NEW_PASSWORD, "u2": "admin", "p2": ADMIN_PASSWORD}
    result = await tree.suite.graphql(TWO_LOGINS, variables)
    assert "errors" not in result, result
    first, second = result["data"]["a"], result["data"]["b"]
    assert first["userErrors"] == [] and second["userErrors"] == []
    assert first["account"]["org"]["parent"] == {"code": "100000", "children": [{"code": "620000"}]}
    assert second["account"]["org"]["code"] == "100000"
    assert sorted(c["code"] for c in second["account"]["org"]["children"]) == ["620000", "640000"]


async def test_a_changed_password_reads_and_acts_as_the_changed_caller(tree: Tree) -> None:
    created = await tree.create(tree.root, PROVINCE_ADMIN, "620000", ["SYSTEM_ADMIN"])
    city = {"code": "620200", "name": "嘉峪关市", "level": "CITY", "parentCode": "620000"}
    variables = {"u": PROVINCE_ADMIN, "o": created["initialPassword"], "n": NEW_PASSWORD, "i": city}
    result = await tree.suite.graphql(LOGIN_CHANGE_USE, variables)
    data = result["data"]
    assert data["a"] == {"userErrors": [], "account": None}  # its org's children: refused before the change
    assert [e["extensions"]["code"] for e in result["errors"]] == ["PASSWORD_CHANGE_REQUIRED"]
    assert data["b"]["userErrors"] == []
    assert data["b"]["account"] == {"mustChangePassword": False, "org": {"children": [{"code": "620100"}]}}
    assert data["c"] == {"userErrors": [], "org": {"code": "620200", "parent": {"code": "620000"}}}
