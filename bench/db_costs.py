"""What the embedded database (SecantusDB) costs: per index entry on insert, per query shape, per
round trip. The figures behind the storage design; kept in bench/README.md.

  - insert: 5,000 documents (batches of 500) into collections with 0, 3 and 3 multikey (4-element
    array) indexes: µs per document and per extra index entry;
  - round trip: `find_one` by `_id` (the cheapest request);
  - the org tree, 20,000 records of 20 schools in 4 districts: a page of 50 sorted by
    (updated_at, _id) at a school and a district as (a) an equality on a multikey `org_path`
    array, (b) an anchored prefix regex on a materialised path string `org_key`,
    (c) an equality on a per-level field; and `count_documents` for each.

    .venv/bin/python bench/db_costs.py [--docs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def queries(db: Any, n: int) -> None:
    coll = db["tree"]
    coll.insert_many([doc(i, 20) for i in range(n)], ordered=False)
    sort = [("updated_at", DESCENDING), ("_id", DESCENDING)]
    for field in ("org_path", "org_key", "org_district", "school_code"):
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "db") as uri:
        client: MongoClient[dict[str, Any]] = MongoClient(uri)
        db = client["costs"]
        inserts(db, 5_000)
        queries(db, args.docs)
        client.close()


if __name__ == "__main__":
    main()
