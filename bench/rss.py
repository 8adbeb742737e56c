"""Memory of each process under load: what deploy/k8s/ sizes its requests and limits from.

Starts the embedded database, the four services and the gateway as separate processes (as
`make run` does), then a workload: the demo data seeded through the RPCs (accounts hashed with
argon2id, teachers written), a 500-row workbook imported, five 12-megapixel phone photos
normalised. Prints per process the resident set after start, after the workload (steady) and
its peak (VmHWM), in MiB.

    .venv/bin/python bench/rss.py

Measured here (2 shared cores, 2026-11-30), MiB:

    process       start   steady     peak
    identity         78       78      141   argon2id: 64 MiB per password hashed at once
    records          73       79       79
    review           50       51       51
    media            85      103      103   a 12-megapixel JPEG decoded at 1/4 scale
    gateway          59       59       59   (no uploads through it here: it buffers up to 64 MB)
    database         52       67       68
"""

from __future__ import annotations

import asyncio
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from tests.support import excel  # noqa: E402
from tmis.auth import SYSTEM, Caller, TokenSigner  # noqa: E402
from tmis.proto.identity.v1 import identity_pb2, identity_pb2_grpc  # noqa: E402
from tmis.proto.media.v1 import media_pb2, media_pb2_grpc  # noqa: E402
from tmis.proto.records.v1 import records_pb2, records_pb2_grpc  # noqa: E402
from tmis.proto.review.v1 import review_pb2_grpc  # noqa: E402
from tmis.rpc import ServiceClient  # noqa: E402
from tmis.run import demo  # noqa: E402
from tmis.run.embedded_db import EmbeddedMongo  # noqa: E402
from tmis.run.procs import free_port, spawn, stop_process  # noqa: E402
from tmis.settings import SERVICES  # noqa: E402

SCHOOL = "3162010201"
PATH = ("100000", "620000", "620100", "620102", SCHOOL)
STUBS = {
    "identity": identity_pb2_grpc.IdentityServiceStub,
    "records": records_pb2_grpc.RecordsServiceStub,
    "review": review_pb2_grpc.ReviewServiceStub,
    "media": media_pb2_grpc.MediaServiceStub,
}


def mib(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def phone_photo() -> bytes:
    from skimage import data

    face = Image.fromarray(data.astronaut()).resize((3024, 3024))
    canvas = Image.new("RGB", (3024, 4032), (90, 110, 130))
    canvas.paste(face, (0, 500))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    return out.getvalue()


async def workload(clients: dict[str, ServiceClient], signer: TokenSigner, data_dir: Path) -> None:
    system = signer.sign(SYSTEM)
    await clients["identity"].EnsureAdmin(identity_pb2.EnsureAdminRequest(password="Tmis#Bench2026"), token=system)
    await demo.seed(clients["identity"], clients["records"], clients["review"], signer, data_dir)
    clerk = signer.sign(Caller("bench", "bench", SCHOOL, PATH, ("DATA_ENTRY",)))
    template = (
        await clients["records"].GetImportTemplate(
            records_pb2.GetImportTemplateRequest(school_type="PRIMARY_SECONDARY"), token=clerk
        )
    ).content
    workbook = excel.fill(template, {"基本信息": [excel.basic_row(1000 + n) for n in range(500)]})
    job = await clients["records"].StartImport(
        records_pb2.StartImportRequest(school_code=SCHOOL, filename="b.xlsx", content=workbook), token=clerk
    )
    while job.status not in ("SUCCEEDED", "FAILED"):
        await asyncio.sleep(0.5)
        job = await clients["records"].GetImportJob(records_pb2.GetImportJobRequest(id=job.id), token=clerk)
    print(f"import: {job.status}, {job.inserted} inserted", flush=True)
    teachers = (
        await clients["records"].ListTeachers(records_pb2.ListTeachersRequest(org_code=SCHOOL, first=5), token=clerk)
    ).teachers
    photo = phone_photo()
    for teacher in teachers:
        await clients["media"].UploadPhoto(
            media_pb2.UploadPhotoRequest(teacher_id=teacher.id, content=photo), token=clerk, timeout=60
        )
    print(f"photos: {len(teachers)} normalised from {len(photo) // 1024} KiB JPEGs", flush=True)


async def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="tmis-rss-"))
    secret = secrets.token_urlsafe(40)
    db = EmbeddedMongo(data_dir / "db")
    uri = db.start()
    env = {
        **os.environ,
        "TMIS_MONGODB_URI": uri,
        "TMIS_TOKEN_SECRET": secret,
        "TMIS_LOG_LEVEL": "WARNING",
        "TMIS_DATA_DIR": str(data_dir),
    }
    ports = {name: free_port() for name in SERVICES}
    for name, port in ports.items():
        env[f"TMIS_{name.upper()}_PORT"], env[f"TMIS_{name.upper()}_ADDR"] = str(port), f"127.0.0.1:{port}"
    env["TMIS_HTTP_PORT"] = str(free_port())
    procs: dict[str, subprocess.Popen[bytes]] = {
        n: spawn([sys.executable, "-m", f"services.{n}"], env=env) for n in SERVICES
    }
    procs["gateway"] = spawn([sys.executable, "-m", "gateway"], env=env)
    clients = {n: ServiceClient(n, f"127.0.0.1:{p}", STUBS[n], timeout=120) for n, p in ports.items()}
    try:
        for client in clients.values():
            while not (await client.check_health())[0]:
                await asyncio.sleep(0.2)
        time.sleep(2)
        started = {n: mib(p.pid, "VmRSS") for n, p in procs.items()}
        started["database"] = mib(db.proc.pid, "VmRSS")
        await workload(clients, TokenSigner(secret), data_dir)
        time.sleep(2)
        print(f"{'process':10} {'start':>8} {'steady':>8} {'peak':>8}  (MiB)")
        for name, proc in [*procs.items(), ("database", db.proc)]:
            print(f"{name:10} {started[name]:8.0f} {mib(proc.pid, 'VmRSS'):8.0f} {mib(proc.pid, 'VmHWM'):8.0f}")
    finally:
        for client in clients.values():
            await client.close()
        for proc in procs.values():
            stop_process(proc)
        db.stop()


if __name__ == "__main__":
    asyncio.run(main())
