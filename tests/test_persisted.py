"""Automatic persisted queries by Apollo's protocol (gateway/persisted.py), in development: a hash
instead of the document, the document kept once sent with its hash, queries by GET, no mutation by
GET. Production's trusted documents are in tests/test_production.py."""

from __future__ import annotations

import hashlib
import json

import httpx

from tests.support.suite import Suite

QUERY = "query ApqHealth { health { ok } }"
MUTATION = 'mutation ApqLogin { login(username: "apq-nobody", password: "Nobody#2026") { token } }'


def by_hash(document: str, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": hashlib.sha256(document.encode()).hexdigest()}}


def code(reply: httpx.Response) -> str | None:
    errors = reply.json().get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")


async def test_a_hash_runs_once_its_document_was_sent_with_it(suite: Suite) -> None:
    unknown = await suite.http.post("/graphql", json={"extensions": by_hash(QUERY)})
    assert unknown.status_code == 200 and code(unknown) == "PERSISTED_QUERY_NOT_FOUND", unknown.text
    sent = await suite.http.post("/graphql", json={"query": QUERY, "extensions": by_hash(QUERY)})
    assert sent.json()["data"] == {"health": {"ok": True}}, sent.text
    again = await suite.http.post("/graphql", json={"extensions": by_hash(QUERY), "variables": {}})
    assert again.json()["data"] == {"health": {"ok": True}}, again.text
    # by GET, as an HTTP cache can serve it
    params = {"extensions": json.dumps(by_hash(QUERY)), "variables": "{}"}
    got = await suite.http.get("/graphql", params=params)
    assert got.status_code == 200, (got.status_code, got.headers, got.text)
    assert got.json()["data"] == {"health": {"ok": True}}, got.text


async def test_a_wrong_hash_or_version_is_refused(suite: Suite) -> None:
    query = "query ApqRefused { health { ok } }"  # a document of this test's (the gateway keeps others' sent before)
    other = "query ApqOther { health { ok } }"
    wrong = await suite.http.post("/graphql", json={"query": other, "extensions": by_hash(query)})
    assert wrong.status_code == 400 and code(wrong) == "PERSISTED_QUERY_HASH_MISMATCH", wrong.text
    kept = await suite.http.post("/graphql", json={"extensions": by_hash(query)})
    assert code(kept) == "PERSISTED_QUERY_NOT_FOUND", kept.text  # nothing was kept under the wrong hash
    version = await suite.http.post("/graphql", json={"query": query, "extensions": by_hash(query, 2)})
    assert version.status_code == 400 and code(version) == "PERSISTED_QUERY_NOT_SUPPORTED", version.text
    bad = await suite.http.post("/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}})
    assert bad.status_code == 400 and code(bad) == "BAD_REQUEST", bad.text


async def test_a_mutation_by_get_is_refused(suite: Suite) -> None:
    posted = await suite.http.post("/graphql", json={"query": MUTATION, "extensions": by_hash(MUTATION)})
    assert posted.json()["data"] == {"login": {"token": None}}, posted.text
    for params in ({"extensions": json.dumps(by_hash(MUTATION))}, {"query": MUTATION}):
        got = await suite.http.get("/graphql", params=params)
        assert got.status_code == 400 and code(got) == "BAD_REQUEST", got.text
        assert "GET" in got.json()["errors"][0]["message"]
