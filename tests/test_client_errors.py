"""Requests the client got wrong are answered as such: the real message and an Apollo code,
never a masked INTERNAL_SERVER_ERROR; and inputs that once crashed a resolver get a clear error."""

from __future__ import annotations

import json

import pytest
import strawberry

from gateway.errors import ErrorMasking
from tests.support.suite import Suite
from tmis.auth import Caller

ORG = "query($c: String!) { org(code: $c) { code } }"
TEMPLATE = "query($s: SchoolType!) { importTemplateUrl(schoolType: $s) }"
SEARCH = "query($r: String!, $n: String!) { searchSchools(regionCode: $r, name: $n) { code } }"
SCHOOL = "3162010201"
PATH = ("100000", "620000", "620100", "620102", SCHOOL)


def clerk(suite: Suite) -> str:
    return suite.signer.sign(Caller("c1", "clerk", SCHOOL, PATH, ("DATA_ENTRY",)))


async def post(suite: Suite, body: object, token: str | None = None) -> tuple[int, dict]:
    headers = {"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})}
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    reply = await suite.http.post("/graphql", content=content, headers=headers)
    return reply.status_code, reply.json()


# query, variables, extensions.code, words the message must contain
CLIENT_ERRORS = [
    ("{ health { ok }", {}, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
    ("{ health { nope } }", {}, "GRAPHQL_VALIDATION_FAILED", "nope"),
    ("{ importTemplateUrl(schoolType: NOPE) }", {}, "GRAPHQL_VALIDATION_FAILED", "NOPE"),
    (TEMPLATE, {"s": "NOPE"}, "BAD_USER_INPUT", "$s"),
    (ORG, {"c": 5}, "BAD_USER_INPUT", "$c"),
    (ORG, {"c": ["620000"]}, "BAD_USER_INPUT", "$c"),
    (ORG, {}, "BAD_USER_INPUT", "$c"),
]


@pytest.mark.parametrize(("query", "variables", "code", "words"), CLIENT_ERRORS)
async def test_client_mistakes_keep_their_message_and_get_a_code(
    suite: Suite, query: str, variables: dict, code: str, words: str
) -> None:
    result = await suite.graphql(query, variables, clerk(suite))
    assert result.get("data") is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == code, error
    assert words in error["message"]


async def test_domain_errors_keep_their_code(suite: Suite) -> None:
    query = 'query($a: String) { teachers(orgCode: "3162010201", after: $a) { totalCount } }'
    for cursor in ("!!!!", "AAAA", "not a cursor"):  # never read as the first page
        result = await suite.graphql(query, {"a": cursor}, clerk(suite))
        assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}, cursor


UPLOADS = [  # a field taking an Upload, written with %s where the file goes
    'uploadPhoto(teacherId: "t1", file: %s) { userErrors { code } }',
    'importPhotos(schoolCode: "3162010201", archive: %s) { userErrors { code } }',
    'importWorkbook(schoolCode: "3162010201", file: %s) { userErrors { code } }',
]


@pytest.mark.parametrize("field", UPLOADS)
async def test_an_upload_argument_that_is_no_file_is_refused(suite: Suite, field: str) -> None:
    for given in ("photo.jpg", 42, {"filename": "a.zip", "content": "UEsDBA=="}, ["x"]):
        result = await suite.graphql(f"mutation($f: Upload!) {{ {field % '$f'} }}", {"f": given}, clerk(suite))
        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (given, error)
        assert "$f" in error["message"] and "文件" in error["message"]
    inline = await suite.graphql("mutation { " + field % '"x.jpg"' + " }", token=clerk(suite))
    assert inline["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_json_nested_beyond_the_bound_gets_a_graphql_error(suite: Suite) -> None:
    for depth in (100, 100_000):
        body = '{"query": "{ health { ok } }", "variables": {"v": ' + "[" * depth + "]" * depth + "}}"
        status, reply = await post(suite, body)
        assert status == 400
        assert reply["errors"][0]["extensions"]["code"] == "BAD_REQUEST" and "嵌套" in reply["errors"][0]["message"]
    status, reply = await post(suite, b'{"query": "{ health { ok } }"')  # not JSON at all
    assert status == 400 and reply["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    status, reply = await post(suite, b'{"query": "{ health { ok } }", "variables": {"v": "\xff"}}')  # not UTF-8
    assert status == 400 and reply["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    # JSON, but no GraphQL request
    for wrong in ({"query": 5}, {"query": "{ health { ok } }", "variables": [1]}, {"variables": {}}):
        status, reply = await post(suite, wrong)
        assert status == 400 and reply["errors"][0]["extensions"]["code"] == "BAD_REQUEST", wrong
    # shallow nesting runs (what it asks does not depend on the suite's health at that moment)
    status, reply = await post(suite, {"query": "{ __typename }", "variables": {"v": [[[[["shallow"]]]]]}})
    assert status == 200 and reply == {"data": {"__typename": "Query"}}, reply


SURROGATE = "\\ud800"  # as JSON escapes it: a lone high surrogate, no character at all
RETRIEVE = "mutation($i: RetrieveInitialPasswordInput!) { retrieveInitialPassword(input: $i) { initialPassword } }"
CREATE = 'mutation($b: BasicInfoInput!) { createTeacher(schoolCode: "3162010201", basic: $b) { userErrors { code } } }'
SURROGATE_CASES = [
    (SEARCH, '{"r": "620100", "n": "实验%s"}'),
    (RETRIEVE, '{"i": {"name": "张%s", "idType": "1", "idNumber": "1", "schoolCode": "3162010201"}}'),
    (CREATE, '{"b": {"name": "张%s", "idNumber": "1", "gender": "1", "birthDate": "1990-01-01"}}'),
]


@pytest.mark.parametrize(("query", "variables"), SURROGATE_CASES)
async def test_a_lone_surrogate_in_any_string_is_refused(suite: Suite, query: str, variables: str) -> None:
    body = f'{{"query": {json.dumps(query)}, "variables": {variables % SURROGATE}}}'
    status, reply = await post(suite, body, clerk(suite))
    assert status == 400, reply
    [error] = reply["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "variables." in error["message"], error


async def test_a_lone_surrogate_in_the_query_text_is_refused(suite: Suite) -> None:
    query = '{"query": "{ searchSchools(regionCode: \\"620100\\", name: \\"%s\\") { code } }"}'
    status, reply = await post(suite, query % "\\\\ud800")  # a GraphQL escape in the text
    assert status == 200 and reply["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", reply
    status, reply = await post(suite, query % "\\ud800")  # a JSON escape: the text itself holds it
    assert status == 400 and reply["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", reply


async def test_a_multipart_map_that_does_not_fit_its_operations_is_refused(suite: Suite) -> None:
    upload = 'mutation($f: Upload!) { uploadPhoto(teacherId: "t1", file: $f) { userErrors { code } } }'
    operations = json.dumps({"query": upload, "variables": {"f": None}})
    for ops, paths in [
        (operations, ["x"]),  # a map that is no object
        (operations, {"0": [5]}),  # a path that is no text
        (operations, {"0": ["variables.f.x.y"]}),  # a path through a null
        (json.dumps({"query": upload, "variables": {"f": [1]}}), {"0": ["variables.f.5"]}),  # past the list's end
        (json.dumps("text"), {}),  # operations that are no request
        ("{", {}),  # operations that are no JSON
    ]:
        data = {"operations": ops, "map": json.dumps(paths)}
        reply = await suite.http.post("/graphql", data=data, files={"0": ("a.jpg", b"\xff\xd8", "image/jpeg")})
        assert reply.status_code == 400, (ops, paths)
        assert reply.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST", (ops, paths)


async def test_only_unexpected_faults_are_masked() -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def broken(self, n: int) -> int:
            raise RuntimeError("secret detail of the fault")

    schema = strawberry.Schema(query=Query, extensions=[ErrorMasking])
    fault = (await schema.execute("{ broken(n: 1) }")).errors[0]
    assert fault.extensions["code"] == "INTERNAL_SERVER_ERROR" and "secret" not in fault.message
    mistake = (await schema.execute("query($n: Int!) { broken(n: $n) }", {"n": "one"})).errors[0]
    assert mistake.extensions == {"code": "BAD_USER_INPUT"} and "$n" in mistake.message
