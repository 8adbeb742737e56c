"""Progress and statistics of a district of 50,000 teachers: merged per-school summaries
versus every record read into Python, on the embedded database.

Issue 7 asks that `progress(orgCode)` and `statistics(orgCode, dimension, status)` be answered
without reading every record of the subtree. On SecantusDB a `$match` reads every document it
selects (50-100 µs each), so a district-wide aggregation cost 5-7 s per question at 50,000
teachers. The records service therefore keeps each school's counts in `school_stats`
(services/records/storage/summaries.py): computed by aggregations over that school's records (the
school_code index; one for progress, one per dimension), marked on every write
(`Summaries.touch`), recomputed in the background every TMIS_STATS_REFRESH_MS (3 s) and, for
the marked schools of the subtree asked about, before the answer; an answer merges the
subtree's summaries (`Summaries.of_subtree`, services/records/stats.py).

Seed data: 620000 → 620100 → 620102 → 20 schools (14 中小学, 3 幼儿园, 2 中职, 1 特教) over
GraphQL with the admin's token; the teachers inserted with insert_many in batches of 1,000
straight into `tmis_records.teachers` (not tens of thousands of CreateTeacher calls), each
document built by the records service's own domain code in the shape of Storage.insert:
基本信息 from tmis.run.demo.demo_basic (a valid 身份证件号 agreeing with gender and birth date,
birth years 1964-2003 so every age band occurs, varied 民族, 政治面貌, 在编) normalised by
services.records.validation.validate; one EDUCATION entry (varied 学历) for most, one
TITLE_APPOINTMENT for some, so derive() sets 最高学历 and 现任专业技术职务; a quarter complete
(one entry in every other required set); missing and warnings from completeness(); a third
with a photo; status 40 % DRAFT, 25 % SUBMITTED, 10 % REJECTED, 25 % APPROVED; all drawn from
random.Random(serial), so the same on every run. Since insert_many bypasses the service's
writes, the benchmark then does what each write does: it marks every seeded school with the
service's own Summaries.touch.

Measured, in this order, over HTTP to a freshly started suite (`python -m tmis`) with a QUERY
token of the district:
  catch-up: the first question right after the bulk load, which recomputes every marked school
      (the background refresher shares the work). An attempt that outlives the gateway's 10 s
      gRPC deadline fails with SERVICE_UNAVAILABLE; the recomputes it started go on, and it is
      asked again: the time to the first answer and the attempts are printed;
  then every mark cleared (school_stats polled for dirty: true), and A == B checked for all 9
  questions (8 dimensions and progress);
  steady state, rounds interleaved B, A (one round asks the 9 questions once each):
  (A) the real path: GraphQL statistics / progress of 620102, gateway → records.GetStatistics /
      GetProgress → Stats over the district's 20 clean summaries;
  (B) the baseline the issue rules out: for each question every record of the district read
      into this process (PyMongo straight to the database, `find({"org_path": "620102"})`
      projected to the fields needed) and counted in Python with the same labels; it skips the
      gateway, gRPC and the service, so it is a generous baseline;
  single write: one school marked (as one teacher's save marks it), then one question timed
      (that school recomputed inline), three times;
  breakdown, in this process: the 9 questions by records' Stats (A without HTTP and gRPC), the
      district's summaries read, one school recomputed.
The last line is `RATIO statistics_vs_python_scan <B time / A time> >= 10` for the steady
state; the catch-up and single-write timings are plain lines.

What it showed (50,000 teachers, 2,500 a school, 2 cores shared with other test suites and a
browser; two runs, at load 5-6 and at load 1-4): in all 552 s and 335 s; seeding 153 s and 66 s
(insert_many 449 and 1,044 documents/s, building the documents 42 s and 18 s).
Steady state: B/A 39.9 (rounds 42, 38, 40) and 30.5 (44, 33, 23: the load rose), A 203 and
184 ms a question, B 8.1 and 5.6 s; per question 15 (AGE_BAND) to 79. A is not free: each
question reads all 8 dimensions of every summary (150-210 ms for the district's 20,
in-process): 1,967 KiB of BSON, a school's AGE_BAND (status, type, birth month: ~1,400 rows,
98 of its 105 KiB) most of it; and AGE_BAND also bands those ~28,000 rows in Python (314-461
ms). A city of a few hundred schools pays that per school: reading only the dimension asked
about (`{"dims.X": 1}`) would matter there.
The goal is 10, a third of the lowest ratio measured: it leaves room for a busy machine (one
round fell to 23), and reading records again (ratio about 1) fails it plainly. It holds for the
default size only: A is nearly constant and B grows with the teachers (2,000 teachers: 7.7).
Catch-up: 50.3 s (6 attempts, 5 failed with SERVICE_UNAVAILABLE at the 10 s deadline) and
26.5 s (3 attempts) to the first answer. A recompute is 9 aggregations over the school, each
reading all its records (2.1 s for 2,500 teachers), so catching up costs as much as the 9
district-wide questions did, and a question that finds more than about 4 such schools marked
fails until the work is done (after a bulk load, an Excel import, or a restart on a database
without summaries).
Single write: 2.2-3.4 s and 3.7-4.2 s to the next answer (one school recomputed inline).

    .venv/bin/python bench/statistics.py [--teachers N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bson  # noqa: E402
import httpx  # noqa: E402
from _suite import database_uri, running_suite  # noqa: E402 - beside this file
from pymongo import AsyncMongoClient, MongoClient  # noqa: E402
from teachers_page import CREATE_ORG, LOGIN, gql, mutate  # noqa: E402 - beside this file

from services.records.derived import completeness, derive  # noqa: E402
from services.records.model import Entry, OrgRef, Teacher  # noqa: E402
from services.records.stats import DIMENSIONS, UNSET, Stats, age_band  # noqa: E402
from services.records.storage import Storage, Summaries  # noqa: E402
from services.records.validation import validate  # noqa: E402
from tmis import idcard  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.run.demo import demo_basic  # noqa: E402
from tmis.settings import Settings  # noqa: E402

TEACHERS = 50_000
BATCH = 1_000
ROUNDS = 3
GOAL = 10.0  # see the docstring: ~40 measured at 50,000 teachers under load
CATCH_UP_TIMEOUT = 600.0
SINGLE_WRITE_QUESTIONS = ("PROGRESS", "GENDER", "AGE_BAND")
ADMIN_PASSWORD = "Bench#Pass2026"

DISTRICT = "620102"
DISTRICT_PATH = ("100000", "620000", "620100", DISTRICT)
TYPES = ["PRIMARY_SECONDARY"] * 14 + ["KINDERGARTEN"] * 3 + ["VOCATIONAL"] * 2 + ["SPECIAL_EDUCATION"]
SCHOOLS = [(f"31{DISTRICT}{n + 1:02d}", school_type) for n, school_type in enumerate(TYPES)]
KIND = {
    "PRIMARY_SECONDARY": "学校",
    "KINDERGARTEN": "幼儿园",
    "VOCATIONAL": "职业中专",
    "SPECIAL_EDUCATION": "特殊教育学校",
}
ORGS = [
    {"code": "620000", "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"},
    {"code": "620100", "name": "兰州市", "level": "CITY", "parentCode": "620000"},
    {"code": DISTRICT, "name": "城关区", "level": "DISTRICT", "parentCode": "620100"},
] + [
    {
        "code": code,
        "name": f"兰州市城关区第{n + 1}{KIND[t]}",
        "level": "SCHOOL",
        "parentCode": DISTRICT,
        "schoolType": t,
    }
    for n, (code, t) in enumerate(SCHOOLS)
]
# The district's 信息查询员, as a token would carry it after a login.
READER_CALLER = Caller(
    account_id="bench-reader", username="bench_reader", org_code=DISTRICT, org_path=DISTRICT_PATH, roles=("QUERY",)
)

STATUSES = ["DRAFT"] * 8 + ["SUBMITTED"] * 5 + ["REJECTED"] * 2 + ["APPROVED"] * 5  # 40/25/10/25 %
ETHNICITIES = ["01"] * 12 + ["03", "04", "26", "35", "30", "11"]  # mostly 汉族; 回 藏 东乡 撒拉 土 满
POLITICAL = [["13"], ["01"], ["13"], ["03"], ["01"], ["13"], ["05"], ["02"]]
EDUCATIONS = ["21", "21", "14", "31", "21", "11", "41", "61", None]  # None: no 学习经历
TITLES = ["0", None, None]  # the title table names only 0 无; None: no 专业技术职务聘任

STAT = "query($o:String!,$d:StatDimension!){ statistics(orgCode:$o, dimension:$d){ key label count } }"
PROGRESS = """query($o:String!){ progress(orgCode:$o){ org{ code } total draft submitted rejected approved withPhoto
  complete } }"""
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

    def basic(self, serial: int, school_type: str, rng: random.Random) -> dict[str, Any]:
        birth = dt.date(
            1964 + serial % 40, 1 + serial // 40 % 12, 1 + serial // 480 % 28
        )  # unique with serial % 500 up to 336,000
        gender = rng.choice("12")
        basic = demo_basic(serial, DISTRICT, school_type)
        join = min(birth.year + 22 + rng.randrange(3), self.today.year - 1)
        basic.update(
            idNumber=idcard.make(DISTRICT, birth, serial, gender),
            gender=gender,
            birthDate=birth.isoformat(),
            workStartMonth=f"{birth.year + 22}-09",
            schoolJoinMonth=f"{max(join, birth.year + 22)}-09",
            ethnicity=rng.choice(ETHNICITIES),
            politicalStatus=rng.choice(POLITICAL),
            inEstablishment=rng.random() < 0.75,
        )
        if not basic["inEstablishment"]:
            basic.update(employmentForm="1", contractType="2")
        if school_type == "SPECIAL_EDUCATION":
            basic["specialEdStartMonth"] = basic["schoolJoinMonth"]
        clean, problems = validate(self.basic_set, basic, school_type, self.tables, "basic", self.today)
        blocking = [p for p in problems if not p.warning]
        if blocking:
            raise RuntimeError(f"seed data of teacher {serial} is invalid: {blocking}")
        return clean

    def document(self, serial: int) -> dict[str, Any]:
        rng = random.Random(serial)  # varied, but the same data on every run
        school, school_type = rng.choice(SCHOOLS)
        entries: list[Entry] = []
        education = rng.choice(EDUCATIONS)
        if education:
            entries.append(
                Entry(
                    secrets.token_hex(8),
                    "EDUCATION",
                    {
                        "education": education,
                        "institution": "西北师范大学",
                        "startMonth": "2001-09",
                        "endMonth": "2005-07",
                    },
                )
            )
        title = rng.choice(TITLES)
        if title:
            entries.append(Entry(secrets.token_hex(8), "TITLE_APPOINTMENT", {"title": title}))
        if rng.random() < 0.25:  # complete: one entry in every other required set (its presence is what counts)
            present = {e.set for e in entries}
            entries += [
                Entry(secrets.token_hex(8), s.key, {})
                for s in self.registry.sets.values()
                if s.required and s.key not in present | {"BASIC"}
            ]
        path = (*DISTRICT_PATH, school)
        basic = derive(self.basic(serial, school_type, rng), tuple(entries))
        teacher = Teacher("", 1, school, school_type, path, rng.choice(STATUSES), basic, tuple(entries))
        missing, warnings = completeness(self.registry, teacher, self.tables, self.today)
        doc: dict[str, Any] = {  # the shape of services/records/storage/teachers.py Storage.insert, with entries
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
        if rng.random() < 1 / 3:
            doc["photo"] = {
                "id": secrets.token_hex(12),
                "width": 358,
                "height": 441,
                "bytes": 23_000 + serial % 5_000,
                "dpi": 300,
            }
        return doc


def seed_orgs(client: httpx.Client, url: str) -> None:
    login = gql(client, url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]
    if login["userErrors"] or not login["token"]:
        raise RuntimeError(f"admin login failed: {login}")
    for org in ORGS:
        mutate(client, url, CREATE_ORG, {"i": org}, login["token"])


def seed_teachers(teachers: Any, count: int) -> tuple[float, float, dict[str, tuple[str, ...]]]:
    """(seconds building documents, seconds inserting them, the seeded schools' org paths)."""
    builder = Builder()
    building = inserting = 0.0
    schools: dict[str, tuple[str, ...]] = {}
    for start in range(0, count, BATCH):
        t0 = time.monotonic()
        docs = [builder.document(serial) for serial in range(start, min(start + BATCH, count))]
        t1 = time.monotonic()
        teachers.insert_many(docs)
        t2 = time.monotonic()
        building, inserting = building + t1 - t0, inserting + t2 - t1
        schools.update((doc["school_code"], tuple(doc["org_path"])) for doc in docs)
        if (start // BATCH) % 10 == 9:
            print(
                f"  {start + len(docs)} inserted ({inserting:.1f} s inserting, {building:.1f} s building)", flush=True
            )
    return building, inserting, schools


def mark(uri: str, db_name: str, schools: dict[str, tuple[str, ...]]) -> None:
    """What every write of the records service does after storing a teacher: mark its school
    (Summaries.touch), here for teachers stored by insert_many behind the service's back."""

    async def run() -> None:
        client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
        try:
            summaries = Summaries(client[db_name])
            for code, path in schools.items():
                await summaries.touch(code, path)
        finally:
            await client.close()

    asyncio.run(run())


# --- (A) the real path ----------------------------------------------------------------------


def ask_real(client: httpx.Client, url: str, token: str, question: str) -> Any:
    if question == "PROGRESS":
        rows = gql(client, url, PROGRESS, {"o": DISTRICT}, token)["progress"]
        return sorted(
            ({"org": r["org"]["code"], **{k: v for k, v in r.items() if k != "org"}} for r in rows),
            key=lambda r: r["org"],
        )
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
        rows: dict[str, Counter[str]] = {code: Counter() for code, _ in SCHOOLS}
        depth = len(DISTRICT_PATH)
        for doc in self.teachers.find(
            {"org_path": DISTRICT}, {"_id": 0, "org_path": 1, "status": 1, "photo": 1, "missing": 1}
        ):
            self.read += 1
            row = rows.setdefault(doc["org_path"][depth], Counter())
            row.update(
                total=1,
                **{doc["status"].lower(): 1},
                withPhoto=1 if doc.get("photo") else 0,
                complete=0 if doc.get("missing") else 1,
            )
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


async def stages(uri: str, db_name: str, school: str, repeat: int = 3) -> dict[str, float]:
    """Mean seconds, in this process straight to the database: (C) the 9 questions by records'
    own Stats (A without HTTP, the gateway and gRPC), the district's clean summaries read
    (Summaries.of_subtree), and one school recomputed (Summaries.refresh: what a question
    after a write of that school waits for)."""
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    storage = Storage(client, db_name)

    async def org_of(code: str) -> OrgRef:
        return OrgRef(DISTRICT, "DISTRICT", DISTRICT_PATH, "")

    stats = Stats(storage, org_of, Registry(), load_code_tables())
    today = dt.date.today()

    async def nine_questions() -> None:
        for q in QUESTIONS:
            await (
                stats.progress(READER_CALLER, DISTRICT)
                if q == "PROGRESS"
                else stats.statistics(READER_CALLER, DISTRICT, q, "", today)
            )

    async def recompute() -> None:
        await storage.summaries.refresh(
            await storage.summaries.docs.find_one({"_id": school})
        )  # same counts: the school is clean

    work = {
        "C 9 questions by Stats, in-process": nine_questions,
        "school_stats of the district": lambda: storage.summaries.of_subtree(DISTRICT),
        f"recompute one school ({school})": recompute,
    }
    times = {}
    try:
        for name, call in work.items():
            t0 = time.monotonic()
            for _ in range(repeat):
                await call()
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


def first_answer(client: httpx.Client, url: str, token: str, question: str) -> tuple[float, int]:
    """(seconds until the question is answered, attempts). While marked schools are recomputed
    inline an attempt may outlive the gateway's 10 s gRPC deadline (SERVICE_UNAVAILABLE); the
    recomputes it started go on (Summaries.refresh is shielded), so asking again is what a
    user would do."""
    t0, attempts = time.monotonic(), 0
    while True:
        attempts += 1
        try:
            ask_real(client, url, token, question)
            return time.monotonic() - t0, attempts
        except RuntimeError as err:
            if "SERVICE_UNAVAILABLE" not in str(err) or time.monotonic() - t0 > CATCH_UP_TIMEOUT:
                raise


def wait_clean(stats_docs: Any) -> float:
    """Seconds until the background refresher has cleared every mark."""
    t0 = time.monotonic()
    while stats_docs.count_documents({"dirty": True}):
        if time.monotonic() - t0 > CATCH_UP_TIMEOUT:
            raise RuntimeError(
                f"schools still marked after {CATCH_UP_TIMEOUT:.0f} s: {stats_docs.count_documents({'dirty': True})}"
            )
        time.sleep(0.5)
    return time.monotonic() - t0


def same_answers(real: Callable[[str], Any], scan: PythonScan) -> None:
    """Every question answered by both sides, which must agree (also the warm-up of both)."""
    for question in QUESTIONS:
        t0 = time.monotonic()
        answer = real(question)
        t1 = time.monotonic()
        mine = scan.ask(question)
        t2 = time.monotonic()
        if answer != mine:
            raise RuntimeError(f"{question}: A and B differ\nA {answer}\nB {mine}")
        total = sum(r["count" if question != "PROGRESS" else "total"] for r in answer)
        print(
            f"same answer for {question:17s} ({len(answer)} rows, {total} counted): A {t1 - t0:.2f} s, B "
            f"{t2 - t1:.2f} s",
            flush=True,
        )


def after_single_writes(real: Callable[[str], Any], uri: str, db_name: str) -> list[float]:
    """Seconds to answer each question after its school is marked, as one teacher's save would mark it."""
    single = []
    for i, question in enumerate(SINGLE_WRITE_QUESTIONS):
        school = SCHOOLS[i][0]
        mark(uri, db_name, {school: (*DISTRICT_PATH, school)})
        t0 = time.monotonic()
        real(question)
        single.append(time.monotonic() - t0)
        print(f"after a single write to {school}: {question} answered in {single[-1]:.2f} s", flush=True)
    return single


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
        teachers, stats_docs = mongo[db_name]["teachers"], mongo[db_name]["school_stats"]
        with httpx.Client(timeout=600) as client:
            started = time.monotonic()
            seed_orgs(client, url)
            print(f"seeded {len(ORGS)} orgs in {time.monotonic() - started:.1f} s", flush=True)
            started = time.monotonic()
            building, inserting, schools = seed_teachers(teachers, args.teachers)
            t0 = time.monotonic()
            mark(uri, db_name, schools)
            marking, seeding = time.monotonic() - t0, time.monotonic() - started
            print(
                f"seeded {args.teachers} teachers in {seeding:.1f} s ({building:.1f} s building documents, "
                f"{inserting:.1f} s insert_many: "
                f"{args.teachers / inserting:.0f} documents/s; {len(schools)} schools marked in {marking:.2f} s)",
                flush=True,
            )

            catch_up, attempts = first_answer(client, url, token, QUESTIONS[0])
            left = stats_docs.count_documents({"dirty": True})
            print(
                f"catch-up: first question after the bulk load answered in {catch_up:.1f} s ({attempts} attempt(s); "
                f"{left} schools still marked)",
                flush=True,
            )
            cleaning = wait_clean(stats_docs)
            print(f"background refresher cleared every mark {cleaning:.1f} s later", flush=True)

            scan = PythonScan(teachers)
            same_answers(lambda q: ask_real(client, url, token, q), scan)  # also the warm-up of both

            a, b = [], []
            for i in range(args.rounds):
                b.append(timed_round(scan.ask))
                print(f"round {i + 1} B python scan: {len(QUESTIONS)} questions in {b[-1][1]:.2f} s", flush=True)
                a.append(timed_round(lambda q: ask_real(client, url, token, q)))
                print(f"round {i + 1} A real path:   {len(QUESTIONS)} questions in {a[-1][1]:.2f} s", flush=True)

            single = after_single_writes(lambda q: ask_real(client, url, token, q), uri, db_name)
        summary_bytes = sum(len(bson.encode(doc)) for doc in stats_docs.find({"org_path": DISTRICT}))
        mongo.close()
        breakdown = asyncio.run(stages(uri, db_name, SCHOOLS[0][0]))

    secs_a, secs_b = sum(t for _, t in a), sum(t for _, t in b)
    n = len(QUESTIONS) * args.rounds
    for question in QUESTIONS:
        qa, qb = sum(t[question] for t, _ in a) / len(a), sum(t[question] for t, _ in b) / len(b)
        print(f"  {question:17s} A {qa * 1000:7.1f} ms   B {qb * 1000:7.0f} ms   B/A {qb / qa:.0f}")
    for name, secs in breakdown.items():
        print(f"  {name:38s} {secs * 1000:7.1f} ms")
    print(
        f"A real path (summaries):    {n} questions in {secs_a:.2f} s = {n / secs_a:.1f} questions/s "
        f"({1000 * secs_a / n:.1f} ms each)"
    )
    print(
        f"B python scan:              {n} questions in {secs_b:.1f} s = {n / secs_b:.2f} questions/s "
        f"({1000 * secs_b / n:.0f} ms each)"
    )
    print("B/A per round: " + ", ".join(f"{tb / ta:.0f}" for (_, ta), (_, tb) in zip(a, b, strict=True)))
    print(
        f"B read {scan.read} documents into Python; A read {len(schools)} school summaries per question "
        f"({summary_bytes / 1024:.0f} KiB of BSON)"
    )
    print(
        f"catch-up after the bulk load of {args.teachers} teachers: {catch_up:.1f} s to the first answer "
        f"({attempts} attempt(s)), every mark cleared {cleaning:.1f} s later"
    )
    print(
        f"after a single write: {', '.join(f'{t:.2f}' for t in single)} s to the next answer (mean "
        f"{sum(single) / len(single):.2f} s)"
    )
    print(f"total run time {time.monotonic() - began:.1f} s")
    print(f"RATIO statistics_vs_python_scan {secs_b / secs_a:.1f} >= {GOAL}")


if __name__ == "__main__":
    main()
