"""A province on one machine: 300,000 teachers (3 cities x 5 districts x 20 schools x 1,000)
loaded through the import's bulk path and through `importWorkbook`, then lists, searches,
statistics and progress at every level of the tree, through the gateway.

Seed: the org tree over GraphQL with the admin's token. The schools of the last
`TMIS_SCALE_IMPORTED_DISTRICTS` districts (3: 60 schools, a fifth) import their workbook through
the public API (`importWorkbook`, one job per school, one after the other, as schools do: every
record of a job has the job's one `updated_at`), after the others are loaded with records' own
`Chunks.write` (the path an import's chunk writes through: one transaction per school, the
school marked for the summaries around it) into the running suite's database; and one school more
of 50 teachers (the small school). 基本信息 is valid (validated once per template by records'
validation, then varied: name, gender, birth date and a 身份证件号 agreeing with them); names are
one of 20 surnames and one or two of 30 given-name characters; statuses 40 % DRAFT, 25 %
SUBMITTED, 10 % REJECTED, 25 % APPROVED (the imported ones: DRAFT, bench/import.py's rows). The
load and import times are printed, then the time the records service's background refresher
needs to count every school (school_stats clean).

Measured through the gateway (HTTP, GraphQL, gRPC, records, the database) with a QUERY token of
the province, `rounds` times each, interleaved school, district, city, province:
  page:   the first page of 50 (`teachers(orgCode, first: 50)` with totalCount), and a deep page
          (the 11th: `after` the cursor of the 10th, found beforehand);
  search: `teachers(orgCode, search: "王小")`, a name prefix;
  stats:  `progress(orgCode)` and `statistics(orgCode, dimension)` for the 8 dimensions;
  imported: the first and the deep page at an imported school and its district, and a walk of
          consecutive pages from the province's first (the newest records: imported ones), long
          enough to cross from one school's import to the next twice; against the first page of
          the small school.
Then the resident memory of every process of the suite (VmRSS; VmHWM the peak).
RATIO lines: the mean time at the school over the mean time at the province (1: as fast);
`province_page_imported_vs_school_page`: the small school's page over a page of the walk.

    .venv/bin/python bench/scale.py [--rounds R]      # TMIS_SCALE_TEACHERS=N (300000)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import importlib
import io
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
IMPORTED_DISTRICTS = int(os.environ.get("TMIS_SCALE_IMPORTED_DISTRICTS", "3"))
ROUNDS = 5
DEEP = 10  # the deep page follows this many pages
WALK = min(60, 2 * -(-TEACHERS // 300 // 50) + 2)  # pages: across two schools' imports at the province
SEARCH = "王小"
ADMIN_PASSWORD = "Bench#Pass2026"
CATCH_UP_TIMEOUT = 1800.0

PROVINCE = "620000"
CITIES = [f"62{c:02d}00" for c in range(1, 4)]
DISTRICTS = {city: [f"{city[:4]}{d:02d}" for d in range(1, 6)] for city in CITIES}
SCHOOLS = {district: [f"31{district}{s:02d}" for s in range(1, 21)] for ds in DISTRICTS.values() for district in ds}
ALL_SCHOOLS = [(school, district) for district, schools in SCHOOLS.items() for school in schools]
# the schools of the last districts import their workbooks through the API, after the others are loaded
IMPORTED = ALL_SCHOOLS[len(ALL_SCHOOLS) - 20 * IMPORTED_DISTRICTS :]
LEVELS = {"school": ALL_SCHOOLS[0][0], "district": CITIES[0][:4] + "01", "city": CITIES[0], "province": PROVINCE}
SMALL = (f"31{LEVELS['district']}99", LEVELS["district"])  # the small school: 50 teachers
IMPORTED_REGION = "620103"  # the imported rows' 身份证件号 (the loaded ones are 620102's): never the same person
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
IMPORT = (
    "mutation($s:String!,$f:Upload!){ importWorkbook(schoolCode:$s, file:$f){ job{ id } userErrors{code message} } }"
)
JOB = "query($id:ID!){ importJob(id:$id){ status inserted failed errors(first:3){ row message } } }"


def orgs() -> list[dict[str, Any]]:
    found = [{"code": PROVINCE, "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"}]
    small = {"code": SMALL[0], "name": "小学校", "level": "SCHOOL", "parentCode": SMALL[1]}
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
    return [*found, {**small, "schoolType": "PRIMARY_SECONDARY"}]


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
    """New records of one school, as an import writes a chunk (one transaction); the positions
    refused as duplicates."""
    school, now = teachers[0], dt.datetime.now(dt.UTC)
    async with (
        client.start_session() as session,
        storage.importing(school.school_code, school.org_path, now, len(teachers)) as chunks,
    ):
        refused, _ = await chunks.write(teachers, [], "", session, _nothing, _nothing)
    return refused


def sizes(count: int) -> list[int]:
    """How many teachers each school of ALL_SCHOOLS has."""
    return [count // len(ALL_SCHOOLS) + (1 if i < count % len(ALL_SCHOOLS) else 0) for i in range(len(ALL_SCHOOLS))]


async def load(uri: str, count: int) -> float:
    """The schools that do not import, and the small school, loaded; the seconds it took."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    storage = Storage(client, "tmis_records")
    made = Teachers()
    started, serial = time.monotonic(), 0
    try:
        for n, ((school, district), size) in enumerate(zip([*ALL_SCHOOLS, SMALL], [*sizes(count), 50], strict=True)):
            if (school, district) in IMPORTED:
                continue
            teachers = [made.make(serial + i, school, district) for i in range(size)]
            serial += size
            refused = await insert(client, storage, teachers)
            if refused:
                raise RuntimeError(f"{len(refused)} records refused in {school}")
            if n % 30 == 29:
                print(f"  {serial} loaded in {time.monotonic() - started:.1f} s", flush=True)
        return time.monotonic() - started
    finally:
        await client.close()


async def catch_up(uri: str) -> float:
    """Seconds until the records service's background refresher has counted every school."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, tz_aware=True)
    started = time.monotonic()
    try:
        docs = Storage(client, "tmis_records").summaries.docs
        while await docs.count_documents({"dirty": True}):
            if time.monotonic() - started > CATCH_UP_TIMEOUT:
                raise RuntimeError("the summaries did not catch up")
            await asyncio.sleep(1)
        return time.monotonic() - started
    finally:
        await client.close()


def workbook(first: int, rows: int) -> bytes:
    """基本信息 of `rows` new teachers (bench/import.py's rows), their 身份证件号 in IMPORTED_REGION."""
    out = io.BytesIO()
    importlib.import_module("bench.import").generate(rows, first, out, IMPORTED_REGION)  # ("import": a keyword)
    return out.getvalue()


def import_schools(client: httpx.Client, url: str, signer: TokenSigner, count: int) -> float:
    """Each imported school's workbook through `importWorkbook`, one job after the other, each
    waited for; the seconds it took (the workbooks made beforehand)."""
    per_school = dict(zip(ALL_SCHOOLS, sizes(count), strict=True))
    books, first = [], 0
    for school, district in IMPORTED:
        books.append((school, district, workbook(first, per_school[(school, district)])))
        first += per_school[(school, district)]
    started = time.monotonic()
    for school, district, data in books:
        path = ("100000", PROVINCE, district[:4] + "00", district, school)
        token = signer.sign(Caller(f"clerk-{school}", f"clerk_{school}", school, path, ("DATA_ENTRY",)))
        ops = json.dumps({"query": IMPORT, "variables": {"s": school, "f": None}})
        reply = client.post(
            url,
            data={"operations": ops, "map": json.dumps({"0": ["variables.f"]})},
            files={"0": ("教师.xlsx", data, "application/octet-stream")},
            headers={"authorization": f"Bearer {token}"},
        ).json()
        payload = reply["data"]["importWorkbook"]
        if payload["userErrors"]:
            raise RuntimeError(f"import refused at {school}: {payload['userErrors']}")
        while (job := gql(client, url, JOB, {"id": payload["job"]["id"]}, token)["importJob"])["status"] not in (
            "SUCCEEDED",
            "FAILED",
        ):
            time.sleep(0.1)
        if job["status"] != "SUCCEEDED" or job["failed"] or job["inserted"] != per_school[(school, district)]:
            raise RuntimeError(f"the import at {school} did not insert every row: {job}")
    return time.monotonic() - started


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

    pages = {**LEVELS, "imported school": IMPORTED[-1][0], "imported district": IMPORTED[-1][1]}
    deep: dict[str, str | None] = {}
    for level, org in pages.items():  # the cursor of the 10th page (or of the last one there is)
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
        for level in ("imported school", "imported district"):
            timer.run(f"{level} first page", lambda org=pages[level]: page(org))
            timer.run(f"{level} deep page", lambda org=pages[level], level=level: page(org, deep[level]))
        timer.run("small school page", lambda: page(SMALL[0]))
        # consecutive pages from the province's newest record: across the imports of several schools
        cursor = None
        for _ in range(WALK):
            found = timer.run("province walk page", lambda cursor=cursor: page(PROVINCE, cursor))
            cursor = found["pageInfo"]["endCursor"]
            if not found["pageInfo"]["hasNextPage"]:
                break
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
        uri = database_uri(suite.data_dir)
        signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
        loaded = asyncio.run(load(uri, TEACHERS))
        bulk = TEACHERS - sum(n for s, n in zip(ALL_SCHOOLS, sizes(TEACHERS), strict=True) if s in IMPORTED) + 50
        print(f"load: {bulk} teachers in {loaded:.1f} s ({bulk / loaded:.0f}/s)", flush=True)
        imported = import_schools(client, suite.url, signer, TEACHERS)
        rows = TEACHERS + 50 - bulk
        print(f"import: {rows} teachers of {len(IMPORTED)} schools in {imported:.1f} s ({rows / imported:.0f}/s)")
        caught = asyncio.run(catch_up(uri))
        print(f"summaries: every school counted {caught:.1f} s after the imports", flush=True)
        rss(suite.data_dir)
        token = signer.sign(READER)
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
    imported = timer.mean("small school page") / timer.mean("province walk page")
    print(f"RATIO province_page_imported_vs_school_page {imported:.2f} >= 0.5")


if __name__ == "__main__":
    main()
