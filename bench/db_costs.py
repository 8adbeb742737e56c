"""What the embedded database (SecantusDB) costs: per index entry on insert, per query shape, per
round trip. The figures behind the storage design; kept in bench/README.md.

  - insert: 5,000 documents (batches of 500) into collections with 0, 3 and 3 multikey (4-element
    array) indexes: µs per document and per extra index entry;
  - round trip: `find_one` by `_id` (the cheapest request);
  - the org tree, 20,000 records of 20 schools in 4 districts: a page of 50 sorted by
    (updated_at, _id) at a school and a district as (a) an equality on a multikey `org_path`
    array, (b) an anchored prefix regex on a materialised path string `org_key`,
    (c) an equality on a per-level field; and `count_documents` for each;
  - insert, teacher records as the import writes them (~1.2 KB, `Storage._new_doc`'s shape) under
    each plan of indexes for `teachers` (`--plans`): the index set as it is, without any, the org
    tree as one multikey `org_path` index, the unique key doubling as the 身份证件号 lookup, ...;
    rounds interleaved, the best round of each kept (the machine is shared);
  - a single-document update as a retryable write (what every write of the services is: PyMongo's
    default) and as a plain one, by 2,000s up to 12,000 in a row (`--only-retryable`): the database
    keeps a record of each retryable write for 30 minutes and scans them on every one.

    .venv/bin/python bench/db_costs.py [--docs N] [--only-plans | --only-windows | --only-retryable]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pymongo import ASCENDING, DESCENDING, MongoClient  # noqa: E402

from tmis.run.embedded_db import EmbeddedMongo  # noqa: E402

PATH = ["100000", "620000", "620100"]


def per_second(fn: Callable[[], object], seconds: float = 1.5) -> float:
    n, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        fn()
        n += 1
    return n / elapsed


def doc(i: int, schools: int) -> dict[str, Any]:
    school = f"31620{i % schools:05d}"
    district = f"6201{(i % schools) % 4:02d}"
    path = [*PATH, district, school]
    return {
        "org_path": path,
        "org_key": "/".join(path) + "/",
        "org_district": district,
        "org_city": PATH[2],
        "school_code": school,
        "status": "DRAFT",
        "basic": {"name": f"王{i:06d}", "idNumber": f"{i:018d}"},
        "updated_at": dt.datetime(2026, 1, 1) + dt.timedelta(seconds=i),
    }


def inserts(db: Any, n: int) -> None:
    shapes = {
        "no index": [],
        "3 single-key indexes": [[("org_key", 1), ("updated_at", -1)], [("school_code", 1)], [("status", 1)]],
        "3 multikey indexes (4-5 entries each)": [
            [("org_path", 1), ("updated_at", -1)],
            [("org_path", 1), ("status", 1)],
            [("org_path", 1), ("basic.name", 1)],
        ],
    }
    base = 0.0
    for name, indexes in shapes.items():
        coll = db[f"ins_{len(indexes)}_{'m' if 'multi' in name else 's'}"]
        for keys in indexes:
            coll.create_index(keys)
        docs = [doc(i, 20) for i in range(n)]
        started = time.perf_counter()
        for at in range(0, n, 500):
            coll.insert_many(docs[at : at + 500], ordered=False)
        us = (time.perf_counter() - started) / n * 1e6
        entries = 0 if not indexes else (3 if "single" in name else 15)
        extra = f", {(us - base) / entries:.0f} µs per index entry" if entries else ""
        base = base or us
        print(f"insert, {name}: {us:.0f} µs per document{extra}")


def teacher(i: int, schools: int = 20) -> dict[str, Any]:
    """A record as the import inserts it (`Storage._new_doc`): per-level fields, basic, missing."""
    school = f"31620{i % schools:05d}"
    path = ["100000", "620000", "620100", f"6201{(i % schools) % 4:02d}", school]
    at = dt.datetime(2026, 1, 1) + dt.timedelta(milliseconds=i)
    basic = {
        "name": "王李张刘陈"[i % 5] + "明娜磊芳静"[i // 5 % 5],
        "gender": "1" if i % 2 else "2",
        "nationality": "156",
        "idType": "1",
        "idNumber": f"6201021962{i:08d}",
        "birthDate": "1962-01-01",
        "nativePlace": "620102",
        "ethnicity": "01",
        "politicalStatus": ["13"],
        "maritalStatus": "20",
        "health": "1",
        "workStartMonth": "1984-09",
        "schoolJoinMonth": "1985-09",
        "staffSource": "101",
        "staffCategory": "A1",
        "inEstablishment": True,
        "contractType": "1",
        "normalMajorGraduate": True,
        "specialEdTrained": False,
        "specialEdCertified": False,
        "itProficiency": "1",
        "fundedNormalStudent": "0",
        "grassrootsProgram": "0",
        "specialGradeTeacher": False,
        "keyTeacher": False,
        "mentalHealthTeacher": "0",
        "staffStatus": "100",
    }
    return {
        "school_code": school,
        "school_type": "PRIMARY_SECONDARY",
        "org_path": path,
        **{f"org_l{d}": code for d, code in enumerate(path[:-1])},
        "status": "DRAFT",
        "basic": basic,
        "entries": [],
        "missing": ["education", "postAppointment", "titleAppointment", "salary", "assessment"],
        "warnings": [],
        "version": 1,
        "review_seq": 0,
        "created_at": at,
        "updated_at": at,
    }


def _tree(field: str) -> list[tuple[str, int]]:
    return [(field, ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)]


_UNIQUE = ("unique", [("basic.idType", ASCENDING), ("basic.idNumber", ASCENDING)])
_UNIQUE_BY_NUMBER = ("unique", [("basic.idNumber", ASCENDING), ("basic.idType", ASCENDING)])
_NUMBER = ("", [("basic.idNumber", ASCENDING)])
_NAME = ("", [("basic.name", ASCENDING)])
_PERSONAL = ("partial", [("personal_code", ASCENDING)])
_LEVELS = [("", _tree(f)) for f in ("org_l1", "org_l2", "org_l3", "school_code")]
_PATH = [("", _tree("org_path"))]
# index plans for `teachers`: (kind, keys) each; kind "unique", "partial" (personal_code) or ""
PLANS: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {
    "none (_id only)": [],
    "as is: unique, idNumber, 4 levels, name, personal_code": [_UNIQUE, _NUMBER, *_LEVELS, _NAME, _PERSONAL],
    "org_path multikey for the 4 levels": [_UNIQUE, _NUMBER, *_PATH, _NAME, _PERSONAL],
    "unique (idNumber, idType) as the lookup": [_UNIQUE_BY_NUMBER, *_LEVELS, _NAME, _PERSONAL],
    "unique as the lookup + org_path multikey": [_UNIQUE_BY_NUMBER, *_PATH, _NAME, _PERSONAL],
    "unique as the lookup, 4 levels, no name": [_UNIQUE_BY_NUMBER, *_LEVELS, _PERSONAL],
    "unique only": [_UNIQUE_BY_NUMBER],
    "1 single-key index": [_NAME],
    "1 multikey org_path index": _PATH,
    "4 single-key level indexes": _LEVELS,
}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (the database's: what an insert costs on its core, whatever
    else the machine runs)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def teacher_inserts(db: Any, pid: int, n: int, rounds: int, plans: list[str]) -> None:
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for r in range(rounds):
        for name in plans:
            coll = db[f"teachers_{r}_{list(PLANS).index(name)}"]
            for kind, keys in PLANS[name]:
                options: dict[str, Any] = {"unique": True} if kind else {}
                if kind == "partial":
                    options["partialFilterExpression"] = {"personal_code": {"$type": "string"}}
                coll.create_index(keys, **options)
            docs = [teacher(i) for i in range(n)]
            started, used = time.perf_counter(), cpu_seconds(pid)
            for at in range(0, n, 1000):
                coll.insert_many(docs[at : at + 1000], ordered=False)
            us = (time.perf_counter() - started) / n * 1e6
            cpu_us = (cpu_seconds(pid) - used) / n * 1e6
            best[name] = min(best.get(name, us), us)
            cpu[name] = min(cpu.get(name, cpu_us), cpu_us)
            coll.drop()
    for name in plans:
        print(
            f"insert teacher records, {name} ({len(PLANS[name])} indexes): {best[name]:.0f} µs per record, "
            f"database CPU {cpu[name]:.0f} µs"
        )


def queries(db: Any, n: int) -> None:
    coll = db["tree"]
    coll.insert_many([doc(i, 20) for i in range(n)], ordered=False)
    sort = [("updated_at", DESCENDING), ("_id", DESCENDING)]
    for field in ("org_path", "org_key", "org_district", "org_city", "school_code"):
        coll.create_index([(field, ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)])
    print(f"round trip, find_one by _id: {per_second(lambda: coll.find_one({'_id': 1})):.0f}/s")
    school, district = "3162000005", "620101"
    key_school = "/".join([*PATH, "620101", school]) + "/"
    key_district = "/".join([*PATH, district]) + "/"
    shapes: dict[str, dict[str, Any]] = {
        "school, org_path equality (multikey)": {"org_path": school},
        "school, org_key prefix regex": {"org_key": {"$regex": "^" + key_school}},
        "school, school_code equality": {"school_code": school},
        "district, org_path equality (multikey)": {"org_path": district},
        "district, org_key prefix regex": {"org_key": {"$regex": "^" + key_district}},
        "district, org_key range [key, key+1)": {"org_key": {"$gte": key_district, "$lt": key_district[:-1] + "0"}},
        "district, org_district equality (per level)": {"org_district": district},
    }
    for name, query in shapes.items():
        page = per_second(lambda q=query: list(coll.find(q).sort(sort).limit(50)))  # type: ignore[misc]
        count = per_second(lambda q=query: coll.count_documents(q))  # type: ignore[misc]
        matches = coll.count_documents(query)
        print(f"{name} ({matches} matches): page of 50 {page:.1f}/s, count {count:.1f}/s")
    windows(coll, n)


def windows(coll: Any, n: int) -> None:
    """The two representations as `Storage.list` reads them: a first and a deep (11th) page as a
    window of `updated_at` holding ~50 of the subtree's records, the count, and a name prefix
    search at the subtree (its range first, as the service orders it)."""
    coll.create_index([("basic.name", ASCENDING)])
    sort = [("updated_at", DESCENDING), ("_id", DESCENDING)]
    newest = dt.datetime(2026, 1, 1) + dt.timedelta(seconds=n - 1)
    subtrees = {
        "school (1,000)": ({"org_path": "3162000005"}, {"school_code": "3162000005"}, 20),
        "district (5,000)": ({"org_path": "620101"}, {"org_district": "620101"}, 4),
        "city (20,000)": ({"org_path": "620100"}, {"org_city": "620100"}, 1),
    }
    for name, (multikey, level, every) in subtrees.items():
        for shape, query in (("org_path multikey", multikey), ("per-level field", level)):
            width = dt.timedelta(seconds=50 * every)
            first = {**query, "updated_at": {"$gt": newest - width}}
            deep_top = newest - 10 * width
            deep = {**query, "updated_at": {"$gt": deep_top - width, "$lte": deep_top}}
            search = {"basic.name": {"$gte": "王0001", "$lt": "王0002"}, **query}
            got = [len(list(coll.find(q).sort(sort).limit(50))) for q in (first, deep, search)]
            rates = [
                per_second(lambda q=q: list(coll.find(q).sort(sort).limit(50)), 1.0)  # type: ignore[misc]
                for q in (first, deep, search)
            ]
            count = per_second(lambda q=query: coll.count_documents(q), 1.0)  # type: ignore[misc]
            print(
                f"{name}, {shape}: first page {rates[0]:.0f}/s, deep page {rates[1]:.0f}/s (window rows {got[0]}, "
                f"{got[1]}), count {count:.1f}/s, name prefix search {rates[2]:.0f}/s ({got[2]} rows)"
            )


def retryable_updates(uri: str, pid: int, blocks: int = 6, n: int = 2000) -> None:
    """Journaled single-document updates (the services' write concern), first plain, then retryable:
    the database's CPU and the wall time per write, by block of `n`."""
    for retry in (False, True):
        client: MongoClient[dict[str, Any]] = MongoClient(uri, retryWrites=retry, w="majority", journal=True)
        coll = client["costs"][f"retryable_{retry}"]
        coll.insert_one({"_id": 1, "n": 0})
        for block in range(blocks):
            started, used = time.perf_counter(), cpu_seconds(pid)
            for _ in range(n):
                coll.update_one({"_id": 1}, {"$inc": {"n": 1}})
            ms, cpu_ms = (time.perf_counter() - started) / n * 1e3, (cpu_seconds(pid) - used) / n * 1e3
            kind, span = "retryable" if retry else "plain", f"{block * n:,}-{(block + 1) * n:,}"
            print(f"update, {kind}, writes {span}: {ms:.2f} ms, database CPU {cpu_ms:.2f} ms")
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=3_000, help="teacher records per plan and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plans", default="", help="comma-separated plan numbers (0-based); all by default")
    parser.add_argument("--only-plans", action="store_true", help="the teacher insert plans only")
    parser.add_argument("--only-windows", action="store_true", help="the org tree's pages in windows only")
    parser.add_argument("--only-retryable", action="store_true", help="retryable against plain updates only")
    args = parser.parse_args()
    names = list(PLANS)
    plans = [names[int(i)] for i in args.plans.split(",")] if args.plans else names
    with tempfile.TemporaryDirectory() as tmp, (mongo := EmbeddedMongo(Path(tmp) / "db")) as uri:
        assert mongo.proc is not None
        client: MongoClient[dict[str, Any]] = MongoClient(uri)
        db = client["costs"]
        if args.only_retryable:
            retryable_updates(uri, mongo.proc.pid)
            return
        if args.only_windows:
            db["tree"].insert_many([doc(i, 20) for i in range(args.docs)], ordered=False)
            for field in ("org_path", "org_district", "org_city", "school_code"):
                db["tree"].create_index([(field, ASCENDING), ("updated_at", DESCENDING), ("_id", DESCENDING)])
            windows(db["tree"], args.docs)
            return
        teacher_inserts(db, mongo.proc.pid, args.records, args.rounds, plans)
        if not args.only_plans:
            inserts(db, 5_000)
            queries(db, args.docs)
        client.close()


if __name__ == "__main__":
    main()
