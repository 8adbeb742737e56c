"""Chaos: what the API acknowledged survives SIGKILLs of every process, and the suite heals itself.

A fresh suite (`python -m tmis`, the embedded database) gets three schools in two districts and
complete teachers, then several clients (`--clients`) run a seeded random workload through the
public API: saves of 基本信息, entries, 报送, approvals and rejections, 信息变更, transfers (started,
accepted, approved at both districts), leavers and returns, workbook imports, photo uploads and
photo archives. Meanwhile one process at a time is SIGKILLed every `--kill-every` seconds, in a
seeded order over the database, the four services and the gateway; the supervisor restarts it.

Every answer without userErrors is written in a ledger of what was acknowledged. When the time is
up the faults stop, and the checks run (each waits up to `--settle` seconds for the suite to heal):
  - the suite is ready again by itself (`/readyz` 200);
  - every acknowledged write is there: a save at its version or a later one (the same name when
    the same version), each acknowledged review action and movement step in its history, each
    acknowledged job finished with counts that add up, each acknowledged photo attached;
  - nothing is stuck: no review state unsynced or with final steps pending, no approved movement
    unapplied, no import or photo job QUEUED or RUNNING;
  - no person is recorded twice; review and records agree on every status;
  - flows count each effect once (one per approved movement, one 新增 per first approval);
  - the summaries (`progress`) equal a fresh count of the records.

Prints each violation, then `RATIO chaos_acknowledged_kept <kept/acknowledged> >= 1` and
`RATIO chaos_invariants_held <held/checked> >= 1`; exits 1 on any violation.

    .venv/bin/python bench/chaos.py [--seconds S] [--seed N] [--clients C] [--kill-every K] [--teachers T]

`TMIS_CHAOS_SECONDS` and `TMIS_CHAOS_SEED` give the defaults of `--seconds` and `--seed`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import io
import json
import os
import random
import signal
import sys
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import database_uri, running_suite  # noqa: E402 - beside this file
from bson import ObjectId  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.run.demo import DEMO_ENTRIES, demo_basic  # noqa: E402

ADMIN_PASSWORD = "Chaos#Pass2026"
NATION, PROVINCE, CITY, D1, D2 = "100000", "620000", "620100", "620102", "620103"
SCHOOLS = {"3162010201": D1, "3162010202": D1, "3162010301": D2}
TEACHERS_PER_SCHOOL = 6
PROCESSES = ("database", "identity", "records", "review", "media", "gateway")
# the suite set for quick recovery: short reconciles, job staleness and summaries refresh
SUITE_ENV = {
    "TMIS_REVIEW_LEVELS": "SCHOOL,DISTRICT",
    "TMIS_REVIEW_RECONCILE_MS": "500",
    "TMIS_REVIEW_RETRY_MS": "1000",
    "TMIS_IMPORT_STALE_SECONDS": "4",
    "TMIS_MEDIA_JOB_STALE_SECONDS": "4",
    "TMIS_STATS_REFRESH_MS": "500",
}
TEACHER_FIELDS = "id version basic { name } review { status }"
Q = {
    "org": "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message} } }",
    "create": f"mutation($s:String!,$b:BasicInfoInput!){{ createTeacher(schoolCode:$s, basic:$b){{ teacher{{ {TEACHER_FIELDS} }} userErrors{{code message}} }} }}",  # noqa: E501
    "save": "mutation($t:ID!,$v:Int!,$b:BasicInfoInput!){ saveBasicInfo(teacherId:$t, expectedVersion:$v, basic:$b){ teacher{ version } userErrors{code message} } }",  # noqa: E501
    "entry": "mutation($t:ID!,$v:Int!,$s:InfoSet!,$d:EntryData!){ addEntry(teacherId:$t, expectedVersion:$v, entry:{other:{set:$s, data:$d}}){ teacher{ version } userErrors{code message} } }",  # noqa: E501
    "submit": "mutation($ids:[ID!]!){ submitRecords(teacherIds:$ids){ succeeded userErrors{code message} } }",
    "approve": "mutation{ approveAllPending{ succeeded userErrors{code message} } }",
    "reject": 'mutation($ids:[ID!]!){ rejectRecords(teacherIds:$ids, reason:"请补充"){ succeeded userErrors{code message} } }',  # noqa: E501
    "change": 'mutation($t:ID!){ startChange(teacherId:$t, reason:"年度更新"){ teacher{ version } userErrors{code message} } }',  # noqa: E501
    "transfer": "mutation($t:ID!,$to:String!,$d:String!){ startTransfer(teacherId:$t, toSchoolCode:$to, effectiveDate:$d){ movement{ id } userErrors{code message} } }",  # noqa: E501
    "accept": "mutation($m:ID!){ acceptTransfer(movementId:$m){ movement{ id } userErrors{code message} } }",
    "leave": "mutation($t:ID!,$r:String!,$d:String!){ startLeave(teacherId:$t, reasonCode:$r, effectiveDate:$d){ movement{ id } userErrors{code message} } }",  # noqa: E501
    "return": 'mutation($s:String!,$n:String!,$d:String!){ startReturn(schoolCode:$s, idType:"1", idNumber:$n, effectiveDate:$d){ movement{ id } userErrors{code message} } }',  # noqa: E501
    "approve_m": "mutation($ids:[ID!]!){ approveMovements(movementIds:$ids){ succeeded userErrors{code message} } }",
    "queue_m": "{ movementQueue(first:50){ edges{ node{ id } } } }",
    "awaiting": "query($o:String!){ movements(orgCode:$o, kind:TRANSFER, status:AWAITING_RECEIVER, first:20){ edges{ node{ id } } } }",  # noqa: E501
    "teachers": f"query($o:String!){{ teachers(orgCode:$o, first:200){{ edges{{ node{{ {TEACHER_FIELDS} completeness{{ complete }} }} }} }} }}",  # noqa: E501
    "progress": "query($o:String!){ progress(orgCode:$o){ org{ code } total draft submitted rejected approved withPhoto complete } }",  # noqa: E501
}
IMPORT = (
    "mutation($s:String!,$f:Upload!){ importWorkbook(schoolCode:$s, file:$f){ job{ id } userErrors{code message} } }"
)
PHOTO = "mutation($t:ID!,$f:Upload!){ uploadPhoto(teacherId:$t, file:$f){ photo{ width } userErrors{code message} } }"
PHOTOS = (
    "mutation($s:String!,$f:Upload!){ importPhotos(schoolCode:$s, archive:$f){ job{ id } userErrors{code message} } }"
)


class Refused(Exception):
    """No acknowledgement: a transport error, a GraphQL error or userErrors."""


def caller(name: str, path: tuple[str, ...], role: str) -> Caller:
    return Caller(name, name, path[-1], path, (role,))


def path_of(school: str) -> tuple[str, ...]:
    return (NATION, PROVINCE, CITY, SCHOOLS[school], school)


def jpeg(seed: int) -> bytes:
    image = Image.new("RGB", (600, 760), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.ellipse((200 + seed % 40, 180, 400, 420), fill=(200, 160, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def workbook(first: int, rows: int) -> bytes:
    """基本信息 of `rows` new teachers (bench/import.py's rows)."""
    out = io.BytesIO()
    importlib.import_module("bench.import").generate(rows, first, out)  # ("import" is a keyword)
    return out.getvalue()


@dataclass
class Ledger:
    """What the API acknowledged."""

    saves: dict[str, tuple[int, str]] = field(default_factory=dict)  # teacher -> (version, name)
    versions: dict[str, int] = field(default_factory=dict)  # teacher -> a version acknowledged
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (teacher, SUBMIT|APPROVE|…)
    movements: Counter[tuple[str, str]] = field(default_factory=Counter)  # (movement, START|ACCEPT|APPROVE)
    jobs: list[str] = field(default_factory=list)  # import and photo jobs
    photos: set[str] = field(default_factory=set)  # teachers given a photo
    count: int = 0

    def version(self, teacher: str, version: int) -> None:
        self.versions[teacher] = max(version, self.versions.get(teacher, 0))
        self.count += 1


class Api:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = client, url

    async def gql(
        self, query: str, variables: dict[str, Any], token: str, files: dict[str, bytes] | None = None
    ) -> Any:
        headers = {"authorization": f"Bearer {token}"}
        try:
            if files:
                ops = json.dumps({"query": query, "variables": {**variables, **{k: None for k in files}}})
                mapping = json.dumps({k: [f"variables.{k}"] for k in files})
                parts = {k: (f"{k}.bin", v) for k, v in files.items()}
                reply = await self.client.post(
                    self.url, data={"operations": ops, "map": mapping}, files=parts, headers=headers
                )
            else:
                reply = await self.client.post(self.url, json={"query": query, "variables": variables}, headers=headers)
            body = reply.json()
        except (httpx.HTTPError, ValueError) as err:
            raise Refused(repr(err)) from None
        if reply.status_code != 200 or body.get("errors") or not body.get("data"):
            raise Refused(str(body)[:300])
        payload = next(iter(body["data"].values()))
        if isinstance(payload, dict) and payload.get("userErrors"):
            raise Refused(str(payload["userErrors"])[:300])
        return payload


@dataclass
class World:
    api: Api
    tokens: dict[str, str]
    basics: dict[str, dict[str, Any]]  # teacher -> its 基本信息 input
    ledger: Ledger
    rng: random.Random
    imported: int = 0
    done: Counter[str] = field(default_factory=Counter)  # operations acknowledged, by kind
    refusals: Counter[str] = field(default_factory=Counter)  # why the others were not
    last: dict[int, str] = field(default_factory=dict)


async def seed(api: Api, signer: TokenSigner, per_school: int) -> World:
    tokens = {f"clerk:{s}": signer.sign(caller(f"c{s}", path_of(s), "DATA_ENTRY")) for s in SCHOOLS}
    tokens |= {f"review:{s}": signer.sign(caller(f"r{s}", path_of(s), "REVIEWER")) for s in SCHOOLS}
    tokens |= {f"review:{d}": signer.sign(caller(f"r{d}", (NATION, PROVINCE, CITY, d), "REVIEWER")) for d in (D1, D2)}
    tokens["query"] = signer.sign(caller("q", (NATION, PROVINCE, CITY), "QUERY"))
    admin = signer.sign(caller("admin", (NATION,), "SYSTEM_ADMIN"))
    orgs = [(PROVINCE, "甘肃省", "PROVINCE", NATION, ""), (CITY, "兰州市", "CITY", PROVINCE, "")]
    orgs += [(D1, "城关区", "DISTRICT", CITY, ""), (D2, "七里河区", "DISTRICT", CITY, "")]
    orgs += [(s, f"学校{s[-3:]}", "SCHOOL", d, "PRIMARY_SECONDARY") for s, d in SCHOOLS.items()]
    for code, name, level, parent, school_type in orgs:
        org = {"code": code, "name": name, "level": level, "parentCode": parent}
        await api.gql(Q["org"], {"i": org | ({"schoolType": school_type} if school_type else {})}, admin)
    world = World(api, tokens, {}, Ledger(), random.Random())

    async def teachers_of(school: str, first: int) -> None:
        clerk = tokens[f"clerk:{school}"]
        for serial in range(first, first + per_school):
            basic = demo_basic(serial, SCHOOLS[school], "PRIMARY_SECONDARY")
            number = basic["idNumber"]  # the input wants them, though the number says them
            basic |= {
                "gender": "1" if int(number[16]) % 2 else "2",
                "birthDate": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            }
            made = (await api.gql(Q["create"], {"s": school, "b": basic}, clerk))["teacher"]
            version = made["version"]
            for set_key, data in DEMO_ENTRIES.items():
                variables = {"t": made["id"], "v": version, "s": set_key, "d": data}
                version = (await api.gql(Q["entry"], variables, clerk))["teacher"]["version"]
            world.basics[made["id"]] = basic

    await asyncio.gather(*(teachers_of(s, 1 + i * per_school) for i, s in enumerate(SCHOOLS)))
    return world


async def teachers(world: World, school: str) -> list[dict[str, Any]]:
    return [e["node"] for e in (await world.api.gql(Q["teachers"], {"o": school}, world.tokens["query"]))["edges"]]


def pick(rng: random.Random, items: list[Any]) -> Any:
    if not items:
        raise Refused("nothing to act on")
    return rng.choice(items)


async def step(world: World, rng: random.Random) -> None:
    """One operation of the workload, chosen at random; its acknowledgement in the ledger."""
    api, tokens, ledger = world.api, world.tokens, world.ledger
    school = rng.choice(list(SCHOOLS))
    clerk = tokens[f"clerk:{school}"]
    today = time.strftime("%Y-%m-%d")
    op = world.last[id(rng)] = rng.choices(
        ["save", "entry", "submit", "approve", "reject", "change", "transfer", "accept", "leave", "return",
         "approve_m", "import", "photo", "photos"],
        [30, 8, 12, 14, 4, 5, 4, 4, 2, 2, 8, 2, 5, 1],
    )[0]  # fmt: skip
    listed = await teachers(world, school) if op not in ("approve", "accept", "approve_m", "import") else []
    by = lambda *states: [t for t in listed if t["review"]["status"] in states]  # noqa: E731
    if op == "save":
        t = pick(rng, [t for t in by("DRAFT", "REJECTED", "CHANGING") if t["id"] in world.basics])
        name = "李" + chr(0x4E00 + rng.randrange(20000))
        basic = world.basics[t["id"]] | {"name": name}
        version = (await api.gql(Q["save"], {"t": t["id"], "v": t["version"], "b": basic}, clerk))["teacher"]["version"]
        ledger.saves[t["id"]] = max(ledger.saves.get(t["id"], (0, "")), (version, name))
        ledger.version(t["id"], version)
    elif op == "entry":
        t = pick(rng, by("DRAFT", "REJECTED", "CHANGING"))
        data = {"employer": "兰州市某学校", "startMonth": f"{2006 + rng.randrange(15)}-0{1 + rng.randrange(9)}"}
        variables = {"t": t["id"], "v": t["version"], "s": "WORK", "d": data}
        ledger.version(t["id"], (await api.gql(Q["entry"], variables, clerk))["teacher"]["version"])
    elif op == "submit":
        t = pick(rng, [t for t in by("DRAFT", "REJECTED", "CHANGING") if t["completeness"]["complete"]])
        for done in (await api.gql(Q["submit"], {"ids": [t["id"]]}, clerk))["succeeded"]:
            ledger.actions[(done, "SUBMIT")] += 1
    elif op == "approve":
        token = tokens[rng.choice([f"review:{school}", f"review:{SCHOOLS[school]}"])]
        for done in (await api.gql(Q["approve"], {}, token))["succeeded"]:
            ledger.actions[(done, "APPROVE")] += 1
    elif op == "reject":
        t = pick(rng, by("SUBMITTED"))
        for done in (await api.gql(Q["reject"], {"ids": [t["id"]]}, tokens[f"review:{school}"]))["succeeded"]:
            ledger.actions[(done, "REJECT")] += 1
    elif op == "change":
        t = pick(rng, by("APPROVED"))
        ledger.version(t["id"], (await api.gql(Q["change"], {"t": t["id"]}, clerk))["teacher"]["version"])
        ledger.actions[(t["id"], "CHANGE")] += 1
    elif op == "transfer":
        t = pick(rng, by("APPROVED"))
        to = rng.choice([s for s in SCHOOLS if s != school])
        moved = await api.gql(Q["transfer"], {"t": t["id"], "to": to, "d": today}, clerk)
        ledger.movements[(moved["movement"]["id"], "START")] += 1
    elif op == "accept":
        edges = (await api.gql(Q["awaiting"], {"o": school}, clerk))["edges"]
        movement = pick(rng, [e["node"]["id"] for e in edges])
        await api.gql(Q["accept"], {"m": movement}, clerk)
        ledger.movements[(movement, "ACCEPT")] += 1
    elif op == "approve_m":
        token = tokens[f"review:{rng.choice([D1, D2])}"]
        queue = [e["node"]["id"] for e in (await api.gql(Q["queue_m"], {}, token))["edges"]]
        for done in (await api.gql(Q["approve_m"], {"ids": pick(rng, [queue[:10]] if queue else [])}, token))[
            "succeeded"
        ]:
            ledger.movements[(done, "APPROVE")] += 1
    elif op == "leave":
        t = pick(rng, by("APPROVED"))
        moved = await api.gql(Q["leave"], {"t": t["id"], "r": "01", "d": today}, clerk)
        ledger.movements[(moved["movement"]["id"], "START")] += 1
    elif op == "return":
        t = pick(rng, by("LEFT"))
        number = world.basics[t["id"]]["idNumber"] if t["id"] in world.basics else ""
        moved = await api.gql(Q["return"], {"s": school, "n": number, "d": today}, clerk)
        ledger.movements[(moved["movement"]["id"], "START")] += 1
    elif op == "import":
        world.imported += 200
        data = workbook(500_000 + 1000 * rng.randrange(1000) + world.imported, 200)
        job = await api.gql(IMPORT, {"s": school}, clerk, {"f": data})
        ledger.jobs.append(job["job"]["id"])
    elif op == "photo":
        t = pick(rng, by("DRAFT", "REJECTED", "CHANGING"))
        await api.gql(PHOTO, {"t": t["id"]}, clerk, {"f": jpeg(rng.randrange(1000))})
        ledger.photos.add(t["id"])
    elif op == "photos":
        numbers = [world.basics[t["id"]]["idNumber"] for t in by("DRAFT", "REJECTED") if t["id"] in world.basics]
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            for number in numbers[:3]:
                z.writestr(f"{number}.jpg", jpeg(rng.randrange(1000)))
        job = await api.gql(PHOTOS, {"s": school}, clerk, {"f": archive.getvalue()})
        ledger.jobs.append(job["job"]["id"])


async def client(world: World, seed: int, until: float) -> int:
    rng, done = random.Random(seed), 0
    while time.monotonic() < until:
        try:
            await step(world, rng)
            world.done[world.last[id(rng)]] += 1
            done += 1
        except Refused as refused:
            world.refusals[str(refused)[:60]] += 1
            await asyncio.sleep(0.05)
    return done


async def killer(data_dir: Path, rng: random.Random, every: float, until: float) -> list[str]:
    order, killed = list(PROCESSES), []
    rng.shuffle(order)
    while time.monotonic() + every < until:
        await asyncio.sleep(every)
        name = order[len(killed) % len(order)]
        pid = json.loads((data_dir / "run.json").read_text()).get(name, {}).get("pid")
        if pid:
            try:
                os.kill(int(pid), signal.SIGKILL)
                killed.append(name)
            except ProcessLookupError:
                pass
    return killed


Db = MongoClient[dict[str, Any]]
Finding = tuple[str, str]  # (the check, what it found)


def stuck(db: Db) -> list[Finding]:
    """What the suite has left half-done (nothing once it has healed)."""
    review, jobs = db.tmis_review, {"status": {"$in": ["QUEUED", "RUNNING"]}}
    found = [f"review state {d['_id']} unsynced" for d in review.states.find({"synced": False})]
    found += [f"review state {d['_id']}: final steps pending" for d in review.states.find({"followups": "PENDING"})]
    found += [f"movement {d['_id']} approved, not applied" for d in review.movements.find({"applied": False})]
    found += [f"import job {d['_id']} {d['status']}" for d in db.tmis_records.jobs.find(jobs)]
    found += [f"photo job {d['_id']} RUNNING" for d in db.tmis_media.jobs.find({"status": "RUNNING"})]
    return [("nothing stuck", f) for f in found]


def _events(collection: Any) -> dict[str, Counter[str]]:
    return {d["_id"]: Counter(e["action"] for e in d.get("events", [])) for d in collection.find({}, {"events": 1})}


def kept(db: Db, ledger: Ledger) -> list[Finding]:
    """The acknowledged writes that are not there."""
    lost = []
    records = {str(d["_id"]): d for d in db.tmis_records.teachers.find({}, {"version": 1, "basic.name": 1, "photo": 1})}
    for teacher, version in ledger.versions.items():
        stored = records.get(teacher, {}).get("version", 0)
        if stored < version:
            lost.append(f"teacher {teacher}: version {version} acknowledged, {stored} stored")
    for teacher, (version, name) in ledger.saves.items():
        doc = records.get(teacher, {})
        if doc.get("version") == version and doc["basic"]["name"] != name:
            lost.append(f"teacher {teacher}: saved {name} at version {version}, {doc['basic']['name']} stored")
    for events, acknowledged in ((_events(db.tmis_review.states), ledger.actions),
                                 (_events(db.tmis_review.movements), ledger.movements)):  # fmt: skip
        for (key, action), n in acknowledged.items():
            if events.get(key, Counter())[action] < n:
                lost.append(f"{key}: {n} × {action} acknowledged, {events.get(key, Counter())[action]} kept")
    for job in ledger.jobs:
        doc = (db.tmis_records if job.startswith("import-") else db.tmis_media).jobs.find_one({"_id": job})
        if doc is None:
            lost.append(f"job {job} acknowledged, not stored")
        elif job.startswith("import-"):
            counts = doc.get("counts") or {}
            rows = sum(counts.get(k, 0) for k in ("new_rows", "updated_rows", "unchanged_rows", "failed"))
            if doc["status"] == "SUCCEEDED" and rows != counts.get("total"):
                lost.append(f"import job {job}: its rows add up to {rows}, not {counts.get('total')} ({counts})")
        elif doc["processed"] != doc["total"] or len(doc.get("results", [])) != doc["total"]:
            lost.append(f"photo job {job}: {doc['processed']} of {doc['total']} processed")
    files = {d["_id"] for d in db.tmis_media["photos.files"].find({}, {"_id": 1})}
    for teacher in ledger.photos:
        if not records.get(teacher, {}).get("photo"):
            lost.append(f"teacher {teacher}: photo acknowledged, none attached")
    for teacher, doc in records.items():
        if doc.get("photo") and ObjectId(doc["photo"]["id"]) not in files:
            lost.append(f"teacher {teacher}: photo {doc['photo']['id']} attached, its file gone")
    return [("acknowledged writes kept", f) for f in lost]


def agree(db: Db) -> list[Finding]:
    """No person twice; review and records agree on every status; flows count each effect once."""
    twice = db.tmis_records.teachers.aggregate(
        [{"$group": {"_id": ["$basic.idType", "$basic.idNumber"], "n": {"$sum": 1}}}, {"$match": {"n": {"$gt": 1}}}]
    )
    found = [("no person twice", f"person {d['_id']} recorded {d['n']} times") for d in twice]
    fields = {"status": 1, "once_approved": 1}
    records = {str(d["_id"]): d for d in db.tmis_records.teachers.find({}, fields)}
    for state in db.tmis_review.states.find({}, {"status": 1}):
        doc = records.get(state["_id"])
        if doc and doc["status"] not in ("LEFT", state["status"]):
            found.append(
                ("review and records agree", f"{state['_id']}: records {doc['status']}, review {state['status']}")
            )
    approved = {d["_id"] for d in db.tmis_review.movements.find({"status": "APPROVED"}, {"_id": 1})}
    flows = {d["_id"] for d in db.tmis_review.flows.find({}, {"_id": 1})}
    new = {f.removesuffix(":NEW") for f in flows if f.endswith(":NEW")}
    ever = {t for t, d in records.items() if d.get("once_approved")}
    odd = [f"movement {m} approved, no flow" for m in approved - flows]
    odd += [f"flow {f} of no approved movement" for f in flows if not f.endswith(":NEW") and f not in approved]
    odd += [f"teacher {t} approved, no 新增 flow" for t in ever - new]
    odd += [f"新增 flow of {t}, never approved" for t in new - ever]
    return found + [("flows count each effect once", f) for f in odd]


CHECKS = (
    "ready by itself",
    "nothing stuck",
    "acknowledged writes kept",
    "no person twice",
    "review and records agree",
    "flows count each effect once",
    "summaries equal a fresh count",
)
PROGRESS = ("total", "draft", "submitted", "rejected", "approved", "withPhoto", "complete")


async def summaries(api: Api, token: str, db: Db) -> list[Finding]:
    """`progress` of every school against a fresh count of its records."""
    fresh: dict[str, Counter[str]] = defaultdict(Counter)
    fields = {"school_code": 1, "status": 1, "photo": 1, "missing": 1, "once_approved": 1, "approved.missing": 1}
    for d in db.tmis_records.teachers.find({"status": {"$ne": "LEFT"}}, fields):
        # the official version (SPEC §5.4): a record under a 信息变更 counts as its last approved one
        official = d.get("once_approved") and d["status"] in ("CHANGING", "SUBMITTED", "REJECTED")
        status, missing = (
            ("approved", d["approved"].get("missing")) if official else (d["status"].lower(), d.get("missing"))
        )
        count = fresh[d["school_code"]]
        count.update(total=1, withPhoto=bool(d.get("photo")), complete=not missing)
        count[status] += 1
    found = []
    for district in (D1, D2):
        for row in await api.gql(Q["progress"], {"o": district}, token):
            want, got = {k: fresh[row["org"]["code"]][k] for k in PROGRESS}, {k: row[k] for k in PROGRESS}
            if got != want:
                found.append(("summaries equal a fresh count", f"{row['org']['code']}: {got}, counted {want}"))
    return found


async def settle(what: Any, seconds: float) -> list[Any]:
    """`what()` (awaited when it gives an awaitable) until it finds nothing, or its last findings after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = what()
        found = await found if inspect.isawaitable(found) else found
        if not found or time.monotonic() > deadline:
            return list(found)
        await asyncio.sleep(0.5)


async def run(url: str, data_dir: Path, args: argparse.Namespace) -> tuple[int, list[Finding]]:
    signer = TokenSigner((data_dir / "token_secret").read_text().strip())
    async with httpx.AsyncClient(timeout=15) as http:
        api = Api(http, url)
        began = time.monotonic()
        world = await seed(api, signer, args.teachers)
        print(f"seeded {len(world.basics)} complete teachers in {time.monotonic() - began:.1f} s", flush=True)
        until = time.monotonic() + args.seconds
        rng = random.Random(args.seed)
        results = await asyncio.gather(
            killer(data_dir, random.Random(rng.random()), args.kill_every, until),
            *(client(world, args.seed * 100 + i, until) for i in range(args.clients)),
        )
        killed, operations = results[0], sum(results[1:])
        print("acknowledged:", " ".join(f"{k} {n}" for k, n in sorted(world.done.items())), flush=True)
        print("not:", "; ".join(f"{n}× {k}" for k, n in world.refusals.most_common(8)), flush=True)
        print(f"{operations} operations, {world.ledger.count + sum(world.ledger.actions.values())} acknowledged; "
              f"killed {len(killed)}: {' '.join(killed)}", flush=True)  # fmt: skip
        began = time.monotonic()

        async def not_ready() -> list[str]:
            try:
                reply = await http.get(url.replace("/graphql", "/readyz"))
                return [] if reply.json()["ready"] is True else reply.json()["down"] or ["not ready"]
            except (httpx.HTTPError, ValueError, KeyError):
                return ["the gateway does not answer /readyz"]

        found = [("ready by itself", d) for d in await settle(not_ready, args.settle)]
        print(f"ready again {time.monotonic() - began:.1f} s after the last fault", flush=True)
        try:
            db: Db = MongoClient(database_uri(data_dir), tz_aware=True)
        except (OSError, ValueError, KeyError):
            return 0, [*found, ("ready by itself", "the database is not running")]
        try:
            found += await settle(lambda: stuck(db), args.settle)
            print(f"settled {time.monotonic() - began:.1f} s after the last fault", flush=True)
            found += kept(db, world.ledger) + await settle(lambda: agree(db), args.settle)
            found += await settle(lambda: summaries(api, world.tokens["query"], db), args.settle)
        finally:
            db.close()
        ledger = world.ledger
        acknowledged = len(ledger.versions) + len(ledger.actions) + len(ledger.movements)
        return acknowledged + len(ledger.jobs) + len(ledger.photos), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("TMIS_CHAOS_SECONDS", "60")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("TMIS_CHAOS_SEED", "1")))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--teachers", type=int, default=TEACHERS_PER_SCHOOL, help="complete teachers per school")
    parser.add_argument("--kill-every", type=float, default=4.0)
    parser.add_argument("--settle", type=float, default=60.0, help="seconds each check waits for the suite to heal")
    args = parser.parse_args()
    os.environ.update(SUITE_ENV)
    began = time.monotonic()
    with running_suite(ADMIN_PASSWORD) as suite:
        print(f"suite up in {time.monotonic() - began:.1f} s; seed {args.seed}, {args.seconds:.0f} s", flush=True)
        acknowledged, found = asyncio.run(run(suite.url, suite.data_dir, args))
    for check, finding in found:
        print(f"VIOLATION {check}: {finding}")
    lost = sum(1 for check, _ in found if check == "acknowledged writes kept")
    failed = {check for check, _ in found}
    print(f"RATIO chaos_acknowledged_kept {(acknowledged - lost) / max(acknowledged, 1):.2f} >= 1")
    print(f"RATIO chaos_invariants_held {(len(CHECKS) - len(failed)) / len(CHECKS):.2f} >= 1")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
