"""A collection window opens: logins storm while a district's lists are read, and the reverse.

Seed: 620000 → 620100 → 620101 → 20 schools over GraphQL with the admin's token, and
TMIS_STORM_TEACHERS teachers (5,000 by default) through records' bulk insert (as bench/scale.py,
one batch per school), counted by the summaries before anything is measured.

Measured through the gateway of a freshly started suite (`python -m tmis`), each phase for
`seconds`, every latency of every request kept:
  idle pages:   4 clients page through the district (`teachers(orgCode, first: 50, after)`, a
                QUERY token of the district), each from the first page to the last, again;
  storm:        the same 4 clients, while 8 clients log in back to back (`login`, each its own
                account of the district with its initial password: one argon2id verification);
  idle logins:  the 8 login clients alone.
Printed: p50/p95 and counts per phase, for pages and logins. Logins are argon2id (64 MiB, see
services/identity/config.py): identity runs them in threads of their own, at most
TMIS_IDENTITY_ARGON2_WORKERS at once (one per core), at lower priority, so they never hold its
event loop and leave a core to the reads. The last line is
`RATIO page_p95_idle_vs_storm <p95 idle / p95 storm> >= 0.33`, higher is better; beside it the
logins' p95 idle over during the pages (no goal: logins queue for argon2 by design).

    .venv/bin/python bench/storm.py [--seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import database_uri, running_suite  # noqa: E402 - beside this file
from pymongo import AsyncMongoClient  # noqa: E402
from scale import CREATE_ORG, LOGIN, PAGE, Teachers, gql, insert, mutate  # noqa: E402 - beside this file

from services.records.storage import Storage  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402

TEACHERS = int(os.environ.get("TMIS_STORM_TEACHERS", "5000"))
SECONDS = 20.0
READERS, LOGINS = 4, 8
REFUSED: list[str] = []  # logins refused, of every phase
ADMIN_PASSWORD = "Bench#Pass2026"
DISTRICT = "620101"
SCHOOLS = [f"31{DISTRICT}{s:02d}" for s in range(1, 21)]
ORGS = [
    {"code": "620000", "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"},
    {"code": "620100", "name": "兰州市", "level": "CITY", "parentCode": "620000"},
    {"code": DISTRICT, "name": "第一区", "level": "DISTRICT", "parentCode": "620100"},
] + [
    {"code": s, "name": f"第{n + 1}学校", "level": "SCHOOL", "parentCode": DISTRICT, "schoolType": "PRIMARY_SECONDARY"}
    for n, s in enumerate(SCHOOLS)
]
CREATE_ACCOUNT = (
    "mutation($i:CreateAccountInput!){ createAccount(input:$i){ initialPassword userErrors{code message} } }"
)
READER = Caller(
    account_id="bench-reader",
    username="bench_reader",
    org_code=DISTRICT,
    org_path=("100000", "620000", "620100", DISTRICT),
    roles=("QUERY",),
)


async def seed(uri: str) -> float:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    storage, made, started = Storage(client, "tmis_records"), Teachers(), time.monotonic()
    try:
        for n, school in enumerate(SCHOOLS):
            size = TEACHERS // len(SCHOOLS) + (1 if n < TEACHERS % len(SCHOOLS) else 0)
            first = sum(TEACHERS // len(SCHOOLS) + (1 if i < TEACHERS % len(SCHOOLS) else 0) for i in range(n))
            teachers = [made.make(first + i, school, DISTRICT) for i in range(size)]
            if await insert(client, storage, teachers):
                raise RuntimeError(f"records refused in {school}")
        while await storage.summaries.docs.count_documents({"dirty": True}):
            await asyncio.sleep(0.5)
        return time.monotonic() - started
    finally:
        await client.close()


async def post(client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL failed (HTTP {response.status_code}): {body}")
    return next(iter(body["data"].values()))


async def reader(client: httpx.AsyncClient, url: str, token: str, until: float, times: list[float]) -> None:
    cursor = None
    while time.monotonic() < until:
        t0 = time.perf_counter()
        page = await post(client, url, PAGE, {"o": DISTRICT, "a": cursor, "s": None}, token)
        times.append(time.perf_counter() - t0)
        cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None


async def login(
    client: httpx.AsyncClient, url: str, account: tuple[str, str], until: float, times: list[float]
) -> None:
    while time.monotonic() < until:
        t0 = time.perf_counter()
        found = await post(client, url, LOGIN, {"u": account[0], "p": account[1]})
        if found["userErrors"] or not found["token"]:  # counted as refused (e.g. SERVICE_UNAVAILABLE at the deadline)
            REFUSED.append(found["userErrors"][0]["code"] if found["userErrors"] else "NO_TOKEN")
            continue
        times.append(time.perf_counter() - t0)


async def phase(
    url: str, token: str, seconds: float, readers: int, accounts: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    pages: list[float] = []
    signed: list[float] = []
    limits = httpx.Limits(max_connections=readers + len(accounts))
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(reader(client, url, token, until, pages) for _ in range(readers)),
            *(login(client, url, account, until, signed) for account in accounts),
        )
    return pages, signed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def show(name: str, values: list[float], seconds: float) -> None:
    print(
        f"{name:24s} {len(values):6d} done  {len(values) / seconds:6.1f}/s  "
        f"p50 {pct(values, 0.5) * 1000:7.1f} ms  p95 {pct(values, 0.95) * 1000:7.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()
    with running_suite(ADMIN_PASSWORD) as suite, httpx.Client(timeout=120) as client:
        admin = gql(client, suite.url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]["token"]
        for org in ORGS:
            mutate(client, suite.url, CREATE_ORG, {"i": org}, admin)
        accounts = []  # one account per login client: attempts on one account at once count towards its lock
        for n in range(LOGINS):
            made = mutate(
                client,
                suite.url,
                CREATE_ACCOUNT,
                {"i": {"username": f"storm{n}", "orgCode": "100000", "roles": ["QUERY"]}},
                admin,
            )
            accounts.append((f"storm{n}", made["initialPassword"]))
        seeded = asyncio.run(seed(database_uri(suite.data_dir)))
        print(f"{TEACHERS} teachers in {len(SCHOOLS)} schools, loaded and counted in {seeded:.1f} s", flush=True)
        token = TokenSigner((suite.data_dir / "token_secret").read_text().strip()).sign(READER)
        asyncio.run(phase(suite.url, token, min(2.0, args.seconds), READERS, accounts[:1]))  # warm up
        idle_pages, _ = asyncio.run(phase(suite.url, token, args.seconds, READERS, []))
        storm_pages, storm_logins = asyncio.run(phase(suite.url, token, args.seconds, READERS, accounts))
        _, idle_logins = asyncio.run(phase(suite.url, token, args.seconds, 0, accounts))
    show("pages, idle", idle_pages, args.seconds)
    show("pages, login storm", storm_pages, args.seconds)
    show("logins, alone", idle_logins, args.seconds)
    show("logins, with pages", storm_logins, args.seconds)
    print(f"logins refused: {len(REFUSED)} {sorted(set(REFUSED))}")
    if not storm_logins:
        raise RuntimeError("no login finished during the storm")
    print(f"RATIO login_p95_alone_vs_with_pages {pct(idle_logins, 0.95) / pct(storm_logins, 0.95):.2f} (no goal)")
    print(f"RATIO page_p95_idle_vs_storm {pct(idle_pages, 0.95) / pct(storm_pages, 0.95):.2f} >= 0.33")


if __name__ == "__main__":
    main()
