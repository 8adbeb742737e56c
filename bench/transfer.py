"""Transfer throughput versus first-entry approval: does a 调动 cost about what a first approval does?

A 调动 is one record's movement to another school: the sending school starts it, the receiving
school accepts it, both districts approve it, and then the record, its history and the account
move. A first-entry approval is the same record going up the review chain (报送, then one
approval per level). This benchmark, on a freshly started suite (`python -m tmis`), measures:

  (B) N complete records of school A (district 620102) through the whole chain: submitRecords,
      then approveAllPending at the school, the district, the city and the province (the batch
      mutations a reviewer clicks), as records per second;
  (A) the same N records, now APPROVED, transferred to school B (district 620103) through the
      API: startTransfer and acceptTransfer per record (C workers), then approveMovements at
      each district in batches of 50 (the ids from movementQueue), as records per second. Every
      record must end at school B.

B runs first (A needs approved records). Seeding (orgs, N records with every required set) is
not measured. Tokens are minted with the suite's own secret, as a login would give them. The
last line is `RATIO transfer_vs_approval <A/B> >= 0.5`; higher is better.

    .venv/bin/python bench/transfer.py [--teachers N] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file

from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.run.demo import DEMO_ENTRIES, demo_basic  # noqa: E402

TEACHERS = 1000
CONCURRENCY = 2  # the machine has 2 cores
BATCH = 50  # ids per submitRecords / approveMovements: within the default call deadline on a busy machine
ADMIN_PASSWORD = "Bench#Pass2026"
NATION, PROVINCE, CITY, D1, D2 = "100000", "620000", "620100", "620102", "620103"
A, B = "3162010201", "3162010301"
ORGS = [
    {"code": PROVINCE, "name": "甘肃省", "level": "PROVINCE", "parentCode": NATION},
    {"code": CITY, "name": "兰州市", "level": "CITY", "parentCode": PROVINCE},
    {"code": D1, "name": "城关区", "level": "DISTRICT", "parentCode": CITY},
    {"code": D2, "name": "七里河区", "level": "DISTRICT", "parentCode": CITY},
    {"code": A, "name": "示范小学", "level": "SCHOOL", "parentCode": D1, "schoolType": "PRIMARY_SECONDARY"},
    {"code": B, "name": "实验中学", "level": "SCHOOL", "parentCode": D2, "schoolType": "PRIMARY_SECONDARY"},
]
PATH_A = (NATION, PROVINCE, CITY, D1, A)
PATH_B = (NATION, PROVINCE, CITY, D2, B)

LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{code message} } }"
CREATE_ORG = "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message field} } }"
CREATE_TEACHER = """mutation($s:String!,$b:BasicInfoInput!){ createTeacher(schoolCode:$s, basic:$b){ teacher{ id
  version } userErrors{code message field} } }"""
ADD_ENTRY = """mutation($t:ID!,$v:Int!,$s:InfoSet!,$d:EntryData!){ addEntry(teacherId:$t, expectedVersion:$v,
  entry:{other:{set:$s, data:$d}}){ teacher{ version } userErrors{code message field} } }"""
SUBMIT = "mutation($ids:[ID!]!){ submitRecords(teacherIds:$ids){ succeeded userErrors{code message field} } }"
APPROVE_ALL = "mutation{ approveAllPending{ succeeded userErrors{code message field} } }"
TRANSFER = """mutation($t:ID!,$to:String!,$d:String!){ startTransfer(teacherId:$t, toSchoolCode:$to, effectiveDate:$d){
  movement{ id } userErrors{code message field} } }"""
ACCEPT = "mutation($m:ID!){ acceptTransfer(movementId:$m){ movement{ status } userErrors{code message field} } }"
QUEUE = (
    "query($a:String){ movementQueue(first:200, after:$a){ edges{ node{ id } } pageInfo{ hasNextPage endCursor } } }"
)
APPROVE_M = "mutation($ids:[ID!]!){ approveMovements(movementIds:$ids){ succeeded userErrors{code message field} } }"
COUNT = "query($o:String!){ teachers(orgCode:$o, first:1){ totalCount } }"


def caller(name: str, path: tuple[str, ...], role: str) -> Caller:
    return Caller(name, name, path[-1], path, (role,))


class Api:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = client, url

    async def gql(self, query: str, variables: dict[str, Any], token: str = "") -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(self.url, json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed (HTTP {response.status_code}): {body}")
        return next(iter(body["data"].values()))

    async def mutate(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        payload = await self.gql(query, variables, token)
        if payload.get("userErrors"):
            raise RuntimeError(f"userErrors for {variables}: {payload['userErrors']}")
        return payload


def basic_input(serial: int) -> dict[str, Any]:
    basic = demo_basic(serial, D1, "PRIMARY_SECONDARY")
    basic["gender"] = "1" if serial % 2 == 0 else "2"
    basic["birthDate"] = f"{basic['idNumber'][6:10]}-{basic['idNumber'][10:12]}-{basic['idNumber'][12:14]}"
    return basic


async def each(items: list[Any], work: Any, concurrency: int) -> list[Any]:
    """`work(item)` for every item, `concurrency` at a time, in order."""
    out: list[Any] = [None] * len(items)
    queue = list(enumerate(items))

    async def worker() -> None:
        while queue:
            i, item = queue.pop(0)
            out[i] = await work(item)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


async def seed(api: Api, clerk: str, n: int, concurrency: int) -> list[str]:
    login = await api.gql(LOGIN, {"u": "admin", "p": ADMIN_PASSWORD})
    for org in ORGS:
        await api.mutate(CREATE_ORG, {"i": org}, login["token"])

    async def one(serial: int) -> str:
        teacher = (await api.mutate(CREATE_TEACHER, {"s": A, "b": basic_input(serial)}, clerk))["teacher"]
        version = teacher["version"]
        for set_key, data in DEMO_ENTRIES.items():
            variables = {"t": teacher["id"], "v": version, "s": set_key, "d": data}
            version = (await api.mutate(ADD_ENTRY, variables, clerk))["teacher"]["version"]
        return str(teacher["id"])

    return await each(list(range(n)), one, concurrency)


async def first_approvals(api: Api, ids: list[str], clerk: str, reviewers: list[str]) -> float:
    """(B): seconds for the records to go up the whole chain."""
    start = time.monotonic()
    for at in range(0, len(ids), BATCH):
        await api.mutate(SUBMIT, {"ids": ids[at : at + BATCH]}, clerk)
    for reviewer in reviewers:
        done = 0
        while done < len(ids):
            approved = await api.mutate(APPROVE_ALL, {}, reviewer)
            if not approved["succeeded"]:
                raise RuntimeError(f"nothing left to approve after {done} of {len(ids)}")
            done += len(approved["succeeded"])
    return time.monotonic() - start


async def queued(api: Api, token: str) -> list[str]:
    ids, after = [], None
    while True:
        page = await api.gql(QUEUE, {"a": after}, token)
        ids += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def transfers(api: Api, ids: list[str], clerks: tuple[str, str], districts: tuple[str, str], c: int) -> float:
    """(A): seconds for the records to move to school B."""
    today = time.strftime("%Y-%m-%d")
    start = time.monotonic()

    async def start_one(teacher_id: str) -> str:
        started = await api.mutate(TRANSFER, {"t": teacher_id, "to": B, "d": today}, clerks[0])
        return str(started["movement"]["id"])

    movements = await each(ids, start_one, c)
    await each(movements, lambda m: api.mutate(ACCEPT, {"m": m}, clerks[1]), c)
    for district in districts:
        pending = await queued(api, district)
        if len(pending) != len(ids):
            raise RuntimeError(f"{len(pending)} movements pending at a district, expected {len(ids)}")
        for at in range(0, len(pending), BATCH):
            await api.mutate(APPROVE_M, {"ids": pending[at : at + BATCH]}, district)
    return time.monotonic() - start


async def run(url: str, signer: TokenSigner, n: int, concurrency: int) -> tuple[float, float]:
    clerk_a = signer.sign(caller("clerk_a", PATH_A, "DATA_ENTRY"))
    clerk_b = signer.sign(caller("clerk_b", PATH_B, "DATA_ENTRY"))
    chain = [signer.sign(caller(f"rv{i}", PATH_A[: i + 1], "REVIEWER")) for i in (4, 3, 2, 1)]
    district_b = signer.sign(caller("rv_d2", PATH_B[:4], "REVIEWER"))
    reader = signer.sign(caller("q", PATH_A[:3], "QUERY"))
    async with httpx.AsyncClient(timeout=600) as client:
        api = Api(client, url)
        began = time.monotonic()
        ids = await seed(api, clerk_a, n, concurrency)
        print(f"seeded 6 orgs, {n} complete teachers in {time.monotonic() - began:.1f} s", flush=True)
        b = await first_approvals(api, ids, clerk_a, chain)
        print(f"B first-entry approvals: {n} records in {b:.1f} s = {n / b:.2f} records/s", flush=True)
        a = await transfers(api, ids, (clerk_a, clerk_b), (chain[1], district_b), concurrency)
        print(f"A transfers:             {n} records in {a:.1f} s = {n / a:.2f} records/s", flush=True)
        at_b = (await api.gql(COUNT, {"o": B}, reader))["totalCount"]
        if at_b != n:
            raise RuntimeError(f"{at_b} records at school B after the transfers, expected {n}")
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=TEACHERS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    began = time.monotonic()
    with running_suite(ADMIN_PASSWORD) as suite:
        print(f"suite up in {time.monotonic() - began:.1f} s at {suite.url}", flush=True)
        signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
        a, b = asyncio.run(run(suite.url, signer, args.teachers, args.concurrency))
    print(f"total run time {time.monotonic() - began:.1f} s")
    print(f"RATIO transfer_vs_approval {(args.teachers / a) / (args.teachers / b):.2f} >= 0.5")


if __name__ == "__main__":
    main()
