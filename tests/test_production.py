"""Production mode (TMIS_ENV=production): no GraphiQL, no introspection, and no start without
the token secret. Development stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from tests.conftest import Suite
from tmis.run.procs import free_port
from tmis.settings import Settings, SettingsError

INTROSPECTION = "{ __schema { queryType { name } } }"


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


async def test_production_turns_graphiql_and_introspection_off(suite: Suite) -> None:
    for env, development in (("development", True), ("production", False)):
        app = create_app(replace(suite.settings, env=env), clients=suite.clients)
        transport = httpx.ASGITransport(app=app)
        http = httpx.AsyncClient(transport=transport, base_url="http://gateway")
        async with app.router.lifespan_context(app), http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert ("graphiql" in page.text.lower()) is development, page.text[:200]
            reply = (await http.post("/graphql", json={"query": INTROSPECTION})).json()
            assert (reply.get("data") == {"__schema": {"queryType": {"name": "Query"}}}) is development, reply
            assert (await http.post("/graphql", json={"query": "{ health { ok } }"})).json()["data"]["health"]["ok"]
