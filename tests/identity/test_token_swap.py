"""`login` and `changePassword` replace the request's token mid-request: every field after them, in the
same document, is read as the new caller, and nothing read with the old token is answered again."""

from __future__ import annotations

from tests.support.identity import NEW_PASSWORD, Tree
from tests.support.suite import ADMIN_PASSWORD

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
    province = await tree.activate(tree.root, tree.name("gs_admin"), tree.province, ["SYSTEM_ADMIN"])
    variables = {"u1": province.username, "p1": NEW_PASSWORD, "u2": "admin", "p2": ADMIN_PASSWORD}
    result = await tree.graphql(TWO_LOGINS, variables)
    assert "errors" not in result, result
    first, second = result["data"]["a"], result["data"]["b"]
    assert first["userErrors"] == [] and second["userErrors"] == []
    assert first["account"]["org"]["parent"] == {"code": "100000", "children": [{"code": tree.province}]}
    assert second["account"]["org"]["code"] == "100000"
    # the nation's every province (the session's other tests add theirs), the tree's two among them
    assert {tree.province, tree.other_province} <= {c["code"] for c in second["account"]["org"]["children"]}


async def test_a_changed_password_reads_and_acts_as_the_changed_caller(tree: Tree) -> None:
    username = tree.name("gs_admin")
    created = await tree.create(tree.root, username, tree.province, ["SYSTEM_ADMIN"])
    city = {"code": tree.spare, "name": "嘉峪关市", "level": "CITY", "parentCode": tree.province}
    variables = {"u": username, "o": created["initialPassword"], "n": NEW_PASSWORD, "i": city}
    result = await tree.graphql(LOGIN_CHANGE_USE, variables)
    data = result["data"]
    assert data["a"] == {"userErrors": [], "account": None}  # its org's children: refused before the change
    assert [e["extensions"]["code"] for e in result["errors"]] == ["PASSWORD_CHANGE_REQUIRED"]
    assert data["b"]["userErrors"] == []
    assert data["b"]["account"] == {"mustChangePassword": False, "org": {"children": [{"code": tree.city}]}}
    assert data["c"] == {"userErrors": [], "org": {"code": tree.spare, "parent": {"code": tree.province}}}
