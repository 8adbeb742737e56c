"""What journaled writes cost: a save, a page, a photo upload and an import, durable against not.

Every write a TMIS service makes waits for the journal (`w: majority, j: true`, tmis/mongo.py), and
reads are majority reads. This benchmark runs the suite (`python -m tmis`) twice over one embedded
database (SecantusDB, its own process), once with the defaults and once with a connection string
that turns both off (`w=1&journal=false&readConcernLevel=local`: what the suite did before), in
rounds interleaved fast, durable, fast, durable (fresh databases each), and measures through the API:

  save    `saveBasicInfo` of one record, one after the other (saves/s);
  page    `teachers(orgCode, first: 50)` of a school of 100 records (pages/s);
  photo   `uploadPhoto` of a 1600 × 1200 JPEG (photos/s);
  import  `importWorkbook` of 2,000 new records of 基本信息, until its job has SUCCEEDED (rows/s).

Each line is `RATIO durable_<what>_vs_unjournaled <durable rate / fast rate> >= <goal>`.

    .venv/bin/python bench/durability.py [--rounds R] [--rows N]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import io
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from _suite import running_suite  # noqa: E402 - beside this file
from PIL import Image, ImageDraw  # noqa: E402

from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.run.demo import demo_basic  # noqa: E402
from tmis.run.embedded_db import EmbeddedMongo  # noqa: E402

ADMIN_PASSWORD = "Durable#Pass2026"
SCHOOL, PATH = "3162010201", ("100000", "620000", "620100", "620102", "3162010201")
FAST = "&w=1&journal=false&readConcernLevel=local"
GOALS = {"save": 0.6, "page": 0.9, "photo": 0.9, "import": 0.8}
ORG = "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message} } }"
CREATE = "mutation($s:String!,$b:BasicInfoInput!){ createTeacher(schoolCode:$s, basic:$b){ teacher{ id version } userErrors{code message} } }"  # noqa: E501
SAVE = "mutation($t:ID!,$v:Int!,$b:BasicInfoInput!){ saveBasicInfo(teacherId:$t, expectedVersion:$v, basic:$b){ teacher{ version } userErrors{code message} } }"  # noqa: E501
PAGE = 'query{ teachers(orgCode:"3162010201", first:50){ edges{ node{ id version basic{ name gender { name } } } } } }'
PHOTO = "mutation($t:ID!,$f:Upload!){ uploadPhoto(teacherId:$t, file:$f){ photo{ width } userErrors{code message} } }"
IMPORT = (
    "mutation($s:String!,$f:Upload!){ importWorkbook(schoolCode:$s, file:$f){ job{ id } userErrors{code message} } }"
)
JOB = "query($i:ID!){ importJob(id:$i){ status total newRows failed } }"


def basic(serial: int) -> dict[str, Any]:
    out = demo_basic(serial, "620102", "PRIMARY_SECONDARY")
    number = out["idNumber"]
    return out | {
        "gender": "1" if int(number[16]) % 2 else "2",
        "birthDate": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
    }


def photo() -> bytes:
    image = Image.new("RGB", (1200, 1600), (236, 240, 244))
    ImageDraw.Draw(image).ellipse((400, 300, 800, 800), fill=(200, 160, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    from services.records.workbook import layouts
    from tmis.registry import Registry

    values = importlib.import_module("bench.import").row_values  # ("import" is a keyword)
    columns = layouts(Registry(), "PRIMARY_SECONDARY")[0].columns
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("基本信息")
    sheet.append([c.header for c in columns])
    for i in range(10_000, 10_000 + rows):
        sheet.append([values(i).get(c.field.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Api:
    def __init__(self, client: httpx.AsyncClient, url: str, token: str) -> None:
        self.client, self.url, self.token = client, url, token

    async def gql(self, query: str, variables: dict[str, Any] | None = None, file: bytes | None = None) -> Any:
        headers = {"authorization": f"Bearer {self.token}"}
        if file is None:
            reply = await self.client.post(
                self.url, json={"query": query, "variables": variables or {}}, headers=headers
            )
        else:
            ops = json.dumps({"query": query, "variables": {**(variables or {}), "f": None}})
            reply = await self.client.post(
                self.url,
                data={"operations": ops, "map": '{"f": ["variables.f"]}'},
                files={"f": ("f", file)},
                headers=headers,
            )
        body = reply.json()
        payload = next(iter((body.get("data") or {"": None}).values()))
        if body.get("errors") or payload is None or (isinstance(payload, dict) and payload.get("userErrors")):
            raise RuntimeError(str(body)[:500])
        return payload


async def measure(url: str, signer: TokenSigner, image: bytes, book: bytes, rows: int) -> dict[str, float]:
    """Rates (per second) of the four operations on a fresh suite."""
    admin = signer.sign(Caller("admin", "admin", "100000", ("100000",), ("SYSTEM_ADMIN",)))
    clerk = signer.sign(Caller("clerk", "clerk", SCHOOL, PATH, ("DATA_ENTRY",)))
    async with httpx.AsyncClient(timeout=600) as client:
        api = Api(client, url, admin)
        orgs = [("620000", "甘肃省", "PROVINCE", "100000"), ("620100", "兰州市", "CITY", "620000")]
        for code, name, level, parent in [*orgs, ("620102", "城关区", "DISTRICT", "620100")]:
            await api.gql(ORG, {"i": {"code": code, "name": name, "level": level, "parentCode": parent}})
        school = {
            "code": SCHOOL,
            "name": "示范小学",
            "level": "SCHOOL",
            "parentCode": "620102",
            "schoolType": "PRIMARY_SECONDARY",
        }
        await api.gql(ORG, {"i": school})
        api.token = clerk
        made = [(await api.gql(CREATE, {"s": SCHOOL, "b": basic(i)}))["teacher"] for i in range(1, 101)]
        rates: dict[str, float] = {}
        teacher, version, start = made[0]["id"], made[0]["version"], time.perf_counter()
        for n in range(100):
            variables = {"t": teacher, "v": version, "b": basic(1) | {"name": "王" + chr(0x4E00 + n)}}
            version = (await api.gql(SAVE, variables))["teacher"]["version"]
        rates["save"] = 100 / (time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(50):
            await api.gql(PAGE)
        rates["page"] = 50 / (time.perf_counter() - start)
        start = time.perf_counter()
        for t in made[1:21]:
            await api.gql(PHOTO, {"t": t["id"]}, image)
        rates["photo"] = 20 / (time.perf_counter() - start)
        start = time.perf_counter()
        job = (await api.gql(IMPORT, {"s": SCHOOL}, book))["job"]["id"]
        while (done := await api.gql(JOB, {"i": job}))["status"] not in ("SUCCEEDED", "FAILED"):
            await asyncio.sleep(0.05)
        if done["newRows"] != rows:
            raise RuntimeError(f"the import did not insert every row: {done}")
        rates["import"] = rows / (time.perf_counter() - start)
        return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    image, book = photo(), workbook(args.rows)
    totals: dict[str, dict[str, list[float]]] = {"fast": defaultdict(list), "durable": defaultdict(list)}
    with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "db") as uri:
        for n in range(args.rounds):
            for kind in ("fast", "durable"):
                extra = {"TMIS_MONGODB_URI": uri + (FAST if kind == "fast" else "")}
                extra |= {f"TMIS_{s.upper()}_DB": f"r{n}{kind}_{s}" for s in ("identity", "records", "review", "media")}
                with running_suite(ADMIN_PASSWORD, extra) as suite:
                    signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
                    rates = asyncio.run(measure(suite.url, signer, image, book, args.rows))
                print(f"round {n + 1} {kind:7}", "  ".join(f"{k} {v:.1f}/s" for k, v in rates.items()), flush=True)
                for k, v in rates.items():
                    totals[kind][k].append(v)
    for what, goal in GOALS.items():
        durable, fast = (sum(totals[k][what]) / len(totals[k][what]) for k in ("durable", "fast"))
        print(f"RATIO durable_{what}_vs_unjournaled {durable / fast:.2f} >= {goal}")


if __name__ == "__main__":
    main()
