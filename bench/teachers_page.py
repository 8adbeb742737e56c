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
pages over the sum of elapsed times. The last line is `RATIO teachers_page <A/B> >= 0.7` (the issue's goal);
higher is better.

    .venv/bin/python bench/teachers_page.py [--seconds S] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file
from starlette.requests import Request  # noqa: E402

from gateway.clients import TtlCache  # noqa: E402
from gateway.context import Context  # noqa: E402
from gateway.schema import build_schema  # noqa: E402
from services.records.servicer import code_table_pb  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.codes import load_code_tables  # noqa: E402
from tmis.plugins import make_plugin_manager  # noqa: E402
from tmis.proto.identity.v1 import identity_pb2 as id_pb  # noqa: E402
from tmis.proto.records.v1 import records_pb2 as rec_pb  # noqa: E402
from tmis.proto.records.v1 import records_pb2_grpc  # noqa: E402
from tmis.proto.review.v1 import review_pb2 as review_pb  # noqa: E402
from tmis.registry import Registry  # noqa: E402
from tmis.rpc import ServiceClient  # noqa: E402
from tmis.run.demo import DEMO_ENTRIES, demo_basic  # noqa: E402

ROUND_SECONDS = 8.0
ROUNDS = 2
WARMUP_PAGES = 5
TEACHERS = 60
PAGE = 50
ADMIN_PASSWORD = "Bench#Pass2026"

DISTRICT = "620102"
SCHOOL = "3162010201"
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
]
# The school's 信息录入员 (writes the records), as a token would carry it after a login.
ENTRY_CALLER = Caller(
    account_id="bench",
    username="bench",
    org_code=SCHOOL,
    org_path=("100000", "620000", "620100", DISTRICT, SCHOOL),
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


# --- the suite: start, wait, stop (as bench/login.py) -------------------------------------------


def records_addr(data_dir: Path) -> str:
    """Where the suite's records service listens. The supervisor picks free internal ports and
    writes only the pids to run.json, so read the address from that child's environment (only
    that one variable)."""
    pid = json.loads((data_dir / "run.json").read_text())["records"]["pid"]
    for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
        key, _, value = item.partition(b"=")
        if key == b"TMIS_RECORDS_ADDR":
            return value.decode()
    raise RuntimeError(f"TMIS_RECORDS_ADDR not found in the environment of records (pid {pid})")


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


# --- (A) the real path ------------------------------------------------------------------------


def real_page(client: httpx.Client, url: str, token: str) -> dict[str, Any]:
    data = gql(client, url, QUERY, VARIABLES, token)
    if len(data["teachers"]["edges"]) != PAGE:
        raise RuntimeError(f"expected {PAGE} edges, got {len(data['teachers']['edges'])}")
    return data


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
    """The TeacherPage the real records service answers to the request the gateway sends."""
    records = ServiceClient("records", addr, records_pb2_grpc.RecordsServiceStub)
    try:
        request = rec_pb.ListTeachersRequest(org_code=DISTRICT, first=PAGE, sets=Registry().entry_sets())
        return await records.ListTeachers(request, token=token)
    finally:
        await records.close()


class FakeRecords:
    def __init__(self, page: rec_pb.TeacherPage) -> None:
        self.page = page
        self.tables = {name: code_table_pb(table) for name, table in load_code_tables().items()}  # converted once
        self.calls: dict[str, int] = {}

    async def ListTeachers(
        self, request: rec_pb.ListTeachersRequest, *, timeout: float | None = None, token: str | None = None
    ) -> rec_pb.TeacherPage:
        self.calls["ListTeachers"] = self.calls.get("ListTeachers", 0) + 1
        return self.page

    async def ListCodeTables(
        self, request: rec_pb.ListCodeTablesRequest, *, timeout: float | None = None, token: str | None = None
    ) -> rec_pb.CodeTableList:
        self.calls["ListCodeTables"] = self.calls.get("ListCodeTables", 0) + 1
        return rec_pb.CodeTableList(tables=[self.tables[n] for n in dict.fromkeys(request.names) if n in self.tables])


class FakeReview:
    async def BatchGetReviewStates(
        self, request: Any, *, timeout: float | None = None, token: str | None = None
    ) -> review_pb.ReviewStateList:
        return review_pb.ReviewStateList()


class FakeIdentity:
    async def BatchGetOrgs(
        self, request: Any, *, timeout: float | None = None, token: str | None = None
    ) -> id_pb.OrgList:
        return id_pb.OrgList()


class FakeClients:
    """Stands in for gateway.clients.Clients: only what the measured query calls."""

    def __init__(self, page: rec_pb.TeacherPage) -> None:
        self.records = FakeRecords(page)
        self.review = FakeReview()
        self.identity = FakeIdentity()
        self.media = None
        self.code_tables = TtlCache(60.0)  # the same per-process cache the real gateway keeps


class InProcess:
    """(B): the gateway's schema executed directly, a fresh Context per execution."""

    def __init__(self, page: rec_pb.TeacherPage) -> None:
        self.registry = Registry()
        self.schema = build_schema(self.registry)
        self.clients = FakeClients(page)
        self.plugins = make_plugin_manager()
        self.signer = TokenSigner("x" * 40)
        self.request = Request(
            {"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""}
        )
        self.executions = 0

    async def page(self) -> dict[str, Any]:
        ctx = Context(self.request, None, self.clients, self.plugins, READER_CALLER, self.signer, self.registry, "x")  # type: ignore[arg-type]
        result = await self.schema.execute(QUERY, variable_values=VARIABLES, context_value=ctx)
        self.executions += 1
        if result.errors or len(result.data["teachers"]["edges"]) != PAGE:
            raise RuntimeError(f"in-process execution failed: {result.errors or result.data}")
        return result.data

    async def round(self, seconds: float) -> tuple[int, float]:
        """(B) executions back to back for `seconds`: (pages, elapsed)."""
        count = 0
        start = time.monotonic()
        end = start + seconds
        while time.monotonic() < end:
            await self.page()
            count += 1
        return count, time.monotonic() - start


# --- the run ----------------------------------------------------------------------------------


def measure(
    client: httpx.Client, url: str, token: str, local: InProcess, seconds: float, rounds: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
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

    a, b = [], []
    for i in range(rounds):
        b.append(asyncio.run(local.round(seconds)))
        print(f"round {i + 1} B in process: {b[-1][0]} pages in {b[-1][1]:.2f} s", flush=True)
        a.append(real_round(client, url, token, seconds))
        print(f"round {i + 1} A real path:  {a[-1][0]} pages in {a[-1][1]:.2f} s", flush=True)
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=ROUND_SECONDS, help="duration of each round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    began = time.monotonic()
    with running_suite(ADMIN_PASSWORD) as suite:
        url, data_dir = suite.url, suite.data_dir
        print(f"suite up in {time.monotonic() - began:.1f} s at {url}", flush=True)
        # the suite's own secret (written by the supervisor at start) signs the two tokens
        signer = TokenSigner((data_dir / "token_secret").read_text().strip())
        entry_token, reader_token = signer.sign(ENTRY_CALLER), signer.sign(READER_CALLER)
        with httpx.Client(timeout=60) as client:  # one keep-alive connection, sequential requests
            started = time.monotonic()
            seed(client, url, entry_token)
            print(
                f"seeded 4 orgs, {TEACHERS} teachers with 1 EDUCATION + 1 WORK entry each in "
                f"{time.monotonic() - started:.1f} s",
                flush=True,
            )
            local = InProcess(asyncio.run(capture_page(records_addr(data_dir), reader_token)))
            print(
                f"sequential, {args.rounds} rounds of {args.seconds:.0f} s each, interleaved B A B A; page of {PAGE}",
                flush=True,
            )
            a, b = measure(client, url, reader_token, local, args.seconds, args.rounds)
        per_page = {rpc: round(n / local.executions, 2) for rpc, n in local.clients.records.calls.items()}

    pages_a, secs_a = sum(n for n, _ in a), sum(t for _, t in a)
    pages_b, secs_b = sum(n for n, _ in b), sum(t for _, t in b)
    rate_a, rate_b = pages_a / secs_a, pages_b / secs_b
    print(f"B stand-in records calls per page: {per_page}")
    print(f"A real path:  {pages_a} pages in {secs_a:.1f} s = {rate_a:.2f} pages/s ({1000 / rate_a:.1f} ms/page)")
    print(f"B in process: {pages_b} pages in {secs_b:.1f} s = {rate_b:.2f} pages/s ({1000 / rate_b:.1f} ms/page)")
    print(f"total run time {time.monotonic() - began:.1f} s")
    print(f"RATIO teachers_page {rate_a / rate_b:.2f} >= 0.7")


if __name__ == "__main__":
    main()
