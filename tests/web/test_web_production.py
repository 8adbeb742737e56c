"""The suite in production (TMIS_ENV=production): the web client works, every operation it sends being
in the build's trusted manifest, while a document outside the manifests is refused and counted."""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from conftest import ADMIN_PASSWORD, ROOT, Demo, first_login
from playwright.sync_api import Browser, expect

from gateway.persisted import document_hash
from tmis.run.procs import free_port

SCHOOL = "3162010302"
HEALTH = "query Probe { health { ok } }"  # a monitoring probe's own manifest (TMIS_TRUSTED_DOCUMENTS)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    home = tmp_path_factory.mktemp("production")
    manifest = home / "probe.json"
    manifest.write_text(json.dumps({document_hash(HEALTH): HEALTH}))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMIS_")}
    env |= {
        "TMIS_ENV": "production",
        "TMIS_TOKEN_SECRET": secrets.token_urlsafe(40),
        "TMIS_DATA_DIR": str(home / "var"),
        "TMIS_HTTP_PORT": str(port),
        "TMIS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "TMIS_TRUSTED_DOCUMENTS": str(manifest),
    }
    log = home / "suite.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tmis"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    accounts = home / "var" / "demo-accounts.csv"
    try:
        deadline = time.monotonic() + 120
        while not (_healthy(url) and accounts.is_file()):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the suite did not start:\n" + log.read_text()[-3000:]
            time.sleep(0.3)
        with open(accounts, encoding="utf-8-sig") as f:
            yield Demo(url, {row["用户名"]: row for row in csv.DictReader(f)})
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def _healthy(url: str) -> bool:
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(HEALTH)}}}
    try:
        return httpx.post(f"{url}/graphql", json=body, timeout=5).json()["data"]["health"]["ok"] is True
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return False


def test_the_web_client_works_in_production_and_nothing_else_runs(browser: Browser, production: Demo) -> None:
    context = browser.new_context(base_url=production.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        teacher = production.teachers(SCHOOL)[3]
        first_login(page, teacher, production.accounts[teacher]["初始密码"])
        page.wait_for_url("**/me")
        expect(page.locator("#basic-idNumber")).to_have_value(teacher)
        gender = page.locator("[data-test=basic-form] [data-field=gender] .el-select")
        expect(gender).to_contain_text("男" if int(teacher[16]) % 2 else "女")  # the code tables came too
        page.fill("#basic-formerName", "生产环境")
        page.click("[data-test=save-basic]")
        expect(page.get_by_text("已保存")).to_be_visible()
    finally:
        context.close()
    assert not errors, errors

    outside = httpx.post(f"{production.url}/graphql", json={"query": "{ me { username } }"})
    assert outside.status_code == 403, outside.text
    assert outside.json()["errors"][0]["extensions"]["code"] == "QUERY_NOT_IN_SAFELIST"
    metrics = httpx.get(f"{production.url}/metrics").text
    assert 'tmis_graphql_documents_refused_total{code="QUERY_NOT_IN_SAFELIST"} 1.0' in metrics


def test_the_probe_needs_its_manifest(production: Demo) -> None:
    """A document runs by its hash only when a manifest lists it: the same probe, unlisted, is refused."""
    unlisted = "query Unlisted { health { ok } }"
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash(unlisted)}}}
    reply = httpx.post(f"{production.url}/graphql", json=body)
    assert reply.status_code == 404 and reply.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
