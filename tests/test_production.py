"""Production mode (TMIS_ENV=production): no GraphiQL, no introspection, and no start without
the token secret. Development stays as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.persisted import MANIFEST_NAME, document_hash
from tests.support.suite import Suite
from tmis.run.procs import free_port
from tmis.settings import Settings, SettingsError

INTROSPECTION = "{ __schema { queryType { name } } }"
HEALTH = "{ health { ok } }"
WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"


def test_production_settings() -> None:
    with pytest.raises(SettingsError, match="TMIS_TOKEN_SECRET"):
        Settings.from_env({"TMIS_ENV": "production"})
    production = Settings.from_env({"TMIS_ENV": "production", "TMIS_TOKEN_SECRET": "s" * 40})
    assert not production.development and production.log_format == "json"
    development = Settings.from_env({})
    assert development.development and development.log_format == "text" and not development.token_secret
    assert Settings.from_env({"TMIS_LOG_FORMAT": "json"}).log_format == "json"
    for bad in ({"TMIS_ENV": "prod"}, {"TMIS_LOG_FORMAT": "xml"}):
        with pytest.raises(SettingsError, match=next(iter(bad))):
            Settings.from_env(bad)


@pytest.mark.parametrize("module", ["tmis", "gateway", "services.identity"])
def test_no_start_without_the_token_secret_in_production(module: str, tmp_path: Path) -> None:
    """`make run` (the supervisor) as much as each process: a clear message, no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMIS_")}
    env |= {"TMIS_ENV": "production", "TMIS_DATA_DIR": str(tmp_path), "TMIS_HTTP_PORT": str(free_port())}
    done = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "cannot start: TMIS_TOKEN_SECRET must be set" in done.stderr and "Traceback" not in done.stderr, done.stderr


def trusted(path: Path, *documents: str) -> Path:
    """A manifest in Apollo's format (as Apollo iOS, Kotlin and Client generate it)."""
    operations = [{"id": document_hash(d), "body": d, "name": "", "type": "query"} for d in documents]
    path.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}))
    return path


def production(suite: Suite, manifest: Path) -> Settings:
    raw = {**suite.settings.raw, "TMIS_TRUSTED_DOCUMENTS": str(manifest), "TMIS_WEB_DIR": str(WEB_DIST)}
    return replace(suite.settings, env="production", raw=raw)


async def test_production_turns_graphiql_and_introspection_off(suite: Suite, tmp_path: Path) -> None:
    manifest = trusted(tmp_path / "trusted.json", INTROSPECTION, HEALTH)  # trusted, and still refused
    for env, development in (("development", True), ("production", False)):
        app = create_app(replace(production(suite, manifest), env=env), clients=suite.clients)
        transport = httpx.ASGITransport(app=app)
        http = httpx.AsyncClient(transport=transport, base_url="http://gateway")
        async with app.router.lifespan_context(app), http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert ("graphiql" in page.text.lower()) is development, page.text[:200]
            reply = (await http.post("/graphql", json={"query": INTROSPECTION})).json()
            assert (reply.get("data") == {"__schema": {"queryType": {"name": "Query"}}}) is development, reply
            assert (await http.post("/graphql", json={"query": HEALTH})).json()["data"]["health"]["ok"]


async def test_production_runs_only_trusted_documents(suite: Suite, tmp_path: Path) -> None:
    """A mobile app's manifest (TMIS_TRUSTED_DOCUMENTS) and the web build's run, by hash or as text; any
    other document is refused with Apollo router's codes, and counted."""
    if not (WEB_DIST / MANIFEST_NAME).is_file():
        pytest.fail("web/dist is missing: run `make web` (the build writes the trusted manifest)")
    mobile = "query MobileHealth { health { ok } }"
    app = create_app(production(suite, trusted(tmp_path / "mobile.json", mobile)), clients=suite.clients)
    web = json.loads((WEB_DIST / MANIFEST_NAME).read_text())
    codes = next(h for h, d in web.items() if d.startswith("query CodeTables("))
    outside = "query Outside { health { ok } }"

    def by_hash(key: str) -> dict:
        return {"persistedQuery": {"version": 1, "sha256Hash": key}}

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http,
    ):

        async def run(body: dict, status: int = 200) -> dict:
            reply = await http.post("/graphql", json=body)
            assert reply.status_code == status, reply.text
            return reply.json()

        assert (await run({"query": mobile}))["data"] == {"health": {"ok": True}}
        assert (await run({"extensions": by_hash(document_hash(mobile))}))["data"] == {"health": {"ok": True}}
        genders = await run({"extensions": by_hash(codes), "variables": {"names": ["gender"]}})
        assert [c["code"] for c in genders["data"]["codeTables"][0]] == ["0", "1", "2", "9"], (
            genders
        )  # the web client's
        refusals = [
            ({"query": outside}, 403, "QUERY_NOT_IN_SAFELIST"),
            ({"query": outside, "extensions": by_hash(document_hash(outside))}, 403, "QUERY_NOT_IN_SAFELIST"),
            ({"extensions": by_hash(document_hash(outside))}, 404, "PERSISTED_QUERY_NOT_IN_LIST"),
        ]
        for body, status, code in refusals:
            reply = await run(body, status)
            assert reply["data"] is None and reply["errors"][0]["extensions"]["code"] == code, reply
        metrics = (await http.get("/metrics")).text
        assert 'tmis_graphql_documents_refused_total{code="QUERY_NOT_IN_SAFELIST"} 2.0' in metrics
        assert 'tmis_graphql_documents_refused_total{code="PERSISTED_QUERY_NOT_IN_LIST"} 1.0' in metrics


def test_a_manifest_whose_hashes_do_not_match_stops_the_start(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"0" * 64: "{ health { ok } }"}))
    settings = Settings.from_env({"TMIS_TOKEN_SECRET": "s" * 40, "TMIS_TRUSTED_DOCUMENTS": str(wrong)})
    with pytest.raises(SettingsError, match="wrong.json"):
        create_app(settings)
