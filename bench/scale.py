"""A province on one machine: 300,000 teachers (3 cities x 5 districts x 20 schools x 1,000)
loaded through the import's bulk path, then lists, searches, statistics and progress at every
level of the tree, through the gateway.

Seed: the org tree over GraphQL with the admin's token; the teachers with records' own
`Storage.insert_many` (the path `importTeachers` writes through: one insert_many per batch, the
schools marked for the summaries around it), one batch per school (a school importing its
workbook), into the running suite's database. 基本信息 is valid (validated once per template by
records' validation, then varied: name, gender, birth date and a 身份证件号 agreeing with them);
names are one of 20 surnames and one or two of 30 given-name characters; statuses 40 % DRAFT, 25 %
SUBMITTED, 10 % REJECTED, 25 % APPROVED. The load time is printed, then the time the records
service's background refresher needs to count every school (school_stats clean).

Measured through the gateway (HTTP, GraphQL, gRPC, records, the database) with a QUERY token of
the province, `rounds` times each, interleaved school, district, city, province:
  page:   the first page of 50 (`teachers(orgCode, first: 50)` with totalCount), and a deep page
          (the 11th: `after` the cursor of the 10th, found beforehand);
  search: `teachers(orgCode, search: "王小")`, a name prefix;
  stats:  `progress(orgCode)` and `statistics(orgCode, dimension)` for the 8 dimensions.
Then the resident memory of every process of the suite (VmRSS; VmHWM the peak).
RATIO lines: the mean time at the school over the mean time at the province (1: as fast).

    .venv/bin/python bench/scale.py [--rounds R]      # TMIS_SCALE_TEACHERS=N (300000)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import database_uri, running_suite  # noqa: E402 - beside this file
from pymongo import AsyncMongoClient  # noqa: E402
from teachers_page import CREATE_ORG, LOGIN, gql, mutate  # noqa: E402 - beside this file

from services.records.derived import completeness  # noqa: E402
from services.records.model import Teacher  # noqa: E402
from services.records.storage import Storage  # noqa: E402
from services.records.validation import validate  # noqa: E402
from tmis import idcard  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.run.demo import demo_basic  # noqa: E402

TEACHERS = int(os.environ.get("TMIS_SCALE_TEACHERS", "300000"))
ROUNDS = 5
DEEP = 10  # the deep page follows this many pages
SEARCH = "王小"
ADMIN_PASSWORD = "Bench#Pass2026"
CATCH_UP_TIMEOUT = 1800.0

PROVINCE = "620000"
CITIES = [f"62{c:02d}00" for c in range(1, 4)]
DISTRICTS = {city: [f"{city[:4]}{d:02d}" for d in range(1, 6)] for city in CITIES}
SCHOOLS = {district: [f"31{district}{s:02d}" for s in range(1, 21)] for ds in DISTRICTS.values() for district in ds}
ALL_SCHOOLS = [(school, district) for district, schools in SCHOOLS.items() for school in schools]
LEVELS = {"school": ALL_SCHOOLS[0][0], "district": CITIES[0][:4] + "01", "city": CITIES[0], "province": PROVINCE}
READER = Caller(
    account_id="bench-reader",
    username="bench_reader",
    org_code=PROVINCE,
    org_path=("100000", PROVINCE),
    roles=("QUERY",),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "小明华建国文军平红丽英秀玉兰芳伟强磊洋勇艳杰涛静敏燕超刚"
STATUSES = ["DRAFT"] * 8 + ["SUBMITTED"] * 5 + ["REJECTED"] * 2 + ["APPROVED"] * 5
DIMENSIONS = (
    "GENDER",
    "ETHNICITY",
    "POLITICAL_STATUS",
    "AGE_BAND",
    "HIGHEST_EDUCATION",
    "TITLE",
    "STAFF_CATEGORY",
    "IN_ESTABLISHMENT",
)

PAGE = """query($o:String!,$a:String,$s:String){ teachers(orgCode:$o, first:50, after:$a, search:$s){ totalCount
  pageInfo{ hasNextPage endCursor } edges{ node{ id basic{ name gender{code name} birthDate } } } } }"""
STAT = "query($o:String!,$d:StatDimension!){ statistics(orgCode:$o, dimension:$d){ key label count } }"
PROGRESS = "query($o:String!){ progress(orgCode:$o){ org{ code } total draft submitted approved withPhoto complete } }"


def orgs() -> list[dict[str, Any]]:
    found = [{"code": PROVINCE, "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"}]
    for c, city in enumerate(CITIES):
        found.append({"code": city, "name": f"第{c + 1}市", "level": "CITY", "parentCode": PROVINCE})
        for d, district in enumerate(DISTRICTS[city]):
            found.append({"code": district, "name": f"第{c + 1}市第{d + 1}区", "level": "DISTRICT", "parentCode": city})
            found += [
                {
                    "code": school,
                    "name": f"第{c + 1}市第{d + 1}区第{s + 1}学校",
                    "level": "SCHOOL",
                    "parentCode": district,
                    "schoolType": "PRIMARY_SECONDARY",
                }
                for s, school in enumerate(SCHOOLS[district])
            ]
    return found


class Teachers:
    """Valid records, varied from one validated template."""

    def __init__(self) -> None:
        registry, tables, today = Registry(), load_code_tables(), dt.date.today()
        basic, problems = validate(
            registry.set("BASIC"),
            demo_basic(0, "620102", "PRIMARY_SECONDARY"),
            "PRIMARY_SECONDARY",
            tables,
            "basic",
            today,
        )
        if [p for p in problems if not p.warning]:
            raise RuntimeError(f"the template is invalid: {problems}")
        self.basic = basic
        template = Teacher("", 1, "", "PRIMARY_SECONDARY", (), "DRAFT", basic, ())
        self.missing, self.warnings = completeness(registry, template, tables, today)

    def make(self, serial: int, school: str, district: str) -> Teacher:
        rng = random.Random(serial)
        birth = dt.date(1964 + serial % 40, 1 + serial // 40 % 12, 1 + serial // 480 % 28)  # unique up to 336,000
        gender = rng.choice("12")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        basic = {
            **self.basic,
            "name": name,
            "gender": gender,
            "birthDate": birth.isoformat(),
            "idNumber": idcard.make("620102", birth, serial, gender),
        }
        path = ("100000", PROVINCE, district[:4] + "00", district, school)
        return Teacher(
            "",
            1,
            school,
            "PRIMARY_SECONDARY",
            path,
            rng.choice(STATUSES),
            basic,
            (),
            tuple(self.missing),
            tuple(tuple(w) for w in self.warnings),  # type: ignore[misc]
        )


async def _nothing(*args: Any) -> None:
    """No job document to hold, no checkpoint: a bench loads records directly."""


async def insert(client: AsyncMongoClient[dict[str, Any]], storage: Storage, teachers: list[Any]) -> set[int]:
    """New records, as an import writes a chunk (one transaction); the positions refused as duplicates."""
    async with client.start_session() as session:
        refused, _ = await storage.write_chunk(teachers, [], dt.datetime.now(dt.UTC), "", session, _nothing, _nothing)
    return refused


async def load(uri: str, count: int) -> tuple[float, float]:
    """(seconds loading, seconds until every school is counted by the records service)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    storage = Storage(client, "tmis_records")
    made = Teachers()
    per_school = [
        count // len(ALL_SCHOOLS) + (1 if i < count % len(ALL_SCHOOLS) else 0) for i in range(len(ALL_SCHOOLS))
    ]
    started, serial = time.monotonic(), 0
    try:
        for n, ((school, district), size) in enumerate(zip(ALL_SCHOOLS, per_school, strict=True)):
            teachers = [made.make(serial + i, school, district) for i in range(size)]
            serial += size
            refused = await insert(client, storage, teachers)
            if refused:
                raise RuntimeError(f"{len(refused)} records refused in {school}")
            if n % 30 == 29:
                print(f"  {serial} loaded in {time.monotonic() - started:.1f} s", flush=True)
        loaded = time.monotonic() - started
        deadline = time.monotonic() + CATCH_UP_TIMEOUT
        while await storage.summaries.docs.count_documents({"dirty": True}):
            if time.monotonic() > deadline:
                raise RuntimeError("the summaries did not catch up")
            await asyncio.sleep(1)
        return loaded, time.monotonic() - started - loaded
    finally:
        await client.close()


@dataclasses.dataclass
class Timer:
    times: dict[str, list[float]] = dataclasses.field(default_factory=dict)

    def run(self, key: str, call: Any) -> Any:
        t0 = time.perf_counter()
        result = call()
        self.times.setdefault(key, []).append(time.perf_counter() - t0)
        return result

    def mean(self, key: str) -> float:
        return sum(self.times[key]) / len(self.times[key])


def measure(client: httpx.Client, url: str, token: str, rounds: int) -> Timer:
    def page(org: str, after: str | None = None, search: str | None = None) -> dict[str, Any]:
        return gql(client, url, PAGE, {"o": org, "a": after, "s": search}, token)["teachers"]

    deep: dict[str, str | None] = {}
    for level, org in LEVELS.items():  # the cursor of the 10th page (or of the last one there is)
        cursor = None
        for _ in range(DEEP):
            found = page(org, cursor)
            if not found["pageInfo"]["hasNextPage"]:
                break
            cursor = found["pageInfo"]["endCursor"]
        deep[level] = cursor
    timer = Timer()
    for _ in range(rounds):
        for level, org in LEVELS.items():
            first = timer.run(f"{level} first page", lambda org=org: page(org))
            timer.run(f"{level} deep page", lambda org=org, level=level: page(org, deep[level]))
            timer.run(f"{level} search", lambda org=org: page(org, search=SEARCH))
            timer.run(f"{level} progress", lambda org=org: gql(client, url, PROGRESS, {"o": org}, token))
            for dimension in DIMENSIONS:
                timer.run(
                    f"{level} statistics",
                    lambda org=org, d=dimension: gql(client, url, STAT, {"o": org, "d": d}, token),
                )
            timer.times.setdefault(f"{level} totalCount", []).append(first["totalCount"])
    return timer


def rss(data_dir: Path) -> None:
    state = json.loads((data_dir / "run.json").read_text())
    print("memory after the load (MiB): process  VmRSS  VmHWM")
    for name, proc in sorted(state.items()):
        if not isinstance(proc, dict) or "pid" not in proc:
            continue
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{proc['pid']}/status").read_text().splitlines() if ":" in line
        )
        rss_kib, peak_kib = (int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM"))
        print(f"  {name:10s} {rss_kib / 1024:7.0f} {peak_kib / 1024:7.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    print(f"{TEACHERS} teachers in {len(ALL_SCHOOLS)} schools; rounds {args.rounds}", flush=True)
    with running_suite(ADMIN_PASSWORD) as suite, httpx.Client(timeout=600) as client:
        login = gql(client, suite.url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]
        t0 = time.monotonic()
        for org in orgs():
            mutate(client, suite.url, CREATE_ORG, {"i": org}, login["token"])
        print(f"org tree: {len(orgs())} orgs in {time.monotonic() - t0:.1f} s", flush=True)
        loaded, catch_up = asyncio.run(load(database_uri(suite.data_dir), TEACHERS))
        print(f"load: {TEACHERS} teachers in {loaded:.1f} s ({TEACHERS / loaded:.0f}/s)", flush=True)
        print(f"summaries: every school counted {catch_up:.1f} s after the load", flush=True)
        rss(suite.data_dir)
        token = TokenSigner((suite.data_dir / "token_secret").read_text().strip()).sign(READER)
        timer = measure(client, suite.url, token, args.rounds)
        for key, values in timer.times.items():
            if key.endswith("totalCount"):
                print(f"{key:28s} {values[0]}")
            else:
                per_round = len(values) // args.rounds  # the first round's asks: after the load, nothing kept yet
                first = sum(values[:per_round]) / per_round
                mean = timer.mean(key) * 1000
                print(f"{key:28s} {mean:9.1f} ms  ({len(values)} asked; first round {first * 1000:.1f} ms)")
        rss(suite.data_dir)

    def ratio(what: str, *kinds: str) -> float:
        school = sum(timer.mean(f"school {k}") for k in kinds)
        return school / sum(timer.mean(f"province {k}") for k in kinds)

    def first(level: str, kind: str) -> float:  # the first round's asks (nothing kept yet)
        values = timer.times[f"{level} {kind}"]
        return sum(values[: len(values) // args.rounds])

    cold = sum(first("school", k) for k in ("progress", "statistics")) / sum(
        first("province", k) for k in ("progress", "statistics")
    )
    print(f"RATIO province_statistics_vs_school_statistics_first_round {cold:.2f} (no goal)")

    print(f"RATIO province_page_vs_school_page {ratio('page', 'first page', 'deep page'):.2f} >= 0.5")
    print(f"RATIO province_search_vs_school_search {ratio('search', 'search'):.2f} >= 0.5")
    print(f"RATIO province_statistics_vs_school_statistics {ratio('stats', 'progress', 'statistics'):.2f} >= 0.5")


if __name__ == "__main__":
    main()
