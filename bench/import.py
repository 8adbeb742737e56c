"""Workbook import throughput versus openpyxl merely reading the same file.

Generates a 100,000-row 基本信息 workbook in the template's layout (valid, varied data: names,
genders and birth dates that agree with the 身份证件号, political status, ethnicity, in or out of
the establishment, codes written as "code-name", name only or code only), then, in the same run:

  (b) the full import into a fresh embedded database (SecantusDB, as `make run` uses): the
      records service's own import job (`Workbooks.start`: the file stored in GridFS, read with
      calamine, every row validated like a manual save, each chunk of 1,000 rows one
      transaction of its conditioned writes, history and the job's checkpoint, a heartbeat
      ticking) — everything but the gRPC hop that carries the file;
  (a) openpyxl in read-only mode merely iterating every row of the file (values only).

(b) runs first, and the workbook is generated in a process of its own, so this process's peak
resident memory (ru_maxrss) after it is the import's. It prints rows per second of both, the
CPU time the import took in this process and in the database's, the peak memory, the same job as a dry run (what the
import costs apart from the database's inserts), then

  RATIO import_vs_openpyxl_read <b rows/s / a rows/s> >= 1.5
  RATIO import_memory_headroom <500 MB / peak> >= 1

    .venv/bin/python bench/import.py [--rows N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from bench.db_costs import cpu_seconds  # noqa: E402
from services.records.jobs import Workbooks  # noqa: E402
from services.records.model import OrgRef  # noqa: E402
from services.records.reading import Limits  # noqa: E402
from services.records.storage import JobStore, Storage  # noqa: E402
from services.records.teachers import Teachers  # noqa: E402
from services.records.workbook import layouts  # noqa: E402
from tmis import idcard, jobs  # noqa: E402
from tmis.auth import Caller  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.run.embedded_db import EmbeddedMongo  # noqa: E402
from tmis.settings import Settings  # noqa: E402

SCHOOL = "3162010201"
PATH = ("100000", "620000", "620100", "620102", SCHOOL)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["明", "娜", "磊", "芳", "静", "帆", "敏", "强", "婷", "刚", "丽", "浩", "晓东", "海燕", "建国", "春梅"]
POLITICAL = ["13-群众", "01-中共党员", "02", "共青团员", "13"]
ETHNIC = ["01-汉族", "汉族", "03-回族", "05", "04-藏族"]


def row_values(i: int) -> dict[str, object]:
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=i % 12000)
    gender = "1" if i % 2 else "2"
    established = i % 4 != 0
    return {
        "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)],
        "gender": "1-男" if gender == "1" else "女",
        "idType": "1-居民身份证",
        "idNumber": idcard.make("620102", birth, i // 12000, gender),
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


def generate(rows: int, path: Path) -> None:
    columns = layouts(Registry(), "PRIMARY_SECONDARY")[0].columns
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("基本信息")
    ws.append([c.header for c in columns])
    for i in range(rows):
        values = row_values(i)
        ws.append([values.get(c.field.key) for c in columns])
    wb.save(path)


def openpyxl_read(path: Path) -> int:
    wb = load_workbook(path, read_only=True)
    n = sum(1 for _ in wb["基本信息"].iter_rows(values_only=True)) - 1
    wb.close()
    return n


async def full_import(uri: str, data: bytes, dry_run: bool = False) -> dict[str, int]:
    base = Settings.from_env({})
    settings = dataclasses.replace(
        base, mongodb_uri=uri, databases={**base.databases, "records": "bench_dry" if dry_run else "bench_records"}
    )
    storage = await Storage.open(settings)
    store = JobStore(storage.client, settings.databases["records"])
    tables = load_code_tables()

    async def org_of(code: str) -> OrgRef | None:
        return OrgRef(SCHOOL, "SCHOOL", PATH, "PRIMARY_SECONDARY") if code == SCHOOL else None

    registry = Registry()
    teachers = Teachers(storage, org_of, registry, tables)
    workbooks = Workbooks(store, teachers, registry, tables, Limits(), jobs.JobConfig(), lambda caller: "")
    await workbooks.runtime.open()
    clerk = Caller("bench", "clerk", SCHOOL, PATH, ("DATA_ENTRY",))
    job = await workbooks.start(clerk, SCHOOL, "bench.xlsx", data, "APPEND", dry_run)
    while (done := await store.get(job.id)) is not None and done.status in jobs.OPEN:
        await asyncio.sleep(0.05)
    await workbooks.close()
    await storage.close()
    if done is None or done.status != "SUCCEEDED":
        raise SystemExit(f"the import did not succeed: {done}")
    if done.errors:
        print("first errors:", done.errors[:3])
    return done.counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tmis-bench-import-") as tmp:
        path = Path(tmp) / "teachers.xlsx"
        started = time.perf_counter()
        maker = multiprocessing.get_context("spawn").Process(target=generate, args=(args.rows, path))
        maker.start()  # apart, so this process's peak memory is the import's
        maker.join()
        data = path.read_bytes()
        print(
            f"workbook: {args.rows} rows, {len(data) / 1e6:.1f} MB, generated in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        with (db := EmbeddedMongo(Path(tmp) / "db")) as uri:
            assert db.proc is not None
            started, db_cpu, own_cpu = time.perf_counter(), cpu_seconds(db.proc.pid), time.process_time()
            counts = asyncio.run(full_import(uri, data))
            imported = time.perf_counter() - started
            db_cpu, own_cpu = cpu_seconds(db.proc.pid) - db_cpu, time.process_time() - own_cpu
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started, dry_cpu, dry_db = time.perf_counter(), time.process_time(), cpu_seconds(db.proc.pid)
            asyncio.run(full_import(uri, data, dry_run=True))
            dry, dry_cpu = time.perf_counter() - started, time.process_time() - dry_cpu
            dry_db = cpu_seconds(db.proc.pid) - dry_db
        if counts.get("inserted") != args.rows or counts.get("failed"):
            raise SystemExit(f"unexpected outcome: {counts}")
        started, read_cpu = time.perf_counter(), time.process_time()
        read = openpyxl_read(path)
        reading, read_cpu = time.perf_counter() - started, time.process_time() - read_cpu
    import_rate, read_rate = args.rows / imported, read / reading
    print(
        f"(a) openpyxl read-only, values only: {read} rows in {reading:.1f} s = {read_rate:,.0f} rows/s "
        f"(CPU {read_cpu:.1f} s)"
    )
    print(f"(b) full import (parse, validate, write): {args.rows} rows in {imported:.1f} s = {import_rate:,.0f} rows/s")
    print(
        f"    the same job as a dry run (parse, validate, no writes): {dry:.1f} s = {args.rows / dry:,.0f} rows/s; "
        "the rest is the database's inserts"
    )
    print(
        f"CPU of the import: this process {own_cpu:.1f} s ({own_cpu / args.rows * 1e6:.0f} µs a row), "
        f"the database {db_cpu:.1f} s ({db_cpu / args.rows * 1e6:.0f} µs a row); "
        f"the dry run {dry_cpu:.1f} s ({dry_cpu / args.rows * 1e6:.0f} µs a row) and the database's during it "
        f"{dry_db:.1f} s"
    )
    # on a shared machine the wall clock is the scheduler's: were each process given a core of its own,
    # the import would run at the rate of the busier one (the two overlap), openpyxl at its CPU's
    alone = args.rows / max(own_cpu, db_cpu)
    print(
        f"on cores of their own (CPU time): the import {alone:,.0f} rows/s, openpyxl {read / read_cpu:,.0f} rows/s: "
        f"{alone / (read / read_cpu):.2f}x"
    )
    print(f"peak memory of the import (max RSS of this process, the records service's part): {peak_mb:.0f} MB")
    print(f"RATIO import_vs_openpyxl_read {import_rate / read_rate:.2f} >= 1.5")
    print(f"RATIO import_memory_headroom {500 / peak_mb:.2f} >= 1")


if __name__ == "__main__":
    main()
