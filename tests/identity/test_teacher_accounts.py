"""教师个人账户: batch generation, the export, self-retrieval, the collection window, audit."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from openpyxl import load_workbook

from tests.support.gql import DELETE, codes
from tests.support.identity import CHANGE, ME, NEW_PASSWORD, Tree, add_teachers, school_admin
from tests.support.polling import eventually
from tmis.auth import Caller

GENERATE = """mutation($s: String!) { generateTeacherAccounts(schoolCode: $s) { created existing exportUrl userErrors
  { code message field } } }"""
WINDOW = """mutation($s: String!, $e: Boolean!) { setTeacherLoginEnabled(schoolCode: $s, enabled: $e) { org {
  teacherLoginEnabled } userErrors { code } } }"""
RETRIEVE = """mutation($i: RetrieveInitialPasswordInput!) { retrieveInitialPassword(input: $i) { initialPassword
  userErrors { code message field } } }"""


async def _export(tree: Tree, url: str, token: str | None = None) -> list[tuple]:
    parts = urlsplit(url)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    reply = await tree.http.get(f"{parts.path}?{parts.query}" if parts.query else parts.path, headers=headers)
    assert reply.status_code == 200, reply.text
    assert "attachment" in reply.headers["content-disposition"] and reply.headers["cache-control"] == "no-store"
    sheet = load_workbook(io.BytesIO(reply.content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def test_generate_export_and_first_login(tree: Tree) -> None:
    district, admin = await school_admin(tree)
    teachers = await add_teachers(tree, 3)
    assert codes((await tree.gql(GENERATE, {"s": tree.school}, district))["generateTeacherAccounts"]) == [
        "FORBIDDEN"
    ]  # only the school's admin
    made = (await tree.gql(GENERATE, {"s": tree.school}, admin))["generateTeacherAccounts"]
    assert (made["created"], made["existing"], made["userErrors"]) == (3, 0, [])
    again = (await tree.gql(GENERATE, {"s": tree.school}, admin))["generateTeacherAccounts"]
    assert (again["created"], again["existing"]) == (0, 3)  # idempotent
    reader = tree.suite.signer.sign(
        Caller("q1", "school_query", tree.school, tree.path, ("QUERY",))
    )  # an admin reads no record
    listed = await tree.gql(
        """query($s: String!) { teachers(orgCode: $s) { edges { node { basic { idNumber } account { username roles } }
  } } }""",
        {"s": tree.school},
        reader,
    )
    for edge in listed["teachers"]["edges"]:  # Teacher.account: the login made for the record
        assert edge["node"]["account"] == {"username": edge["node"]["basic"]["idNumber"], "roles": ["TEACHER"]}

    rows = await _export(tree, made["exportUrl"])  # the signed link alone opens it
    assert rows[0][:3] == ("姓名", "用户名", "初始密码")
    by_user = {r[1]: r for r in rows[1:]}
    assert set(by_user) == {t["idNumber"] for t in teachers}
    first = teachers[0]
    password = by_user[first["idNumber"]][2]
    assert by_user[first["idNumber"]][0] == first["name"] and len(password) >= 8

    login = await tree.login(first["idNumber"], password)
    assert login["mustChangePassword"] is True and login["account"]["roles"] == ["TEACHER"]
    changed = (await tree.gql(CHANGE, {"o": password, "n": NEW_PASSWORD}, login["token"]))["changePassword"]
    assert changed["userErrors"] == []
    own = (
        await tree.gql("{ me { teacher { basic { name idNumber } account { username } } } }", user=changed["token"])
    )["me"]["teacher"]
    assert own == {
        "basic": {"name": first["name"], "idNumber": first["idNumber"]},
        "account": {"username": first["idNumber"]},
    }  # Account.teacher
    rows = await _export(tree, made["exportUrl"])
    assert {r[1]: r[2] for r in rows[1:]}[first["idNumber"]] in ("", None)  # blank once changed

    # the link is bound to its path and the bearer header works too
    other = made["exportUrl"].replace(tree.school, tree.school[:-2] + "99")
    assert (await tree.http.get(urlsplit(other).path + "?" + urlsplit(other).query)).status_code == 401
    assert (await tree.http.get(f"/files/teacher-accounts/{tree.school}.xlsx")).status_code == 401
    assert len(await _export(tree, f"/files/teacher-accounts/{tree.school}.xlsx", admin.token)) == 4
    refused = await tree.http.get(
        f"/files/teacher-accounts/{tree.school}.xlsx", headers={"authorization": f"Bearer {district.token}"}
    )
    assert refused.status_code == 403


async def test_retrieve_initial_password(tree: Tree) -> None:
    _, admin = await school_admin(tree)
    teacher = (await add_teachers(tree, 1))[0]
    await tree.gql(GENERATE, {"s": tree.school}, admin)
    facts = {"name": teacher["name"], "idType": "1", "idNumber": teacher["idNumber"], "schoolCode": tree.school}
    got = (await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]
    assert got["userErrors"] == [] and (await tree.login(teacher["idNumber"], got["initialPassword"]))["token"]
    empty = (await tree.gql(RETRIEVE, {"i": {**facts, "name": " ", "schoolCode": ""}}))["retrieveInitialPassword"]
    assert [(e["code"], e["field"], e["message"]) for e in empty["userErrors"]] == [
        ("INVALID_INPUT", "name", "请填写姓名"),
        ("INVALID_INPUT", "schoolCode", "请填写学校"),
    ]
    wrongs = [{**facts, "name": "别人"}, {**facts, "schoolCode": tree.school[:-2] + "99"}, {**facts, "idType": "2"}]
    answers = [(await tree.gql(RETRIEVE, {"i": w}))["retrieveInitialPassword"] for w in wrongs]
    assert all(a["initialPassword"] is None for a in answers)
    assert len({(a["userErrors"][0]["code"], a["userErrors"][0]["message"]) for a in answers}) == 1
    assert answers[0]["userErrors"][0]["code"] == "NOT_MATCHED"
    assert codes((await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]) == []  # the 5th attempt
    assert codes((await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]) == [
        "RATE_LIMITED"
    ]  # 5 per identity


async def test_retrieval_ends_with_the_first_change(tree: Tree) -> None:
    _, admin = await school_admin(tree)
    teacher = (await add_teachers(tree, 1))[0]
    await tree.gql(GENERATE, {"s": tree.school}, admin)
    facts = {"name": teacher["name"], "idType": "1", "idNumber": teacher["idNumber"], "schoolCode": tree.school}
    password = (await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]["initialPassword"]
    login = await tree.login(teacher["idNumber"], password)
    await tree.gql(CHANGE, {"o": password, "n": NEW_PASSWORD}, login["token"])
    assert codes((await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]) == ["NOT_MATCHED"]


async def test_collection_window_and_delete(tree: Tree) -> None:
    _, admin = await school_admin(tree)
    teacher = (await add_teachers(tree, 1))[0]
    await tree.gql(GENERATE, {"s": tree.school}, admin)
    facts = {"name": teacher["name"], "idType": "1", "idNumber": teacher["idNumber"], "schoolCode": tree.school}
    password = (await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]["initialPassword"]
    token = (await tree.login(teacher["idNumber"], password))["token"]
    closed = (await tree.gql(WINDOW, {"s": tree.school, "e": False}, admin))["setTeacherLoginEnabled"]
    assert closed["org"]["teacherLoginEnabled"] is False

    async def teacher_blocked() -> bool:
        return (await tree.gql(ME, user=token))["me"] is None

    await eventually(teacher_blocked)
    assert codes(await tree.login(teacher["idNumber"], password)) == ["FORBIDDEN"]
    assert (await tree.gql(ME, user=admin))["me"]["username"] == admin.username  # admins are unaffected
    await tree.gql(WINDOW, {"s": tree.school, "e": True}, admin)
    token = (await tree.login(teacher["idNumber"], password))["token"]

    listed = await tree.gql(
        "query($s: String!) { accounts(orgCode: $s, role: TEACHER) { edges { node { id } } } }",
        {"s": tree.school},
        admin,
    )
    account_id = listed["accounts"]["edges"][0]["node"]["id"]
    assert (await tree.gql(DELETE, {"a": account_id}, admin))["deleteAccount"]["userErrors"] == []
    await eventually(teacher_blocked)  # the deleted login's token stops working too
    regenerated = (await tree.gql(GENERATE, {"s": tree.school}, admin))["generateTeacherAccounts"]
    assert regenerated["created"] == 1  # the record stayed; a new login was made for it


async def test_audit_log_is_scoped(tree: Tree) -> None:
    district, admin = await school_admin(tree)
    await tree.login(admin.username, "Wrong#Pass1")
    query = """query($o: String!) { auditLog(orgCode: $o, first: 100) { edges { node { event result actor target
  orgCode } } } }"""
    events = [e["node"] for e in (await tree.gql(query, {"o": tree.school}, district))["auditLog"]["edges"]]
    kinds = {(e["event"], e["result"]) for e in events}
    assert {
        ("ACCOUNT_CREATED", "OK"),
        ("LOGIN", "OK"),
        ("PASSWORD_CHANGED", "OK"),
        ("LOGIN_FAILED", "INVALID_CREDENTIALS"),
    } <= kinds
    assert all(e["orgCode"] == tree.school for e in events)
    nx = await tree.activate(tree.root, tree.name("nx_admin"), tree.other_province, ["SYSTEM_ADMIN"])
    result = await tree.graphql(query, {"o": tree.school}, nx.token)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert admin.username == tree.name("school_admin")


async def test_retrieval_is_rate_limited_per_address(tree: Tree) -> None:
    for i in range(20):  # different people, one client address (the tree's)
        facts = {"name": "某人", "idType": "1", "idNumber": f"11010519800101{i:03d}X", "schoolCode": tree.school}
        assert codes((await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]) == ["NOT_MATCHED"]
    facts = {"name": "某人", "idType": "1", "idNumber": "110105198001019999", "schoolCode": tree.school}
    assert codes((await tree.gql(RETRIEVE, {"i": facts}))["retrieveInitialPassword"]) == ["RATE_LIMITED"]
