"""Teacher-list throughput versus the gateway's own GraphQL work: what does the real path cost?

One page of the `teachers` query (50 teachers, 基本信息 with five coded fields, the EDUCATION
and WORK entries, completeness) is the screen a school's data-entry clerk looks at most. The
README promises that a page costs one records call; the GraphQL resolution in the gateway
(code tables, entry data, strawberry itself) is work any implementation has to do. So this
benchmark measures, sequentially (one request at a time) and in the same run:

  (A) pages per second through the real suite (a freshly started `python -m tmis` with the
      embedded database): HTTP to the gateway → GraphQL → gRPC to records → MongoDB and back,
      with one keep-alive httpx.Client;
  (B) pages per second of the very same schema (`gateway.schema.build_schema()`) executed in
      this process with `schema.execute(...)`, over in-memory stand-ins for the gRPC clients:
      records.ListTeachers returns the TeacherPage captured once from the real records service,
      records.ListCodeTables answers from `tmis.codes.load_code_tables()` (converted once, as
      the records servicer does), review/identity answer empty. A fresh Context (so fresh
      DataLoaders) per execution, as the real gateway builds per request.

B is the floor: what is left when HTTP, gRPC, the records service and the database cost
nothing. Before measuring, the benchmark checks that A and B return the same JSON data.

Seed data: 620000 → 620100 → 620102 → school 3162010201 (中小学), created with the admin's
token; 60 teachers with valid 基本信息 (tmis.run.demo.demo_basic), each with one EDUCATION and one
WORK entry, written with a DATA_ENTRY token for the school. The page of the district 620102 is
read with a QUERY token of the district (a school's clerk does not reach its district). Both
tokens are minted with the suite's own token secret: every process verifies tokens locally,
so a minted token is as good as one from a login.

Rounds are interleaved B, A, B, A to spread drift and noise over both; each rate is the sum of
pages over the sum of elapsed times: `RATIO teachers_page <A/B> >= 0.7` (the issue's goal); higher
is better.

End to end, the list screen as a school's clerk uses it: once the page above is measured, a second
school of the district, 3162010202, gets IMPORTED teachers (default 1,000) through `importWorkbook`
(基本信息, one 学习经历 and one 工作经历 row each: data that came in the way schools bring it, one
import job). The web client's own query of that screen (`SchoolTeachers` in
web/src/pages/entry/teachers.graphql: name, gender, 身份证件号, the school's name, the review status,
completeness) then walks the school page by page to its end and starts again, with the school
clerk's token: (A) over HTTP through the whole suite (records, identity and review answer), (B) in
process over stand-ins answering what those three answered once, captured with the same requests
the gateway sends. Both walks must return the same JSON. `RATIO teachers_page_end_to_end <A/B> >=
0.3`: the query asks little of GraphQL, so this is mostly what the chain costs on every page.

With `--settled` this process settles its heap as the servers do (`tmis.heap.settle`: what it built
frozen, the youngest generation's threshold raised) before measuring, so B pays the same collector
as the gateway: the lines are then `RATIO teachers_page_settled` and `..._end_to_end_settled`.

    .venv/bin/python bench/teachers_page.py [--seconds S] [--rounds R] [--imported N] [--settled]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file
from openpyxl import Workbook  # noqa: E402
from starlette.requests import Request  # noqa: E402

from bench.db_costs import cpu_seconds  # noqa: E402
from gateway.clients import TtlCache  # noqa: E402
from gateway.context import Context  # noqa: E402
from gateway.schema import build_schema  # noqa: E402
from services.records.servicer import code_table_pb  # noqa: E402
from services.records.workbook import layouts  # noqa: E402
from tmis import heap  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.plugins import make_plugin_manager  # noqa: E402
from tmis.proto.identity.v1 import identity_pb2 as id_pb  # noqa: E402
from tmis.proto.identity.v1 import identity_pb2_grpc  # noqa: E402
from tmis.proto.records.v1 import records_pb2 as rec_pb  # noqa: E402
from tmis.proto.records.v1 import records_pb2_grpc  # noqa: E402
from tmis.proto.review.v1 import review_pb2 as review_pb  # noqa: E402
from tmis.proto.review.v1 import review_pb2_grpc  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.rpc import ServiceClient  # noqa: E402
from tmis.run.demo import DEMO_ENTRIES, demo_basic  # noqa: E402

ROUND_SECONDS = 8.0
ROUNDS = 2
WARMUP_PAGES = 5
TEACHERS = 60
PAGE = 50
IMPORTED = 1000  # teachers of the imported school (end to end)
ADMIN_PASSWORD = "Bench#Pass2026"

DISTRICT = "620102"
SCHOOL = "3162010201"
IMPORTED_SCHOOL = "3162010202"
ORGS = [  # created top-down with the admin's token
    {"code": "620000", "name": "甘肃省", "level": "PROVINCE", "parentCode": "100000"},
    {"code": "620100", "name": "兰州市", "level": "CITY", "parentCode": "620000"},
    {"code": DISTRICT, "name": "城关区", "level": "DISTRICT", "parentCode": "620100"},
    {
        "code": SCHOOL,
        "name": "兰州市城关区示范小学",
        "level": "SCHOOL",
        "parentCode": DISTRICT,
        "schoolType": "PRIMARY_SECONDARY",
    },
    {
        "code": IMPORTED_SCHOOL,
        "name": "兰州市城关区实验中学",
        "level": "SCHOOL",
        "parentCode": DISTRICT,
        "schoolType": "PRIMARY_SECONDARY",
    },
]
# The school's 信息录入员 (writes the records), as a token would carry it after a login.
ENTRY_CALLER = Caller(
    account_id="bench",
    username="bench",
    org_code=SCHOOL,
    org_path=("100000", "620000", "620100", DISTRICT, SCHOOL),
    roles=("DATA_ENTRY",),
)
# The imported school's 信息录入员 (imports its workbook).
IMPORT_CALLER = Caller(
    account_id="bench-importer",
    username="bench_importer",
    org_code=IMPORTED_SCHOOL,
    org_path=("100000", "620000", "620100", DISTRICT, IMPORTED_SCHOOL),
    roles=("DATA_ENTRY",),
)
# The district's 信息查询员 (reads the page). A role reaches its org's subtree only, so the
# school's clerk may not list the district 620102; the gateway tests read it the same way.
READER_CALLER = Caller(
    account_id="bench-reader",
    username="bench_reader",
    org_code=DISTRICT,
    org_path=("100000", "620000", "620100", DISTRICT),
    roles=("QUERY",),
)
# 学习经历 as in the demo data; 工作经历 of the current post (no endMonth: 至今).
EDUCATION = DEMO_ENTRIES["EDUCATION"]
WORK = {"employer": "兰州市城关区示范小学", "startMonth": "2010-09"}

LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{code message} } }"
CREATE_ORG = "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message field} } }"
CREATE_TEACHER = """mutation($s:String!,$b:BasicInfoInput!){ createTeacher(schoolCode:$s, basic:$b){ teacher{ id
  version } userErrors{code message field} } }"""
ADD_ENTRY = """mutation($t:ID!,$v:Int!,$e:EntryInput!){ addEntry(teacherId:$t, expectedVersion:$v, entry:$e){ teacher{
  version } userErrors{code message field} } }"""
# The measured query: the same text for A and B.
QUERY = (
    "query($o:String!){ teachers(orgCode:$o, first:50){ totalCount edges{ node{ id version "
    "basic{ name gender{code name} birthDate staffCategory{code name} politicalStatus{code name} "
    "highestEducation{code name} } "
    "education: entries(set: EDUCATION){ id data } work: entries(set: WORK){ id data } "
    "completeness{ complete missing } } } } }"
)
VARIABLES = {"o": DISTRICT}
WEB_LIST = ROOT / "web" / "src" / "pages" / "entry" / "teachers.graphql"
IMPORT = (
    "mutation($s:String!,$f:Upload!){ importWorkbook(schoolCode:$s, file:$f){ job{ id } userErrors{code message} } }"
)
JOB = "query($id:ID!){ importJob(id:$id){ status inserted failed errors(first:3){ row message } } }"


# --- the suite: start, wait, stop (as bench/login.py) -------------------------------------------


def service_addr(data_dir: Path, name: str) -> str:
    """Where one of the suite's services listens. The supervisor picks free internal ports and
    writes only the pids to run.json, so read the address from the gateway's environment (only
    that one variable)."""
    pid = json.loads((data_dir / "run.json").read_text())["gateway"]["pid"]
    wanted = f"TMIS_{name.upper()}_ADDR".encode()
    for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
        key, _, value = item.partition(b"=")
        if key == wanted:
            return value.decode()
    raise RuntimeError(f"{wanted.decode()} not found in the environment of the gateway (pid {pid})")


def web_operation(name: str) -> str:
    """One operation of the web client's list screen, its text as the browser sends it."""
    text = WEB_LIST.read_text()
    start, depth = text.index(f"query {name}("), 0
    for end, char in enumerate(text[start:], start):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "}" and depth == 0:
            return text[start : end + 1]
    raise RuntimeError(f"query {name} not found in {WEB_LIST}")


WALK_QUERY = web_operation("SchoolTeachers")


def walk_variables(after: str | None) -> dict[str, Any]:
    return {"orgCode": IMPORTED_SCHOOL, "first": PAGE, "after": after}


# --- seeding over HTTP ------------------------------------------------------------------------


def gql(client: httpx.Client, url: str, query: str, variables: dict[str, Any], token: str = "") -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = client.post(url, json={"query": query, "variables": variables}, headers=headers)
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL failed (HTTP {response.status_code}): {body}")
    return body["data"]


def mutate(client: httpx.Client, url: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The mutation's payload; aborts unless its userErrors are empty."""
    payload = next(iter(gql(client, url, query, variables, token).values()))
    if payload.get("userErrors"):
        raise RuntimeError(f"userErrors for {variables}: {payload['userErrors']}")
    return payload


def basic_input(serial: int) -> dict[str, Any]:
    """Valid 基本信息, gender and birth date agreeing with the 身份证件号 (as the gateway tests do)."""
    basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
    basic["gender"] = "1" if serial % 2 == 0 else "2"
    basic["birthDate"] = f"{basic['idNumber'][6:10]}-{basic['idNumber'][10:12]}-{basic['idNumber'][12:14]}"
    return basic


def seed(client: httpx.Client, url: str, entry_token: str) -> None:
    login = gql(client, url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})["login"]
    if login["userErrors"] or not login["token"]:
        raise RuntimeError(f"admin login failed: {login}")
    for org in ORGS:
        mutate(client, url, CREATE_ORG, {"i": org}, login["token"])
    for serial in range(TEACHERS):
        teacher = mutate(client, url, CREATE_TEACHER, {"s": SCHOOL, "b": basic_input(serial)}, entry_token)["teacher"]
        version = teacher["version"]
        for entry in ({"education": EDUCATION}, {"work": WORK}):
            version = mutate(client, url, ADD_ENTRY, {"t": teacher["id"], "v": version, "e": entry}, entry_token)[
                "teacher"
            ]["version"]


def workbook(count: int) -> bytes:
    """基本信息, one 学习经历 and one 工作经历 row for each of `count` new teachers, in the template's layout."""
    sheets = {layout.info_set.key: layout for layout in layouts(Registry(), "PRIMARY_SECONDARY")}
    rows: dict[str, list[dict[str, Any]]] = {"BASIC": [], "EDUCATION": [], "WORK": []}
    for serial in range(TEACHERS, TEACHERS + count):
        basic = basic_input(serial)
        person = {k: basic[k] for k in ("idType", "idNumber", "name")}
        rows["BASIC"].append(basic)
        rows["EDUCATION"].append({**person, **EDUCATION})
        rows["WORK"].append({**person, **WORK})
    book = Workbook(write_only=True)
    for key, values in rows.items():
        sheet = book.create_sheet(sheets[key].name)
        sheet.append([c.header for c in sheets[key].columns])
        for row in values:
            cells = [row.get(c.field.key) for c in sheets[key].columns]
            sheet.append(["、".join(v) if isinstance(v, list) else v for v in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_school(client: httpx.Client, url: str, token: str, count: int) -> None:
    """The imported school's workbook through `importWorkbook`, waited for."""
    ops = json.dumps({"query": IMPORT, "variables": {"s": IMPORTED_SCHOOL, "f": None}})
    reply = client.post(
        url,
        data={"operations": ops, "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("教师.xlsx", workbook(count), "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    payload = reply["data"]["importWorkbook"]
    if payload["userErrors"]:
        raise RuntimeError(f"import refused: {payload['userErrors']}")
    while (job := gql(client, url, JOB, {"id": payload["job"]["id"]}, token)["importJob"])["status"] not in (
        "SUCCEEDED",
        "FAILED",
    ):
        time.sleep(0.2)
    if job["status"] != "SUCCEEDED" or job["failed"] or job["inserted"] != count:
        raise RuntimeError(f"the import did not insert every row: {job}")


# --- (A) the real path ------------------------------------------------------------------------


def real_page(client: httpx.Client, url: str, token: str) -> dict[str, Any]:
    data = gql(client, url, QUERY, VARIABLES, token)
    if len(data["teachers"]["edges"]) != PAGE:
        raise RuntimeError(f"expected {PAGE} edges, got {len(data['teachers']['edges'])}")
    return data


def next_after(data: dict[str, Any]) -> str | None:
    """Where a walk goes on: the page's end, or the first page again after the last."""
    info = data["teachers"]["pageInfo"]
    return info["endCursor"] if info["hasNextPage"] else None


def real_walk(client: httpx.Client, url: str, token: str, seconds: float) -> tuple[int, float]:
    """(A) the imported school page after page over HTTP for `seconds`: (pages, elapsed)."""
    count, after = 0, None
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        after = next_after(gql(client, url, WALK_QUERY, walk_variables(after), token))
        count += 1
    return count, time.monotonic() - start


def real_round(client: httpx.Client, url: str, token: str, seconds: float) -> tuple[int, float]:
    """(A) pages back to back over HTTP for `seconds`: (pages, elapsed)."""
    count = 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        real_page(client, url, token)
        count += 1
    return count, time.monotonic() - start


# --- (B) the same schema in process, over in-memory clients ----------------------------------


async def capture_page(addr: str, token: str) -> rec_pb.TeacherPage:
    """The TeacherPage the real records service answers for the page, with every set's entries."""
    records = ServiceClient("records", addr, records_pb2_grpc.RecordsServiceStub)
    try:
        request = rec_pb.ListTeachersRequest(org_code=DISTRICT, first=PAGE, sets=Registry().entry_sets())
        return await records.ListTeachers(request, token=token)
    finally:
        await records.close()


Pages = dict[tuple[str, str], rec_pb.TeacherPage]  # by (org, after) as the gateway asks for them, every set


async def capture_walk(data_dir: Path, token: str, fakes: FakeClients) -> None:
    """Every page of the imported school as records answers the gateway's requests, and the review
    states and orgs of those pages as review and identity answer them: into the stand-ins."""
    records = ServiceClient("records", service_addr(data_dir, "records"), records_pb2_grpc.RecordsServiceStub)
    review = ServiceClient("review", service_addr(data_dir, "review"), review_pb2_grpc.ReviewServiceStub)
    identity = ServiceClient("identity", service_addr(data_dir, "identity"), identity_pb2_grpc.IdentityServiceStub)
    after = ""
    try:
        while True:
            request = rec_pb.ListTeachersRequest(
                org_code=IMPORTED_SCHOOL, first=PAGE, after=after, sets=Registry().entry_sets()
            )
            page = await records.ListTeachers(request, token=token)
            fakes.records.pages[(IMPORTED_SCHOOL, after)] = page
            ids = review_pb.BatchGetReviewStatesRequest(teacher_ids=[t.id for t in page.teachers])
            fakes.review.states.update(
                {s.teacher_id: s for s in (await review.BatchGetReviewStates(ids, token=token)).states}
            )
            codes = id_pb.BatchGetOrgsRequest(codes=sorted({t.school_code for t in page.teachers}))
            fakes.identity.orgs.update({o.code: o for o in (await identity.BatchGetOrgs(codes, token=token)).orgs})
            if not page.has_next_page:
                return
            after = page.end_cursor
    finally:
        for client in (records, review, identity):
            await client.close()


class FakeRecords:
    """Answers a page as records would: the captured page (every set's entries) with the entries of
    the sets asked for only, made once for each request."""

    def __init__(self, pages: Pages) -> None:
        self.pages = pages
        self.served: dict[tuple[str, str, tuple[str, ...]], rec_pb.TeacherPage] = {}
        self.tables = {name: code_table_pb(table) for name, table in load_code_tables().items()}  # converted once
        self.calls: dict[str, int] = {}

    async def ListTeachers(
        self, request: rec_pb.ListTeachersRequest, *, timeout: float | None = None, token: str | None = None
    ) -> rec_pb.TeacherPage:
        self.calls["ListTeachers"] = self.calls.get("ListTeachers", 0) + 1
        key = (request.org_code, request.after, tuple(request.sets))
        if key not in self.served:
            page = rec_pb.TeacherPage()
            page.CopyFrom(self.pages[key[:2]])
            for teacher in page.teachers:
                kept = [e for e in teacher.entries if e.set in request.sets]
                del teacher.entries[:]
                teacher.entries.extend(kept)
            self.served[key] = page
        return self.served[key]

    async def ListCodeTables(
        self, request: rec_pb.ListCodeTablesRequest, *, timeout: float | None = None, token: str | None = None
    ) -> rec_pb.CodeTableList:
        self.calls["ListCodeTables"] = self.calls.get("ListCodeTables", 0) + 1
        return rec_pb.CodeTableList(tables=[self.tables[n] for n in dict.fromkeys(request.names) if n in self.tables])


class FakeReview:
    """Answers with the states captured from review (none before the walk's capture)."""

    def __init__(self) -> None:
        self.states: dict[str, review_pb.ReviewState] = {}

    async def BatchGetReviewStates(
        self, request: review_pb.BatchGetReviewStatesRequest, *, timeout: float | None = None, token: str | None = None
    ) -> review_pb.ReviewStateList:
        return review_pb.ReviewStateList(states=[self.states[t] for t in request.teacher_ids if t in self.states])


class FakeIdentity:
    """Answers with the orgs captured from identity (none before the walk's capture)."""

    def __init__(self) -> None:
        self.orgs: dict[str, id_pb.Org] = {}

    async def BatchGetOrgs(
        self, request: id_pb.BatchGetOrgsRequest, *, timeout: float | None = None, token: str | None = None
    ) -> id_pb.OrgList:
        return id_pb.OrgList(orgs=[self.orgs[c] for c in request.codes if c in self.orgs])


class FakeClients:
    """Stands in for gateway.clients.Clients: only what the measured query calls."""

    def __init__(self, pages: Pages) -> None:
        self.records = FakeRecords(pages)
        self.review = FakeReview()
        self.identity = FakeIdentity()
        self.media = None
        self.code_tables = TtlCache(60.0)  # the same per-process cache the real gateway keeps


class InProcess:
    """(B): the gateway's schema executed directly, a fresh Context per execution."""

    def __init__(self, pages: Pages) -> None:
        self.registry = Registry()
        self.schema = build_schema(self.registry)
        self.clients = FakeClients(pages)
        self.plugins = make_plugin_manager()
        self.signer = TokenSigner("x" * 40)
        self.request = Request(
            {"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""}
        )
        self.executions = 0

    async def execute(self, query: str, variables: dict[str, Any], caller: Caller = READER_CALLER) -> dict[str, Any]:
        ctx = Context(self.request, None, self.clients, self.plugins, caller, self.signer, self.registry, "x")  # type: ignore[arg-type]
        result = await self.schema.execute(query, variable_values=variables, context_value=ctx)
        self.executions += 1
        if result.errors or not result.data or not result.data["teachers"]["edges"]:
            raise RuntimeError(f"in-process execution failed: {result.errors or result.data}")
        return result.data

    async def page(self) -> dict[str, Any]:
        data = await self.execute(QUERY, VARIABLES)
        if len(data["teachers"]["edges"]) != PAGE:
            raise RuntimeError(f"expected {PAGE} edges in process, got {len(data['teachers']['edges'])}")
        return data

    async def round(self, seconds: float) -> tuple[int, float]:
        """(B) executions back to back for `seconds`: (pages, elapsed)."""
        count = 0
        start = time.monotonic()
        end = start + seconds
        while time.monotonic() < end:
            await self.page()
            count += 1
        return count, time.monotonic() - start

    async def walk(self, seconds: float) -> tuple[int, float]:
        """(B) the imported school page after page for `seconds`: (pages, elapsed)."""
        count, after = 0, None
        start = time.monotonic()
        end = start + seconds
        while time.monotonic() < end:
            after = next_after(await self.execute(WALK_QUERY, walk_variables(after), IMPORT_CALLER))
            count += 1
        return count, time.monotonic() - start


# --- the run ----------------------------------------------------------------------------------

Rounds = list[tuple[int, float]]


@dataclass
class Measured:
    """The rounds of A and of B, (pages, elapsed) each, and the CPU seconds they took: A's by process
    (the suite's and this one, the client), B's in this process."""

    a: Rounds = field(default_factory=list)
    b: Rounds = field(default_factory=list)
    cpu_a: Counter[str] = field(default_factory=Counter)
    cpu_b: float = 0.0


def suite_cpu(data_dir: Path) -> Counter[str]:
    """CPU seconds so far of every process of the suite (run.json names them) and of this one."""
    procs = json.loads((data_dir / "run.json").read_text())
    used = Counter({name: cpu_seconds(p["pid"]) for name, p in procs.items() if p.get("pid")})
    used["client"] = time.process_time()
    return used


def interleaved(rounds: int, local: Any, real: Any, label: str, data_dir: Path) -> Measured:
    """B, A, B, A: `local()` and `real()` each run a round and answer (pages, elapsed)."""
    out = Measured()
    for i in range(rounds):
        started = time.process_time()
        out.b.append(asyncio.run(local()))
        out.cpu_b += time.process_time() - started
        print(f"{label} round {i + 1} B in process: {out.b[-1][0]} pages in {out.b[-1][1]:.2f} s", flush=True)
        before = suite_cpu(data_dir)
        out.a.append(real())
        out.cpu_a.update(suite_cpu(data_dir) - before)
        print(f"{label} round {i + 1} A real path:  {out.a[-1][0]} pages in {out.a[-1][1]:.2f} s", flush=True)
    return out


def measure(
    client: httpx.Client, url: str, token: str, local: InProcess, seconds: float, rounds: int, data_dir: Path
) -> Measured:
    real = real_page(client, url, token)
    mine = asyncio.run(local.page())
    if json.loads(json.dumps(mine)) != real:
        raise RuntimeError("the in-process result differs from the real one")
    print(
        f"A and B return the same data: totalCount {real['teachers']['totalCount']}, "
        f"{len(real['teachers']['edges'])} edges, "
        f"{len(json.dumps(real, ensure_ascii=False).encode())} bytes of JSON",
        flush=True,
    )
    for _ in range(WARMUP_PAGES):
        real_page(client, url, token)
    asyncio.run(local.round(0.5))
    return interleaved(
        rounds, lambda: local.round(seconds), lambda: real_round(client, url, token, seconds), "page", data_dir
    )


def measure_walk(
    client: httpx.Client, url: str, token: str, local: InProcess, seconds: float, rounds: int, data_dir: Path
) -> Measured:
    """The end-to-end walk: both sides go through every page once and must agree, then rounds."""
    real: list[Any] = []
    mine: list[Any] = []
    after = mine_after = None
    while not real or after is not None:
        real.append(gql(client, url, WALK_QUERY, walk_variables(after), token))
        mine.append(
            json.loads(json.dumps(asyncio.run(local.execute(WALK_QUERY, walk_variables(mine_after), IMPORT_CALLER))))
        )
        after, mine_after = next_after(real[-1]), next_after(mine[-1])
    if mine != real:
        raise RuntimeError("the in-process walk differs from the real one")
    print(f"A and B walk the same {len(real)} pages of the imported school", flush=True)
    return interleaved(
        rounds, lambda: local.walk(seconds), lambda: real_walk(client, url, token, seconds), "walk", data_dir
    )


def rates(label: str, m: Measured) -> float:
    """Prints both rates and the CPU a page took; A's rate over B's."""
    pages_a, secs_a = sum(n for n, _ in m.a), sum(t for _, t in m.a)
    pages_b, secs_b = sum(n for n, _ in m.b), sum(t for _, t in m.b)
    rate_a, rate_b = pages_a / secs_a, pages_b / secs_b
    for side, pages, secs, rate in (
        ("A real path: ", pages_a, secs_a, rate_a),
        ("B in process:", pages_b, secs_b, rate_b),
    ):
        print(f"{label} {side} {pages} pages in {secs:.1f} s = {rate:.2f} pages/s ({1000 / rate:.1f} ms/page)")
    per_page = {name: 1000 * used / pages_a for name, used in m.cpu_a.most_common() if used > 0}
    cpu_a, cpu_b = sum(per_page.values()), 1000 * m.cpu_b / pages_b
    parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per_page.items() if ms >= 0.05)
    # the chain is sequential: on a machine of its own, a page of A takes about the CPU of its processes
    print(f"{label} CPU a page: A {cpu_a:.1f} ms ({parts}); B {cpu_b:.1f} ms; B/A {cpu_b / cpu_a:.2f}")
    return rate_a / rate_b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="duration of each round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--imported", type=int, default=IMPORTED, help="teachers of the imported school")
    parser.add_argument("--settled", action="store_true", help="B with the servers' collector settings")
    args = parser.parse_args()
    began = time.monotonic()
    with running_suite(ADMIN_PASSWORD) as suite:
        url, data_dir = suite.url, suite.data_dir
        print(f"suite up in {time.monotonic() - began:.1f} s at {url}", flush=True)
        # the suite's own secret (written by the supervisor at start) signs the tokens
        signer = TokenSigner((data_dir / "token_secret").read_text().strip())
        entry_token, reader_token = signer.sign(ENTRY_CALLER), signer.sign(READER_CALLER)
        with httpx.Client(timeout=60) as client:  # one keep-alive connection, sequential requests
            started = time.monotonic()
            seed(client, url, entry_token)
            print(
                f"seeded {len(ORGS)} orgs, {TEACHERS} teachers with 1 EDUCATION + 1 WORK entry each in "
                f"{time.monotonic() - started:.1f} s",
                flush=True,
            )
            local = InProcess(
                {(DISTRICT, ""): asyncio.run(capture_page(service_addr(data_dir, "records"), reader_token))}
            )
            if args.settled:
                print(f"this process's heap settled: {heap.settle()} objects frozen", flush=True)
            print(
                f"sequential, {args.rounds} rounds of {args.seconds:.0f} s each, interleaved B A B A; page of {PAGE}",
                flush=True,
            )
            page = measure(client, url, reader_token, local, args.seconds, args.rounds, data_dir)
            started = time.monotonic()  # then the imported school (the district's page above is without it)
            clerk_token = signer.sign(IMPORT_CALLER)  # the imported school's clerk lists it
            import_school(client, url, clerk_token, args.imported)
            print(
                f"imported {args.imported} teachers (with 1 EDUCATION + 1 WORK row each) in "
                f"{time.monotonic() - started:.1f} s",
                flush=True,
            )
            asyncio.run(capture_walk(data_dir, clerk_token, local.clients))
            walk = measure_walk(client, url, clerk_token, local, args.seconds, args.rounds, data_dir)
        per_page = {rpc: round(n / local.executions, 2) for rpc, n in local.clients.records.calls.items()}

    print(f"B stand-in records calls per page: {per_page}")
    page_ratio, walk_ratio = rates("page", page), rates("walk", walk)
    print(f"total run time {time.monotonic() - began:.1f} s")
    settled = "_settled" if args.settled else ""
    print(f"RATIO teachers_page{settled} {page_ratio:.2f} >= 0.7")
    print(f"RATIO teachers_page_end_to_end{settled} {walk_ratio:.2f} >= 0.3")


if __name__ == "__main__":
    main()
