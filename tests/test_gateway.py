"""The gateway against the real services: health, login, the org tree, errors."""

from __future__ import annotations

import pytest
from graphql.validation import validate
from strawberry.schema import schema as strawberry_schema

from tests.support.suite import ADMIN_PASSWORD, Suite
from tests.support.world import Orgs

HEALTH = "{ health { ok services { name ok latencyMs } } }"
ORG_TREE = """query($c: String!) { org(code: $c) { code name level schoolType parent { code } children { code level
  schoolType } } }"""
CREATE_ORG = """mutation($i: CreateOrgInput!) { createOrg(input: $i) { org { code level schoolType parent { code } }
  userErrors { code message field } } }"""


async def test_health_reports_every_service(suite: Suite) -> None:
    health = (await suite.graphql(HEALTH))["data"]["health"]
    assert health["ok"] is True
    assert [s["name"] for s in health["services"]] == ["identity", "records", "review", "media"]
    assert all(s["ok"] and s["latencyMs"] >= 0 for s in health["services"])


@pytest.mark.usefixtures("fresh_suite")  # it stops a service
async def test_health_answers_when_a_service_is_down(suite: Suite) -> None:
    await suite.servers["review"].stop(grace=0)
    health = (await suite.graphql(HEALTH))["data"]["health"]
    assert health["ok"] is False
    assert {s["name"]: s["ok"] for s in health["services"]} == {
        "identity": True,
        "records": True,
        "review": False,
        "media": True,
    }
    token = await suite.login_admin()  # what does not depend on review keeps working
    assert (await suite.graphql("{ me { username } }", token=token))["data"]["me"]["username"] == "admin"


async def test_login_me_and_org_tree(suite: Suite) -> None:
    login = (
        await suite.graphql(
            """mutation($p: String!) { login(username: "admin", password: $p) { token mustChangePassword account {
  username roles org { code level } } userErrors { code } } }""",
            {"p": ADMIN_PASSWORD},
        )
    )["data"]["login"]
    assert login["userErrors"] == [] and login["mustChangePassword"] is False
    assert login["account"] == {
        "username": "admin",
        "roles": ["SYSTEM_ADMIN"],
        "org": {"code": "100000", "level": "NATION"},
    }
    token = login["token"]
    orgs = Orgs.unique()
    for code, name, level, parent, school_type in [
        (orgs.province, "甘肃省", "PROVINCE", "100000", None),
        (orgs.city, "兰州市", "CITY", orgs.province, None),
        (orgs.district, "城关区", "DISTRICT", orgs.city, None),
        (orgs.school, "示范小学", "SCHOOL", orgs.district, "PRIMARY_SECONDARY"),
    ]:
        result = await suite.graphql(
            CREATE_ORG,
            {"i": {"code": code, "name": name, "level": level, "parentCode": parent, "schoolType": school_type}},
            token,
        )
        assert result["data"]["createOrg"]["userErrors"] == [], result
    org = (await suite.graphql(ORG_TREE, {"c": orgs.district}, token))["data"]["org"]
    assert org["parent"] == {"code": orgs.city}
    assert org["children"] == [{"code": orgs.school, "level": "SCHOOL", "schoolType": "PRIMARY_SECONDARY"}]


async def test_create_org_errors_name_the_field(suite: Suite) -> None:
    token = await suite.login_admin()
    orgs = Orgs.unique()
    province = {"code": orgs.province, "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"}
    cases = [
        ({**province, "code": "62"}, "INVALID_INPUT", "input.code"),
        ({**province, "code": "62-00", "name": "某校", "level": "SCHOOL"}, "INVALID_INPUT", "input.code"),
        ({**province, "code": orgs.school, "name": "某校", "level": "SCHOOL"}, "INVALID_INPUT", "input.schoolType"),
        ({**province, "name": "  "}, "INVALID_INPUT", "input.name"),
        ({**province, "parentCode": "999999"}, "FORBIDDEN", "input.parentCode"),
    ]
    for given, code, field in cases:
        errors = (await suite.graphql(CREATE_ORG, {"i": given}, token))["data"]["createOrg"]["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], given
        assert errors[0]["message"]  # a Chinese sentence for the clerk
    assert (await suite.graphql(CREATE_ORG, {"i": province}, token))["data"]["createOrg"]["userErrors"] == []
    again = await suite.graphql(CREATE_ORG, {"i": province}, token)
    assert again["data"]["createOrg"]["userErrors"][0]["code"] == "ALREADY_EXISTS"
    below = await suite.graphql(
        CREATE_ORG,
        {"i": {"code": orgs.city, "name": "兰州市", "level": "PROVINCE", "parentCode": orgs.province}},
        token,
    )
    assert below["data"]["createOrg"]["userErrors"][0]["field"] == "input.level"


@pytest.mark.usefixtures("fresh_suite")  # a wrong password for the nation's admin (5 lock it)
async def test_wrong_password_and_bad_tokens(suite: Suite) -> None:
    for username in ("admin", "nobody"):  # the same answer whether or not the account exists
        result = await suite.graphql(
            f'mutation {{ login(username: "{username}", password: "x") {{ token userErrors {{ code field }} }} }}'
        )
        assert result["data"]["login"] == {
            "token": None,
            "userErrors": [{"code": "INVALID_CREDENTIALS", "field": "password"}],
        }
    forged = TokenForgery.tamper(await suite.login_admin())
    assert (await suite.graphql("{ me { username } }", token=forged))["data"]["me"] is None
    assert (await suite.graphql('{ org(code: "100000") { name } }', token=forged))["data"]["org"] is None
    province = {"code": Orgs.unique().province, "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"}
    errors = await suite.graphql(CREATE_ORG, {"i": province}, forged)
    assert errors["data"]["createOrg"]["userErrors"][0]["code"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("fresh_suite")  # it stops a service
async def test_query_limits_and_masked_errors(suite: Suite) -> None:
    deep = "{ me { org " + "{ parent " * 15 + "{ code }" + " }" * 15 + " } }"
    result = await suite.graphql(deep)
    assert result["errors"] and "depth" in result["errors"][0]["message"]
    aliases = "{ " + " ".join(f"h{i}: health {{ ok }}" for i in range(60)) + " }"
    assert "aliases" in (await suite.graphql(aliases))["errors"][0]["message"].lower()
    token = await suite.login_admin()
    await suite.servers["identity"].stop(grace=0)
    result = await suite.graphql('{ org(code: "100000") { name } }', token=token)
    assert result["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "账号服务" in result["errors"][0]["message"]


async def test_a_document_is_validated_once_and_still_within_the_limits(
    suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation is cached by document (a photo upload spent 5 ms validating the same mutation every time)."""
    validated: list[object] = []

    def counted(schema: object, document: object, *args: object, **kwargs: object) -> object:
        validated.append(document)
        return validate(schema, document, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(strawberry_schema, "validate", counted)
    once = "{ health { ok } h: health { ok } __typename }"
    for _ in range(3):
        assert (await suite.graphql(once))["data"]["h"]["ok"] is True
    deep = "{ me { org " + "{ parent " * 16 + "{ name }" + " }" * 16 + " } }"  # (documents of this test only)
    for _ in range(2):
        assert "depth" in (await suite.graphql(deep))["errors"][0]["message"]
    assert len(validated) == 2


async def test_request_id_is_echoed(suite: Suite) -> None:
    reply = await suite.http.post("/graphql", json={"query": "{ health { ok } }"}, headers={"x-request-id": "abc-123"})
    assert reply.headers["x-request-id"] == "abc-123"
    reply = await suite.http.post(
        "/graphql", json={"query": "{ health { ok } }"}, headers={"x-request-id": "bad id\n<script>"}
    )
    assert reply.headers["x-request-id"] != "bad id\n<script>" and len(reply.headers["x-request-id"]) == 32


class TokenForgery:
    @staticmethod
    def tamper(token: str) -> str:
        """Same payload with roles raised and the old signature: must be refused."""
        import base64
        import json

        head, body, mac = token.split(".")
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        data["service"] = True
        forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
        return f"{head}.{forged}.{mac}"


async def test_tokens_near_expiry_are_renewed(suite: Suite) -> None:
    caller = suite.signer.verify(await suite.login_admin())
    short = suite.signer.sign(caller, ttl_seconds=60)  # well past half of the configured lifetime
    reply = await suite.http.post(
        "/graphql", json={"query": "{ me { username } }"}, headers={"authorization": f"Bearer {short}"}
    )
    renewed = reply.headers["x-tmis-token"]
    assert suite.signer.verify(renewed).expires_at > suite.signer.verify(short).expires_at
    assert (await suite.graphql("{ me { username } }", token=renewed))["data"]["me"]["username"] == "admin"
    fresh = await suite.http.post(
        "/graphql",
        json={"query": "{ me { username } }"},
        headers={"authorization": f"Bearer {await suite.login_admin()}"},
    )
    assert "x-tmis-token" not in fresh.headers


async def test_oversized_bodies_are_refused_before_parsing(suite: Suite) -> None:
    huge = {
        "query": 'mutation($p: String!) { login(username: "admin", password: $p) { token } }',
        "variables": {"p": "x" * (3 * 1024 * 1024)},
    }
    reply = await suite.http.post("/graphql", json=huge)
    assert reply.status_code == 413 and reply.json()["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks():  # no content-length: counted as it streams
        for _ in range(40):
            yield b" " * 100_000

    reply = await suite.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert reply.status_code == 413


@pytest.mark.usefixtures("fresh_suite")  # wrong passwords for names like the nation's admin's
async def test_hostile_strings_are_just_data(suite: Suite) -> None:
    for username in ('{"$ne": null}', "admin' OR '1'='1", "admin\x00", "ａｄｍｉｎ", "a" * 10_000):
        result = await suite.graphql(
            'mutation($u: String!) { login(username: $u, password: "x") { token userErrors { code } } }',
            {"u": username},
        )
        assert result["data"]["login"] == {"token": None, "userErrors": [{"code": "INVALID_CREDENTIALS"}]}, username
