"""Lighthouse (the npm package pinned in web/package.json, web/node_modules/.bin/lighthouse) on the
sign-in page and on the teacher's own record page, as a phone sees them: Lighthouse's mobile profile
and its default (simulated) throttling, Debian's chromium. Starts the suite with its demo data as
bench/web_load.py does.

    .venv/bin/python bench/lighthouse.py [--runs N] [--only login|record] [--reports DIR]

Chromium runs with a debugging port; Lighthouse attaches to it. The record page needs a signed-in
teacher: the HTTP cache, the service worker, its caches and the origin's storage are cleared, then
what signing in leaves in localStorage (the token and the account, web/src/session.ts) is put back,
and Lighthouse runs without resetting storage, so the page loads as a first visit that is signed in.
Installability is Chromium's own verdict (CDP `Page.getInstallabilityErrors`, Lighthouse 12 having
dropped its PWA category), asked on the sign-in page once its service worker controls it.

Each score is the median of --runs runs; --reports keeps each run's JSON report (what costs: long
tasks, the network chain, the largest paint). The simulation scales the main thread's observed times
(×4), so a machine busy with other work lowers the performance score: the load average is printed.
The lines `RATIO lighthouse_<page>_<category> <score / goal> >= 1` compare with the goals: performance
90, accessibility 100, best practices 95; and `RATIO lighthouse_installable <1 when installable, else
0> >= 1`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.web_load import LOGIN, NEW_PASSWORD, demo_suite  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tmis.run.procs import free_port  # noqa: E402

LIGHTHOUSE = ROOT / "web" / "node_modules" / ".bin" / "lighthouse"
GOALS = {"performance": 90, "accessibility": 100, "best-practices": 95}
PAGES = {"login": "/login", "record": "/me"}
# the account as the web client keeps it (MeFields in web/src/pages/common/session.graphql)
ME = "{ me { id username displayName roles mustChangePassword org { code name level schoolType } } }"
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs of each page (the median is reported)")
    parser.add_argument("--only", choices=sorted(PAGES), help="audit this page only")
    parser.add_argument("--reports", type=Path, help="keep each run's JSON report in this directory")
    args = parser.parse_args()
    runs, pages = args.runs, [args.only] if args.only else list(PAGES)
    load_before = os.getloadavg()[0]
    if not LIGHTHOUSE.exists():
        sys.exit("web/node_modules is missing: run `make web` (npm ci installs lighthouse)")
    profile = Path(tempfile.mkdtemp(prefix="tmis-lighthouse-"))
    port = free_port()
    chromium = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_ARGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        with demo_suite() as (url, teacher):
            storage = _signed_in(url, teacher)
            installable = _installability(port, url)
            scores = {page: [_audit(port, url, page, storage, i, args.reports) for i in range(runs)] for page in pages}
    finally:
        chromium.terminate()
        chromium.wait(30)
        shutil.rmtree(profile, ignore_errors=True)
    for page, results in scores.items():
        # (sorted, not the statistics module: bench/statistics.py shadows it here)
        medians = {c: sorted(r[c] for r in results)[len(results) // 2] for c in GOALS}
        print(f"{page} ({PAGES[page]}): " + ", ".join(f"{c} {medians[c]:.0f}" for c in GOALS))
        for category, goal in GOALS.items():
            print(f"RATIO lighthouse_{page}_{category.replace('-', '_')} {medians[category] / goal:.2f} >= 1")
    print(f"load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs")
    print(f"installability errors: {installable or 'none'}")
    print(f"RATIO lighthouse_installable {0 if installable else 1} >= 1")


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/json/version", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit("chromium did not open its debugging port")


def _signed_in(url: str, teacher: str) -> dict[str, str]:
    """What the web client keeps in localStorage once the teacher has signed in."""
    body = {"query": LOGIN, "variables": {"u": teacher, "p": NEW_PASSWORD}}
    token = str(httpx.post(f"{url}/graphql", json=body, timeout=30).json()["data"]["login"]["token"])
    me = httpx.post(f"{url}/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"}, timeout=30)
    return {"tmis.token": token, "tmis.me": json.dumps(me.json()["data"]["me"], ensure_ascii=False)}


def _installability(port: int, url: str) -> list[str]:
    """Chromium's installability errors for the sign-in page once its service worker controls it."""
    with sync_playwright() as p:
        browser = p.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = browser.contexts[0].new_page()
        page.goto(f"{url}/login")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60_000)
        page.reload()
        errors = page.context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        page.close()
        return [e["errorId"] for e in errors]


def _prepare(port: int, url: str, storage: dict[str, str]) -> None:
    """An empty cache (HTTP, service worker, its caches) and storage, but for `storage` in localStorage."""
    with sync_playwright() as p:
        browser = p.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = browser.contexts[0].new_page()
        page.goto(f"{url}/healthz")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.clearBrowserCache")
        cdp.send("Storage.clearDataForOrigin", {"origin": url, "storageTypes": "all"})
        page.evaluate("items => Object.entries(items).forEach(([k, v]) => localStorage.setItem(k, v))", storage)
        page.close()


def _audit(port: int, url: str, page: str, storage: dict[str, str], run: int, keep: Path | None) -> dict[str, float]:
    """One Lighthouse run of a page (mobile, default throttling): its category scores out of 100."""
    _prepare(port, url, storage if page == "record" else {})
    out = Path(tempfile.mkdtemp(prefix="tmis-lighthouse-report-")) / "report.json"
    command = [
        str(LIGHTHOUSE),
        f"{url}{PAGES[page]}",
        f"--port={port}",
        "--disable-storage-reset",  # storage was emptied by _prepare, the token kept
        "--only-categories=performance,accessibility,best-practices",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT / "web")
    if done.returncode != 0 or not out.is_file():
        sys.exit(f"lighthouse failed on {page}:\n{done.stderr[-3000:]}")
    report = json.loads(out.read_text())
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(out, keep / f"{page}-{run + 1}.json")
    shutil.rmtree(out.parent, ignore_errors=True)
    failing = [a for a in report["audits"].values() if a.get("score") is not None and a["score"] < 0.9]
    print(f"  {page}, audits under 0.9: " + "; ".join(f"{a['id']} {a['score']:.2f}" for a in failing), file=sys.stderr)
    performance = report["categories"]["performance"]["score"] * 100
    metrics = ", ".join(f"{m} {report['audits'][m]['displayValue']}" for m in METRICS)
    print(f"  {page}: performance {performance:.0f}, {metrics}", file=sys.stderr)
    return {c: report["categories"][c]["score"] * 100 for c in GOALS}


if __name__ == "__main__":
    main()
