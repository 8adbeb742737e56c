"""A reviewer's queue of 50: what do `changesSinceApproval` and `history` cost on a page?

The school's reviewer opens 待审核 (`reviewQueue(first: 50)`): every row shows the record, its
school, its review state and what changed since its approval; a record's page adds its history.
Each of those reads goes through the gateway's per-request DataLoaders, so a page should cost one
call per lookup, whatever its length. This benchmark, on a freshly started suite (`python -m tmis`
with the embedded database and every service's metrics served), measures sequentially (one request
at a time) and in the same run:

  (A) the page with `changesSinceApproval { path }` and `history(first: 5) { at path }` on every row;
  (B) the same page without those two fields: the baseline.

It counts the RPCs a page of A and of B makes, by service and method (the services'
`tmis_rpc_server_handled_total` before and after a few pages; health checks and the revocation
feed left out), then measures pages per second of each, rounds interleaved B, A, B, A. Seeding
(orgs, 50 complete records with every set, submitted) is not measured. Two lines close it, higher
is better:

  `RATIO review_queue_calls <calls of B / calls of A> >= 0.5`: the two fields add at most as many
  calls as the page makes without them (one per lookup: 6 against 4; 104 when each row read its
  own);
  `RATIO review_queue_changes_history <pages/s of A / of B> >= 0.33`: the two fields at most
  triple the page's time. On the embedded database the history dominates: one query per record,
  each reading every change of that record before its limit (SecantusDB answers one query at a
  time, about 1 ms each here).

    .venv/bin/python bench/review_queue.py [--seconds S] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import gql, running_suite  # noqa: E402 - beside this file
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.run.demo import DEMO_ENTRIES, demo_basic  # noqa: E402
from tmis.run.procs import free_port  # noqa: E402

ROUND_SECONDS = 5.0
ROUNDS = 2
COUNTED_PAGES = 5
TEACHERS = 50
CONCURRENCY = 2  # the machine has 2 cores
ADMIN_PASSWORD = "Bench#Pass2026"
SERVICES = ("identity", "records", "review", "media")
NATION, PROVINCE, CITY, DISTRICT, SCHOOL = "100000", "620000", "620100", "620102", "3162010201"
PATH = (NATION, PROVINCE, CITY, DISTRICT, SCHOOL)
ORGS = [
    {"code": PROVINCE, "name": "甘肃省", "level": "PROVINCE", "parentCode": NATION},
    {"code": CITY, "name": "兰州市", "level": "CITY", "parentCode": PROVINCE},
    {"code": DISTRICT, "name": "城关区", "level": "DISTRICT", "parentCode": CITY},
    {"code": SCHOOL, "name": "示范小学", "level": "SCHOOL", "parentCode": DISTRICT, "schoolType": "PRIMARY_SECONDARY"},
]
CLERK = Caller("bench-clerk", "bench_clerk", SCHOOL, PATH, ("DATA_ENTRY",))
REVIEWER = Caller("bench-reviewer", "bench_reviewer", SCHOOL, PATH, ("REVIEWER",))

LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{code message} } }"
CREATE_ORG = "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message field} } }"
CREATE_TEACHER = """mutation($s:String!,$b:BasicInfoInput!){ createTeacher(schoolCode:$s, basic:$b){ teacher{ id
  version } userErrors{code message field} } }"""
ADD_ENTRY = """mutation($t:ID!,$v:Int!,$s:InfoSet!,$d:EntryData!){ addEntry(teacherId:$t, expectedVersion:$v,
  entry:{other:{set:$s, data:$d}}){ teacher{ version } userErrors{code message field} } }"""
SUBMIT = "mutation($ids:[ID!]!){ submitRecords(teacherIds:$ids){ succeeded userErrors{code message field} } }"
# the web client's ReviewQueue (web/src/pages/review/review.graphql), with or without the two fields
ROW = "id basic{ name idNumber } school{ name schoolType } review{ status kind pendingLevel findings{ code } } "
ROW += "warnings{ code } "
WITH = "changesSinceApproval{ path } history(first: 5){ at path } "
PAGE = "query{ reviewQueue(first: 50){ totalCount pageInfo{ hasNextPage endCursor } edges{ node{ %s} } } }"
QUERY_A, QUERY_B = PAGE % (ROW + WITH), PAGE % ROW


def basic_input(serial: int) -> dict[str, Any]:
    basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
    basic["gender"] = "1" if serial % 2 == 0 else "2"
    basic["birthDate"] = f"{basic['idNumber'][6:10]}-{basic['idNumber'][10:12]}-{basic['idNumber'][12:14]}"
    return basic


async def seed(client: httpx.AsyncClient, url: str, clerk: str) -> None:
    admin = (await gql(client, url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD}))["token"]
    for org in ORGS:
        await gql(client, url, CREATE_ORG, {"i": org}, admin)
    serials = list(range(TEACHERS))

    async def worker() -> list[str]:
        made = []
        while serials:
            serial = serials.pop(0)
            teacher = (await gql(client, url, CREATE_TEACHER, {"s": SCHOOL, "b": basic_input(serial)}, clerk))[
                "teacher"
            ]
            version = teacher["version"]
            for set_key, data in DEMO_ENTRIES.items():
                variables = {"t": teacher["id"], "v": version, "s": set_key, "d": data}
                version = (await gql(client, url, ADD_ENTRY, variables, clerk))["teacher"]["version"]
            made.append(teacher["id"])
        return made

    ids = [i for made in await asyncio.gather(*(worker() for _ in range(CONCURRENCY))) for i in made]
    await gql(client, url, SUBMIT, {"ids": ids}, clerk)


async def handled(client: httpx.AsyncClient, ports: dict[str, int]) -> Counter[str]:
    """RPCs handled so far, by service and method (health checks and the revocation feed left out)."""
    counted: Counter[str] = Counter()
    for service, port in ports.items():
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                method = sample.labels.get("method", "")
                if sample.name != "tmis_rpc_server_handled_total" or "Health" in method or "Revocations" in method:
                    continue
                counted[f"{service} {method.rsplit('/', 1)[-1]}"] += int(sample.value)
    return counted


async def page(client: httpx.AsyncClient, url: str, query: str, token: str) -> None:
    found = await gql(client, url, query, {}, token)
    if len(found["edges"]) != TEACHERS:
        raise RuntimeError(f"expected {TEACHERS} rows, got {len(found['edges'])}")


async def calls_per_page(
    client: httpx.AsyncClient, url: str, query: str, token: str, ports: dict[str, int]
) -> tuple[float, str]:
    """(RPCs per page, the same by service and method)."""
    before = await handled(client, ports)
    for _ in range(COUNTED_PAGES):
        await page(client, url, query, token)
    moved = await handled(client, ports) - before
    return sum(moved.values()) / COUNTED_PAGES, ", ".join(
        f"{m} {n / COUNTED_PAGES:g}" for m, n in sorted(moved.items())
    )


async def rate(client: httpx.AsyncClient, url: str, query: str, token: str, seconds: float) -> tuple[int, float]:
    count, start = 0, time.monotonic()
    while time.monotonic() < start + seconds:
        await page(client, url, query, token)
        count += 1
    return count, time.monotonic() - start


async def run(url: str, signer: TokenSigner, ports: dict[str, int], seconds: float, rounds: int) -> None:
    clerk, reviewer = signer.sign(CLERK), signer.sign(REVIEWER)
    async with httpx.AsyncClient(timeout=120) as client:
        started = time.monotonic()
        await seed(client, url, clerk)
        print(f"seeded and submitted {TEACHERS} complete records in {time.monotonic() - started:.1f} s", flush=True)
        calls = {}
        for label, query in (("A", QUERY_A), ("B", QUERY_B)):
            await page(client, url, query, reviewer)  # code tables cached, connections open
            calls[label], by_method = await calls_per_page(client, url, query, reviewer, ports)
            print(f"{label} page of {TEACHERS}: {calls[label]:g} RPCs: {by_method}", flush=True)
        a, b = [], []
        for i in range(rounds):
            b.append(await rate(client, url, QUERY_B, reviewer, seconds))
            print(f"round {i + 1} B without: {b[-1][0]} pages in {b[-1][1]:.2f} s", flush=True)
            a.append(await rate(client, url, QUERY_A, reviewer, seconds))
            print(f"round {i + 1} A with:    {a[-1][0]} pages in {a[-1][1]:.2f} s", flush=True)
    rate_a = sum(n for n, _ in a) / sum(t for _, t in a)
    rate_b = sum(n for n, _ in b) / sum(t for _, t in b)
    print(f"A with changesSinceApproval and history: {rate_a:.2f} pages/s ({1000 / rate_a:.0f} ms/page)")
    print(f"B without:                               {rate_b:.2f} pages/s ({1000 / rate_b:.0f} ms/page)")
    print(f"RATIO review_queue_calls {calls['B'] / calls['A']:.2f} >= 0.5")
    print(f"RATIO review_queue_changes_history {rate_a / rate_b:.2f} >= 0.33")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="duration of each round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    ports = {s: free_port() for s in SERVICES}
    extra = {f"TMIS_{s.upper()}_METRICS_PORT": str(p) for s, p in ports.items()}
    with running_suite(ADMIN_PASSWORD, extra) as suite:
        signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
        asyncio.run(run(suite.url, signer, ports, args.seconds, args.rounds))


if __name__ == "__main__":
    main()
