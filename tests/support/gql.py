"""GraphQL documents and calls shared by several test modules."""

from __future__ import annotations

from typing import Any

CREATE = """mutation($s: String!, $b: BasicInfoInput!) { createTeacher(schoolCode: $s, basic: $b) {
  teacher { id version school { code } basic { name gender { code name } birthDate politicalStatus { code name }
  staffCategory { code name } contractType { code } highestEducation { code } }
            completeness { complete missing } review { status pendingLevel } }
  userErrors { code message field } } }"""
ADD = """mutation($t: ID!, $v: Int!, $e: EntryInput!) { addEntry(teacherId: $t, expectedVersion: $v, entry: $e) {
  teacher { version basic { highestEducation { code name } } entries(set: EDUCATION) { id set data } completeness {
  missing } }
  userErrors { code message field } } }"""
SUBMIT = "mutation($ids: [ID!]!) { submitRecords(teacherIds: $ids) { succeeded userErrors { code message field } } }"
APPROVE = """mutation($ids: [ID!]!, $c: String) { approveRecords(teacherIds: $ids, comment: $c) { succeeded userErrors
  { code message field } } }"""
REJECT = """mutation($ids: [ID!]!, $r: String!) { rejectRecords(teacherIds: $ids, reason: $r) { succeeded userErrors {
  code message field } } }"""
SAVE_NAME = """mutation($t: ID!, $v: Int!, $b: BasicInfoInput!) { saveBasicInfo(teacherId: $t, expectedVersion: $v,
  basic: $b) {
  teacher { version } userErrors { code } } }"""
PROGRESS = """query($o: String!) { progress(orgCode: $o) { org { code level } total draft submitted rejected approved
  withPhoto complete } }"""
STATS = """query($o: String!, $d: StatDimension!, $s: RecordStatus) { statistics(orgCode: $o, dimension: $d, status:
  $s) { key label count } }"""
FIELDS = """movement { id kind status teacherName fromSchool { code name } toSchool { code name } reason { code name }
  effectiveDate pendingLevel pendingOrg { code } history { actor action comment org { code } } teacher { id } }
  userErrors { code message field }"""
TRANSFER = f"""mutation($t: ID!, $to: String!, $d: String!) {{ startTransfer(teacherId: $t, toSchoolCode: $to,
  effectiveDate: $d, comment: "工作需要") {{ {FIELDS} }} }}"""
ACCEPT = f"mutation($m: ID!) {{ acceptTransfer(movementId: $m) {{ {FIELDS} }} }}"
APPROVE_M = """mutation($ids: [ID!]!) { approveMovements(movementIds: $ids, comment: "同意") { succeeded
  userErrors { code message field } } }"""
RESET = """mutation($a: ID!) { resetPassword(accountId: $a) { account { username mustChangePassword } initialPassword
  userErrors { code message field } } }"""
ENABLE = """mutation($a: ID!, $e: Boolean!) { setAccountEnabled(accountId: $a, enabled: $e) { account { enabled }
  userErrors { code message } } }"""
DELETE = "mutation($a: ID!) { deleteAccount(accountId: $a) { account { username } userErrors { code message } } }"
UNLOCK = "mutation($a: ID!) { unlockAccount(accountId: $a) { account { username } userErrors { code message } } }"
EXPORT = """mutation($o: String!, $s: RecordStatus) { exportTeachers(orgCode: $o, status: $s) { url userErrors { code
  field } } }"""
TEACHERS = """query($o: String!) { teachers(orgCode: $o, first: 100) { totalCount edges { node { id version basic {
  name idNumber gender { code } politicalStatus { code } }
  education: entries(set: EDUCATION) { id data } } } } }"""


async def act(chain: Any, mutation: str, token: str, ids: list[str], **variables: str) -> dict:
    """A batch mutation on `ids` (submit, approve, reject...); its payload."""
    result = await chain.suite.graphql(mutation, {"ids": ids, **variables}, token)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


async def gql(chain: Any, query: str, token: str, **variables: object) -> dict:
    """A query or mutation that must not fail as a request; the payload of its first field."""
    result = await chain.suite.graphql(query, variables, token)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


def codes(payload: dict) -> list[str]:
    """The codes of a payload's userErrors."""
    return [e["code"] for e in payload["userErrors"]]
