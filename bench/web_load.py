"""The web client on a county network (1.6 Mbps, 150 ms round trip, Chromium's own throttling):
what a first load of the login page transfers, and how long a signed-in teacher waits for the own
record page to be usable with an empty cache. Starts the whole suite with its demo data as the
browser tests do (`python -m tmis`, the built web/dist), drives Debian's chromium through Playwright.

    .venv/bin/python bench/web_load.py [--runs N]

The record page is timed twice: signing in on a login page just loaded (the clock starts at 登录;
what a teacher does), and opened directly by a signed-in teacher with an empty cache. The last
lines are `RATIO web_login_budget <350 KB / transferred KB> >= 1` and `RATIO web_record_budget
<2 s / seconds from 登录> >= 1`; higher is better. Each figure is the median of --runs loads.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.web.loading import LOGIN_BUDGET_KB, RECORD_BUDGET_S, login_page, record_page  # noqa: E402
from tmis.run.procs import free_port  # noqa: E402

ADMIN_PASSWORD = "Bench#Web2026"
NEW_PASSWORD = "Bench#Pass2026"
SCHOOL = "3162010201"
CHANGE = "mutation($o:String!,$n:String!){ changePassword(oldPassword:$o,newPassword:$n){ userErrors{message} } }"
LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{message} } }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="loads of each page (the median is reported)")
    runs = parser.parse_args().runs
    with demo_suite() as (url, teacher), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        logins = sorted((login_page(browser, url) for _ in range(runs)), key=lambda m: m.seconds)
        records = [record_page(browser, url, teacher, NEW_PASSWORD) for _ in range(runs)]
        browser.close()
    login = logins[len(logins) // 2]
    after_login = sorted((r[0] for r in records), key=lambda m: m.seconds)[len(records) // 2]
    direct = sorted((r[1] for r in records), key=lambda m: m.seconds)[len(records) // 2]
    kb = login.transferred / 1024
    print(f"login page, first load: {kb:.1f} KB, {login.requests} requests, usable after {login.seconds:.2f} s")
    for what, m in (("from 登录 on that login page", after_login), ("opened directly, empty cache", direct)):
        print(
            f"record page, {what}: {m.transferred / 1024:.1f} KB, {m.requests} requests, usable after {m.seconds:.2f} s"
        )
    print(f"RATIO web_login_budget {LOGIN_BUDGET_KB / kb:.2f} >= 1")
    print(f"RATIO web_record_budget {RECORD_BUDGET_S / after_login.seconds:.2f} >= 1")


@contextmanager
def demo_suite() -> Iterator[tuple[str, str]]:
    """The suite with its demo data, healthy, and a teacher (username) whose password is NEW_PASSWORD;
    stopped when the block ends. Also used by bench/lighthouse.py."""
    data_dir = Path(tempfile.mkdtemp(prefix="tmis-bench-web-")) / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("TMIS_MONGODB_URI", "TMIS_TOKEN_SECRET")}
    env |= {"TMIS_DATA_DIR": str(data_dir), "TMIS_HTTP_PORT": str(port), "TMIS_ADMIN_PASSWORD": ADMIN_PASSWORD}
    env["TMIS_LOG_LEVEL"] = "WARNING"
    url = f"http://127.0.0.1:{port}"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(data_dir.parent / "suite.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "tmis"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit("the suite did not start: " + (data_dir.parent / "suite.log").read_text()[-3000:])
            time.sleep(0.5)
        with open(data_dir / "demo-accounts.csv", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        teacher = next(r for r in rows if r["角色"].startswith("TEACHER") and r["单位代码"] == SCHOOL)
        _first_change(url, teacher["用户名"], teacher["初始密码"])
        yield url, teacher["用户名"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def _healthy(url: str) -> bool:
    try:
        reply = httpx.post(f"{url}/graphql", json={"query": "{ health { ok } }"}, timeout=5)
        return reply.json()["data"]["health"]["ok"] is True
    except (httpx.HTTPError, KeyError, TypeError, ValueError):
        return False


def _first_change(url: str, username: str, password: str) -> None:
    """The teacher's initial password changed, as the first login asks."""
    login = httpx.post(f"{url}/graphql", json={"query": LOGIN, "variables": {"u": username, "p": password}}, timeout=30)
    token = login.json()["data"]["login"]["token"]
    headers = {"authorization": f"Bearer {token}"}
    body = {"query": CHANGE, "variables": {"o": password, "n": NEW_PASSWORD}}
    changed = httpx.post(f"{url}/graphql", json=body, headers=headers, timeout=30).json()
    assert not changed["data"]["changePassword"]["userErrors"], changed


if __name__ == "__main__":
    main()
