"""Workbook import end to end through the API, against the database's floor and openpyxl's read.

Generates an N-row (default 20,000) 基本信息 workbook in the template's layout (valid, varied data:
names, genders and birth dates that agree with the 身份证件号, political status, ethnicity, in or
out of the establishment, codes written as "code-name", name only or code only) in a process of its
own, starts the suite (`python -m tmis`: the embedded database, journaled: every write
`w: majority, j: true`, tmis/mongo.py), and in each round, on a new workbook (other people) and a
school of its own:

  (b) the import through the API: `importWorkbook` (GraphQL multipart, the gateway, gRPC to
      records), the job's run (the file in GridFS, read with calamine, every row validated like a
      manual save, each chunk of 1,000 rows one transaction with the job's checkpoint) until
      `importJob` says SUCCEEDED: the wall clock from the upload's first byte to the job's end as
      the records service wrote it (`finished_at`, read back then: the poll, every 0.2 s, would
      add 0.1 s on average, and polling faster costs the database a find each time);
  (c) the floor: the database's own `insert_many` of the same documents (read back from what the
      import wrote, their ids dropped) into a fresh database with the same indexes
      (`Storage.open`), journaled likewise: one call, the driver's batches;
  (a) openpyxl in read-only mode merely iterating every row of the file (values only).

It prints each round's figures (rows per second, and the CPU each process spent: the database, the
records service, the gateway), the first round's file imported again (every row unchanged: each
record read and compared, none written), then the median round of each ratio (a round's three
measurements see about the same load of the shared machine, the rounds do not):

  RATIO import_vs_insert_many_floor <c time / b time> >= 0.8
  RATIO import_vs_openpyxl_read <a time / b time> >= 0.3
  RATIO import_memory_headroom <500 MB / the records service's peak resident memory> >= 1

    .venv/bin/python bench/import.py [--rows N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from _suite import database_uri, running_suite  # noqa: E402 - beside this file
from openpyxl import Workbook, load_workbook  # noqa: E402
from pymongo import MongoClient  # noqa: E402
from teachers_page import ADMIN_PASSWORD, CREATE_ORG, LOGIN, ORGS, gql, mutate  # noqa: E402 - beside this file

from bench.db_costs import cpu_seconds  # noqa: E402
from services.records.storage import Storage  # noqa: E402
from services.records.workbook import layouts  # noqa: E402
from tmis import idcard  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.settings import Settings  # noqa: E402

DISTRICT = "620102"
DISTRICT_PATH = ("100000", "620000", "620100", DISTRICT)
IMPORT = """mutation($s: String!, $f: Upload!) { importWorkbook(schoolCode: $s, file: $f) { job { id }
  userErrors { code message field } } }"""
JOB = """query($id: ID!) { importJob(id: $id) { status total processed inserted unchanged failed
  errors(first: 3) { row column message } } }"""
PROCESSES = ("database", "records", "gateway")
OPEN = ("QUEUED", "RUNNING")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["明", "娜", "磊", "芳", "静", "帆", "敏", "强", "婷", "刚", "丽", "浩", "晓东", "海燕", "建国", "春梅"]
POLITICAL = ["13-群众", "01-中共党员", "02", "共青团员", "13"]
ETHNIC = ["01-汉族", "汉族", "03-回族", "05", "04-藏族"]


def row_values(i: int, region: str = "620102") -> dict[str, object]:
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=i % 12000)
    gender = "1" if i % 2 else "2"
    established = i % 4 != 0
    return {
        "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
        "gender": "1-男" if gender == "1" else "女",
        "idType": "1-居民身份证",
        "idNumber": idcard.make(region, birth, i // 12000, gender),
        "birthDate": birth.isoformat(),
        "nationality": "156-中国",
        "ethnicity": ETHNIC[i % len(ETHNIC)],
        "politicalStatus": POLITICAL[i % len(POLITICAL)],
        "maritalStatus": "20-已婚" if i % 3 else "10-未婚",
        "health": "1-健康或良好",
        "nativePlace": "620102",
        "workStartMonth": f"{birth.year + 22}-09",
        "schoolJoinMonth": f"{birth.year + 23 + i % 6}{9 if i % 2 else 3:02d}",
        "staffSource": "101-应届毕业生" if i % 5 else "30",
        "staffCategory": "A1-专任教师" if i % 9 else "A2",
        "inEstablishment": "1-是" if established else "0-否",
        "employmentForm": None if established else "1-人事代理",
        "contractType": "1-聘用合同" if established else "2",
        "normalMajorGraduate": "1-是" if i % 3 else "0-否",
        "specialEdTrained": "0-否",
        "specialEdCertified": "0",
        "itProficiency": f"{1 + i % 5}",
        "fundedNormalStudent": "0-否",
        "grassrootsProgram": "0-否",
        "specialGradeTeacher": "0-否",
        "keyTeacher": "1-是" if i % 11 == 0 else "0-否",
        "mentalHealthTeacher": "0-否",
        "staffStatus": "100-在本单位任职",
        "remarks": None if i % 13 else "新进教师",
    }


def generate(rows: int, first: int, path: Path | IO[bytes], region: str = "620102") -> None:
    """基本信息 of `rows` new teachers from `first` on, in the template's layout, their 身份证件号 in `region`
    (also bench/scale.py's and bench/chaos.py's workbooks)."""
    columns = layouts(Registry(), "PRIMARY_SECONDARY")[0].columns
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("基本信息")
    ws.append([c.header for c in columns])
    for i in range(first, first + rows):
        values = row_values(i, region)
        ws.append([values.get(c.field.key) for c in columns])
    wb.save(path)


def openpyxl_read(path: Path) -> int:
    wb = load_workbook(path, read_only=True)
    n = sum(1 for _ in wb["基本信息"].iter_rows(values_only=True)) - 1
    wb.close()
    return n


UP_TO_DISTRICT = [org for org in ORGS if org["level"] != "SCHOOL"]  # each round makes a school of its own
A_SCHOOL = next(org for org in ORGS if org["level"] == "SCHOOL")


def school_of(round_: int) -> str:
    return f"31{DISTRICT}{round_ + 1:02d}"


def pids(data_dir: Path) -> dict[str, int]:
    state = json.loads((data_dir / "run.json").read_text())
    return {name: state[name]["pid"] for name in PROCESSES}


def cpu(of: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in of.items()}


def quiet(pid: int, timeout: float = 60.0) -> None:
    """Waits until the process is idle (under 5% of a core over half a second): what the last phase
    left to the database in the background (a recount, its journal) is not counted in the next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            return


def median(values: list[float]) -> float:  # (bench/statistics.py shadows the standard module here)
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) / 1024


@dataclasses.dataclass
class Round:
    imported: float  # seconds, end to end
    floor: float  # seconds, the database's insert_many
    read: float  # seconds, openpyxl
    import_db: float  # the database's CPU seconds during the import
    floor_db: float  # … during the floor

    def ratios(self) -> tuple[float, float, float]:
        """(floor, openpyxl's read, the database's CPU of the floor) against the import's."""
        return self.floor / self.imported, self.read / self.imported, self.floor_db / self.import_db


def through_the_api(
    client: httpx.Client, suite: Any, token: str, school: str, data: bytes, outcome: str = "inserted"
) -> tuple[float, float, float]:
    """Uploads the workbook and waits for its job to end, every row `outcome`: the seconds until the
    upload was answered (the file stored, the job created), until the first chunk was committed
    (seen by the poll), until the job's end was written."""
    url, started, wall = suite.url, time.perf_counter(), time.time()
    reply = client.post(
        url,
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"s": school, "f": None}}),
            "map": '{"0": ["variables.f"]}',
        },
        files={"0": ("教师.xlsx", data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )
    answered = time.perf_counter() - started
    payload = reply.json()["data"]["importWorkbook"]
    if payload["userErrors"]:
        raise SystemExit(f"the upload was refused: {payload['userErrors']}")
    first = 0.0
    while (job := gql(client, url, JOB, {"id": payload["job"]["id"]}, token)["importJob"])["status"] in OPEN:
        first = first or (time.perf_counter() - started if job["processed"] else 0.0)
        time.sleep(0.2)
    if job["status"] != "SUCCEEDED" or job["failed"] or job[outcome] != job["total"]:
        raise SystemExit(f"unexpected outcome: {job}")
    took = ended_at(database_uri(suite.data_dir), payload["job"]["id"]) - wall
    return answered, first or took, took


def ended_at(uri: str, job_id: str) -> float:
    """When the job's end was written (the records service's clock: this machine's), as time.time()."""
    with MongoClient[dict[str, Any]](uri) as mongo:
        doc = mongo[Settings.from_env({}).databases["records"]]["jobs"].find_one({"_id": job_id})
    assert doc is not None and doc.get("finished_at") is not None, doc
    return float(doc["finished_at"].replace(tzinfo=dt.UTC).timestamp())


async def documents(uri: str, school: str) -> list[dict[str, Any]]:
    """The documents the import wrote for `school` (their ids dropped), once the background has
    counted the school (its recount is not the floor's)."""
    source = await Storage.open(dataclasses.replace(Settings.from_env({}), mongodb_uri=uri))
    deadline = time.monotonic() + 300
    while await source.summaries.docs.count_documents({"dirty": True}) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    found = [{k: v for k, v in d.items() if k != "_id"} async for d in source.teachers.find({"school_code": school})]
    await source.close()
    return found


async def insert_many_floor(uri: str, docs: list[dict[str, Any]], round_: int) -> float:
    """The documents inserted by one `insert_many` into a fresh database with the same indexes
    (`Storage.open`), journaled: the seconds the insert took."""
    base = dataclasses.replace(Settings.from_env({}), mongodb_uri=uri)
    floor = await Storage.open(
        dataclasses.replace(base, databases={**base.databases, "records": f"bench_floor_{round_}"})
    )
    started = time.perf_counter()
    await floor.teachers.insert_many(docs, ordered=False)
    took = time.perf_counter() - started
    await floor.close()
    return took


def clerk_of(suite: Any, school: str) -> str:
    """A token of the school's 信息录入员, signed with the suite's own secret."""
    signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
    return signer.sign(Caller("bench", "bench_clerk", school, (*DISTRICT_PATH, school), ("DATA_ENTRY",)))


def again(client: httpx.Client, suite: Any, rows: int, tmp: Path) -> None:
    """The first round's file imported again: every record read back and compared, none written."""
    school, of = school_of(0), pids(suite.data_dir)
    quiet(of["database"])
    before = cpu(of)
    _, _, took = through_the_api(
        client, suite, clerk_of(suite, school), school, (tmp / "teachers-0.xlsx").read_bytes(), "unchanged"
    )
    spent = {k: v - before[k] for k, v in cpu(of).items()}
    per_row = ", ".join(f"{k} {v:.1f} s ({v / rows * 1e6:.0f} µs a row)" for k, v in spent.items())
    print(f"the first file again (every row unchanged): {took:.2f} s = {rows / took:,.0f} rows/s; CPU: {per_row}")


def one_round(client: httpx.Client, suite: Any, token: str, rows: int, round_: int, tmp: Path) -> Round:
    path = tmp / f"teachers-{round_}.xlsx"
    maker = multiprocessing.get_context("spawn").Process(target=generate, args=(rows, round_ * rows, path))
    maker.start()  # apart: the suite's processes are measured, not this one
    maker.join()
    data, school, of = path.read_bytes(), school_of(round_), pids(suite.data_dir)
    mutate(client, suite.url, CREATE_ORG, {"i": {**A_SCHOOL, "code": school, "name": f"示范学校{round_ + 1}"}}, token)
    clerk = clerk_of(suite, school)
    quiet(of["database"])
    before = cpu(of)
    answered, first, imported = through_the_api(client, suite, clerk, school, data)
    spent = {k: v - before[k] for k, v in cpu(of).items()}
    floor_of = asyncio.run(documents(database_uri(suite.data_dir), school))
    quiet(of["database"])
    before = cpu(of)
    floor = asyncio.run(insert_many_floor(database_uri(suite.data_dir), floor_of, round_))
    floor_db = cpu(of)["database"] - before["database"]
    started, read_cpu = time.perf_counter(), time.process_time()
    read = openpyxl_read(path)
    reading, read_cpu = time.perf_counter() - started, time.process_time() - read_cpu
    per_row = ", ".join(f"{k} {v:.1f} s ({v / rows * 1e6:.0f} µs a row)" for k, v in spent.items())
    print(f"round {round_ + 1}: {rows} rows, {len(data) / 1e6:.1f} MB", flush=True)
    print(f"  (b) import through the API: {imported:.2f} s = {rows / imported:,.0f} rows/s; CPU: {per_row}")
    print(f"      the upload answered after {answered:.2f} s, the first chunk committed by {first:.2f} s")
    print(
        f"  (c) the database's insert_many of the same documents: {floor:.2f} s = {rows / floor:,.0f} rows/s; "
        f"database CPU {floor_db:.1f} s ({floor_db / rows * 1e6:.0f} µs a row)"
    )
    print(
        f"  (a) openpyxl read-only: {reading:.2f} s = {read / reading:,.0f} rows/s (CPU {read_cpu:.1f} s)", flush=True
    )
    return Round(imported, floor, reading, spent["database"], floor_db)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="tmis-bench-import-") as tmp,
        running_suite(ADMIN_PASSWORD) as suite,
        httpx.Client(timeout=600) as client,
    ):
        admin = gql(client, suite.url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]["token"]
        for org in UP_TO_DISTRICT:
            mutate(client, suite.url, CREATE_ORG, {"i": org}, admin)
        rounds = [one_round(client, suite, admin, args.rows, r, Path(tmp)) for r in range(args.rounds)]
        again(client, suite, args.rows, Path(tmp))
        peak = peak_mb(pids(suite.data_dir)["records"])
    print(f"records service: peak resident memory {peak:.0f} MB")
    # each round's import against the floor and the read measured right after it (the machine's load
    # moves between rounds), the median round
    ratios = sorted(r.ratios() for r in rounds)
    print(
        "the rounds' (floor, openpyxl, database CPU of the floor) / import, sorted:",
        [tuple(round(x, 2) for x in r) for r in ratios],
    )
    floor, read, cpu_only = (median([r[i] for r in ratios]) for i in range(3))
    print(f"the database's CPU, the floor's against the import's: {cpu_only:.2f} (the median round)")
    print(f"RATIO import_vs_insert_many_floor {floor:.2f} >= 0.8")
    print(f"RATIO import_vs_openpyxl_read {read:.2f} >= 0.3")
    print(f"RATIO import_memory_headroom {500 / peak:.2f} >= 1")


if __name__ == "__main__":
    main()
