"""Progress and statistics of a district with 50,000 teachers: counted in MongoDB versus read
into Python, on the embedded database.

Issue 7 asks that `progress(orgCode)` and `statistics(orgCode, dimension, status)` be computed
in MongoDB (an aggregation over the indexed org path), not in Python over all records, so a
district with 50,000 teachers answers without reading every document into the service. This
benchmark measures, sequentially and in the same run:

  (A) the real path: GraphQL `statistics(orgCode: "620102", dimension: X)` for each of the 8
      dimensions and `progress(orgCode: "620102")`, over HTTP to a freshly started suite
      (`python -m tmis`, embedded SecantusDB) with a QUERY token of the district; the gateway
      calls records.GetStatistics / GetProgress, which run services/records/storage.py
      `counts_by` / `progress` (a $match on org_path, a $group);
  (B) the baseline the issue rules out: for each of the same 9 questions, every record of the
      district read into this process (PyMongo's MongoClient straight to the suite's database,
      `find({"org_path": "620102"})` projected to the fields that question needs) and counted
      in Python, with the same labels (tmis.codes through the registry's field, the age bands
      and 未填写 of services/records/stats.py). B skips the gateway, gRPC and the records
      service, so it is a generous baseline.

Before measuring, the benchmark checks that A and B give the same buckets and rows.

Seed data: 620000 → 620100 → 620102 → 20 schools (14 中小学, 3 幼儿园, 2 中职, 1 特教),
created with the admin's token over GraphQL. The teachers are NOT created through
CreateTeacher (about 50,000 gRPC calls with a unique-index check each would take longer than
the run may), but inserted with insert_many in batches of 1,000 straight into
`tmis_records.teachers`, in the exact document shape of services/records/storage.py
`Storage.insert` plus entries and, for some, a photo. Each document is built by the records
service's own domain code, so it is what the service would store: 基本信息 from
tmis.demo.demo_basic (valid 身份证件号, gender and birth date agreeing with it; birth years
1964–2003 so every age band occurs; varied 民族 and 政治面貌) normalised by
services.records.validation.validate; one EDUCATION entry (varied 学历) for most, one
TITLE_APPOINTMENT for some, so that derive() sets 最高学历 and 现任专业技术职务; a quarter also
carry one entry (empty data: only its presence counts) in every other required set, so they
are complete; missing and warnings from derive/completeness. Status: 40 % DRAFT, 25 % SUBMITTED, 10 % REJECTED, 25 %
APPROVED (approved records carry no snapshot or personal code here: the counts do not read
them); a third have a photo. The seeding time is printed.

Rounds are interleaved B, A, B, A; one round asks the 9 questions once each. Rates are
questions per second, the sum of questions over the sum of elapsed times. The last line is
`RATIO statistics_vs_python_scan <B time / A time> >= <goal>`; higher is better.

    .venv/bin/python bench/statistics.py [--teachers N] [--rounds R]
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file
from pymongo import AsyncMongoClient, MongoClient  # noqa: E402
from teachers_page import CREATE_ORG, LOGIN, gql, mutate  # noqa: E402 - beside this file

from services.records.derived import completeness, derive  # noqa: E402
from services.records.model import Entry, OrgRef, Teacher  # noqa: E402
from services.records.stats import DIMENSIONS, UNSET, Stats, age_band  # noqa: E402
from services.records.storage import Storage  # noqa: E402
from services.records.validation import validate  # noqa: E402
from tmis import idcard  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.demo import demo_basic  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.settings import Settings  # noqa: E402

TEACHERS = 20_000
BATCH = 1_000
ROUNDS = 3
GOAL = 1.5
ADMIN_PASSWORD = "Bench#Pass2026"

DISTRICT = "620102"
DISTRICT_PATH = ("100000", "620000", "620100", DISTRICT)
TYPES = ["PRIMARY_SECONDARY"] * 14 + ["KINDERGARTEN"] * 3 + ["VOCATIONAL"] * 2 + ["SPECIAL_EDUCATION"]
SCHOOLS = [(f"31{DISTRICT}{n + 1:02d}", school_type) for n, school_type in enumerate(TYPES)]
KIND = {"PRIMARY_SECONDARY": "学校", "KINDERGARTEN": "幼儿园", "VOCATIONAL": "职业中专", "SPECIAL_EDUCATION": "特殊教育学校"}
ORGS = [
    {"code": "620000", "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"},
    {"code": "620100", "name": "兰州市", "level": "CITY", "parentCode": "620000"},
    {"code": DISTRICT, "name": "城关区", "level": "DISTRICT", "parentCode": "620100"},
] + [
    {"code": code, "name": f"兰州市城关区第{n + 1}{KIND[t]}", "level": "SCHOOL", "parentCode": DISTRICT, "schoolType": t}
    for n, (code, t) in enumerate(SCHOOLS)
]
# The district's 信息查询员, as a token would carry it after a login.
READER_CALLER = Caller(account_id="bench-reader", username="bench_reader", org_code=DISTRICT, org_path=DISTRICT_PATH, roles=("QUERY",))

STATUSES = ["DRAFT"] * 8 + ["SUBMITTED"] * 5 + ["REJECTED"] * 2 + ["APPROVED"] * 5  # 40/25/10/25 %
ETHNICITIES = ["01"] * 12 + ["03", "04", "26", "35", "30", "11"]  # mostly 汉族; 回 藏 东乡 撒拉 土 满
POLITICAL = [["13"], ["01"], ["13"], ["03"], ["01"], ["13"], ["05"], ["02"]]
EDUCATIONS = ["21", "21", "14", "31", "21", "11", "41", "61", None]  # None: no 学习经历
TITLES = ["0", None, None]  # the title table names only 0 无; None: no 专业技术职务聘任

STAT = "query($o:String!,$d:StatDimension!){ statistics(orgCode:$o, dimension:$d){ key label count } }"
PROGRESS = "query($o:String!){ progress(orgCode:$o){ org{ code } total draft submitted rejected approved withPhoto complete } }"
QUESTIONS = [*DIMENSIONS, "PROGRESS"]


# --- seeding --------------------------------------------------------------------------------

class Builder:
    """Teacher documents as the records service would store them, built by its own domain code."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.basic_set = self.registry.set("BASIC")
        self.tables = load_code_tables()
        self.today = dt.date.today()
        self.now = dt.datetime.now(dt.UTC)

    def basic(self, serial: int, school_type: str) -> dict[str, Any]:
        birth = dt.date(1964 + serial % 40, 1 + serial // 40 % 12, 1 + serial // 480 % 28)  # unique with serial % 500 up to 336,000
        gender = "1" if serial % 2 == 0 else "2"
        basic = demo_basic(serial, DISTRICT, school_type)
        basic.update(
            idNumber=idcard.make(DISTRICT, birth, serial, gender), gender=gender, birthDate=birth.isoformat(),
            workStartMonth=f"{birth.year + 22}-09", schoolJoinMonth=f"{birth.year + 22 + serial % 3}-09",
            ethnicity=ETHNICITIES[serial % len(ETHNICITIES)], politicalStatus=POLITICAL[serial % len(POLITICAL)],
        )
        if birth.year + 22 + serial % 3 > self.today.year - 1:
            basic["schoolJoinMonth"] = basic["workStartMonth"]
        if school_type == "SPECIAL_EDUCATION":
            basic["specialEdStartMonth"] = basic["schoolJoinMonth"]
        clean, problems = validate(self.basic_set, basic, school_type, self.tables, "basic", self.today)
        blocking = [p for p in problems if not p.warning]
        if blocking:
            raise RuntimeError(f"seed data of teacher {serial} is invalid: {blocking}")
        return clean

    def document(self, serial: int) -> dict[str, Any]:
        school, school_type = SCHOOLS[serial % len(SCHOOLS)]
        entries: list[Entry] = []
        education = EDUCATIONS[serial % len(EDUCATIONS)]
        if education:
            entries.append(Entry(secrets.token_hex(8), "EDUCATION", {"education": education, "institution": "西北师范大学", "startMonth": "2001-09", "endMonth": "2005-07"}))
        title = TITLES[serial % len(TITLES)]
        if title:
            entries.append(Entry(secrets.token_hex(8), "TITLE_APPOINTMENT", {"title": title}))
        if serial % 4 == 0:  # complete: one entry in every other required set (its presence is what counts)
            present = {e.set for e in entries}
            entries += [Entry(secrets.token_hex(8), s.key, {}) for s in self.registry.sets.values() if s.required and s.key not in present | {"BASIC"}]
        path = (*DISTRICT_PATH, school)
        basic = derive(self.basic(serial, school_type), tuple(entries))
        teacher = Teacher("", 1, school, school_type, path, STATUSES[serial % len(STATUSES)], basic, tuple(entries))
        missing, warnings = completeness(self.registry, teacher, self.tables, self.today)
        doc: dict[str, Any] = {  # the shape of services/records/storage.py Storage.insert, with entries
            "school_code": school,
            "school_type": school_type,
            "org_path": list(path),
            "status": teacher.status,
            "basic": teacher.basic,
            "entries": [{"id": e.id, "set": e.set, "data": e.data} for e in entries],
            "missing": missing,
            "warnings": [list(w) for w in warnings],
            "version": 1 + len(entries),
            "review_seq": 0 if teacher.status == "DRAFT" else 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        if serial % 3 == 0:
            doc["photo"] = {"id": secrets.token_hex(12), "width": 358, "height": 441, "bytes": 23_000 + serial % 5_000, "dpi": 300}
        return doc


def seed_orgs(client: httpx.Client, url: str) -> None:
    login = gql(client, url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]
    if login["userErrors"] or not login["token"]:
        raise RuntimeError(f"admin login failed: {login}")
    for org in ORGS:
        mutate(client, url, CREATE_ORG, {"i": org}, login["token"])


def seed_teachers(teachers: Any, count: int) -> tuple[float, float]:
    """(seconds building documents, seconds inserting them)."""
    builder = Builder()
    building = inserting = 0.0
    for start in range(0, count, BATCH):
        t0 = time.monotonic()
        docs = [builder.document(serial) for serial in range(start, min(start + BATCH, count))]
        t1 = time.monotonic()
        teachers.insert_many(docs)
        t2 = time.monotonic()
        building, inserting = building + t1 - t0, inserting + t2 - t1
        if (start // BATCH) % 10 == 9:
            print(f"  {start + len(docs)} inserted ({inserting:.1f} s inserting, {building:.1f} s building)", flush=True)
    return building, inserting


def database_uri(data_dir: Path) -> str:
    """The suite's embedded database: its port is on the secantusd-py command line (the
    supervisor writes only pids to run.json)."""
    pid = json.loads((data_dir / "run.json").read_text())["database"]["pid"]
    args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    return f"mongodb://{args[args.index('--host') + 1]}:{args[args.index('--port') + 1]}/?directConnection=true"


# --- (A) the real path ----------------------------------------------------------------------

def ask_real(client: httpx.Client, url: str, token: str, question: str) -> Any:
    if question == "PROGRESS":
        rows = gql(client, url, PROGRESS, {"o": DISTRICT}, token)["progress"]
        return sorted(({"org": r["org"]["code"], **{k: v for k, v in r.items() if k != "org"}} for r in rows), key=lambda r: r["org"])
    return gql(client, url, STAT, {"o": DISTRICT, "d": question}, token)["statistics"]


# --- (B) every record read into Python ------------------------------------------------------

class PythonScan:
    """The same answers from a find over the org path, counted here."""

    def __init__(self, teachers: Any) -> None:
        self.teachers = teachers
        self.registry = Registry()
        self.tables = load_code_tables()
        self.today = dt.date.today()
        self.read = 0

    def ask(self, question: str) -> Any:
        return self.progress() if question == "PROGRESS" else self.statistics(question)

    def progress(self) -> list[dict[str, Any]]:
        rows = {code: Counter() for code, _ in SCHOOLS}
        depth = len(DISTRICT_PATH)
        for doc in self.teachers.find({"org_path": DISTRICT}, {"_id": 0, "org_path": 1, "status": 1, "photo": 1, "missing": 1}):
            self.read += 1
            row = rows.setdefault(doc["org_path"][depth], Counter())
            row.update(total=1, **{doc["status"].lower(): 1}, withPhoto=1 if doc.get("photo") else 0, complete=0 if doc.get("missing") else 1)
        fields = ("total", "draft", "submitted", "rejected", "approved", "withPhoto", "complete")
        return [{"org": code, **{f: row[f] for f in fields}} for code, row in sorted(rows.items())]

    def statistics(self, dimension: str) -> list[dict[str, Any]]:
        key = DIMENSIONS[dimension]
        field = self.registry.sets["BASIC"].field(key)
        counts: Counter[tuple[str, str]] = Counter()
        for doc in self.teachers.find({"org_path": DISTRICT}, {"_id": 0, "school_type": 1, f"basic.{key}": 1}):
            self.read += 1
            value = doc.get("basic", {}).get(key)
            values = (value or [None]) if field.type == "codes" else [value]
            for v in values:
                if dimension == "AGE_BAND":
                    counts[age_band((v or "")[:7], self.today)] += 1
                elif v in (None, ""):
                    counts[UNSET] += 1
                elif isinstance(v, bool):
                    counts[("1", "是") if v else ("0", "否")] += 1
                else:
                    table = self.tables.get(field.table_for(doc.get("school_type", "")) or "")
                    found = table.get(str(v)) if table else None
                    counts[(str(v), found.name if found else str(v))] += 1
        order = (lambda item: item[0][0]) if dimension == "AGE_BAND" else (lambda item: (-item[1], item[0][0]))
        return [{"key": k, "label": label, "count": n} for (k, label), n in sorted(counts.items(), key=order)]


# --- where A's time goes (once, after the rounds) ------------------------------------------

async def stages(uri: str, db_name: str, repeat: int = 2) -> dict[str, float]:
    """Mean seconds of: (C) each question answered by the records service's own Stats in this
    process, straight to the database (A without HTTP, the gateway and gRPC); the $match over
    the org path alone, as count_documents and as a $group of everything into one row."""
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    storage = Storage(client, db_name)

    async def org_of(code: str) -> OrgRef:
        return OrgRef(DISTRICT, "DISTRICT", DISTRICT_PATH, "")

    stats = Stats(storage, org_of, Registry(), load_code_tables())
    today = dt.date.today()
    work = {f"C {q}": (lambda q=q: stats.progress(READER_CALLER, DISTRICT) if q == "PROGRESS" else stats.statistics(READER_CALLER, DISTRICT, q, "", today)) for q in QUESTIONS}
    work["count_documents(org_path)"] = lambda: storage.teachers.count_documents({"org_path": DISTRICT})
    work["$match + $group into one row"] = lambda: storage.teachers.aggregate([{"$match": {"org_path": DISTRICT}}, {"$group": {"_id": None, "n": {"$sum": 1}}}])
    times = {}
    try:
        for name, call in work.items():
            t0 = time.monotonic()
            for _ in range(repeat):
                result = await call()
                if hasattr(result, "to_list"):
                    await result.to_list()
            times[name] = (time.monotonic() - t0) / repeat
    finally:
        await client.close()
    return times


# --- the run --------------------------------------------------------------------------------

def timed_round(ask: Any) -> tuple[dict[str, float], float]:
    """Each question once: (seconds per question, elapsed)."""
    times = {}
    start = time.monotonic()
    for question in QUESTIONS:
        t0 = time.monotonic()
        ask(question)
        times[question] = time.monotonic() - t0
    return times, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=TEACHERS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    began = time.monotonic()
    with running_suite(ADMIN_PASSWORD) as suite:
        url, data_dir = suite.url, suite.data_dir
        print(f"suite up in {time.monotonic() - began:.1f} s at {url}", flush=True)
        token = TokenSigner((data_dir / "token_secret").read_text().strip()).sign(READER_CALLER)
        uri, db_name = database_uri(data_dir), Settings.from_env(suite.env).databases["records"]
        mongo: MongoClient = MongoClient(uri, tz_aware=True)
        teachers = mongo[db_name]["teachers"]
        with httpx.Client(timeout=600) as client:
            started = time.monotonic()
            seed_orgs(client, url)
            print(f"seeded {len(ORGS)} orgs in {time.monotonic() - started:.1f} s", flush=True)
            started = time.monotonic()
            building, inserting = seed_teachers(teachers, args.teachers)
            seeding = time.monotonic() - started
            print(f"seeded {args.teachers} teachers in {seeding:.1f} s ({building:.1f} s building documents, {inserting:.1f} s insert_many: "
                  f"{args.teachers / inserting:.0f} documents/s)", flush=True)

            scan = PythonScan(teachers)
            for question in QUESTIONS:  # also the warm-up of both
                t0 = time.monotonic()
                real = ask_real(client, url, token, question)
                t1 = time.monotonic()
                mine = scan.ask(question)
                t2 = time.monotonic()
                if real != mine:
                    raise RuntimeError(f"{question}: A and B differ\nA {real}\nB {mine}")
                total = sum(r["count" if question != "PROGRESS" else "total"] for r in real)
                print(f"same answer for {question:17s} ({len(real)} rows, {total} counted): A {t1 - t0:.2f} s, B {t2 - t1:.2f} s", flush=True)

            a, b = [], []
            for i in range(args.rounds):
                b.append(timed_round(scan.ask))
                print(f"round {i + 1} B python scan: {len(QUESTIONS)} questions in {b[-1][1]:.2f} s", flush=True)
                a.append(timed_round(lambda q: ask_real(client, url, token, q)))
                print(f"round {i + 1} A real path:   {len(QUESTIONS)} questions in {a[-1][1]:.2f} s", flush=True)
        mongo.close()
        breakdown = asyncio.run(stages(uri, db_name))

    secs_a, secs_b = sum(t for _, t in a), sum(t for _, t in b)
    n = len(QUESTIONS) * args.rounds
    for question in QUESTIONS:
        qa, qb = sum(t[question] for t, _ in a) / len(a), sum(t[question] for t, _ in b) / len(b)
        print(f"  {question:17s} A {qa * 1000:7.0f} ms   B {qb * 1000:7.0f} ms   B/A {qb / qa:.2f}")
    for name, secs in breakdown.items():
        print(f"  {name:30s} {secs * 1000:7.0f} ms")
    print(f"A real path (aggregation):  {n} questions in {secs_a:.1f} s = {n / secs_a:.2f} questions/s ({1000 * secs_a / n:.0f} ms each)")
    print(f"B python scan:              {n} questions in {secs_b:.1f} s = {n / secs_b:.2f} questions/s ({1000 * secs_b / n:.0f} ms each)")
    print(f"B read {scan.read} documents into Python; A read none (one row per group)")
    print(f"total run time {time.monotonic() - began:.1f} s")
    print(f"RATIO statistics_vs_python_scan {secs_b / secs_a:.2f} >= {GOAL}")


if __name__ == "__main__":
    main()
