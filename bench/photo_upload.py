"""A photo upload through the API against pyvips's thumbnail of the same file: the fixed cost around the image.

On a freshly started suite (`python -m tmis`, the embedded database, journaled writes), a school's
信息录入员 uploads 12-megapixel phone photos through the public API (`uploadPhoto`, a GraphQL multipart
request), each replacing the teacher's photo before it (so every upload also deletes the one it
replaced), and in the same process, interleaved round by round, pyvips makes the thumbnail of the
same file (`thumbnail_buffer(…, crop="centre")` then `jpegsave_buffer`, the bar of bench/photo.py).
Two photos, generated here:

  portrait   4032 × 3024 stored landscape with EXIF orientation 6, quality 92, sensor noise; the face
             (the astronaut shipped in scikit-image) a third of the frame's width: the common upload;
  face-less  the same camera's photo of an empty backdrop: no face, so every face pass runs (the
             first look, the coarse pass and the fine one), the worst case of a phone photo's path.

Wall-clock medians of the rounds; RATIO = vips's time / the upload's (higher is better), goals from
issue 28: ≥ 0.3 on the portrait (an upload at most 3.3 × the bare thumbnail), ≥ 0.5 face-less. It also
prints the CPU each process spent per upload (from /proc: gateway, media, records, the database), so
media's photos per second per core, the figure an administrator scales media by.

`--hops` runs the suite with tracing on (its OpenTelemetry spans, sent to a collector in this
process) and prints where an upload's time goes, hop by hop (bench/README.md has the table);
tracing costs time of its own, so those runs print no RATIO.

    .venv/bin/python bench/photo_upload.py [--rounds R] [--hops]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import grpc  # noqa: E402
import httpx  # noqa: E402
import numpy as np  # noqa: E402
import pyvips  # noqa: E402
from _suite import gql, running_suite  # noqa: E402 - beside this file
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data as skdata  # noqa: E402

from services.media.standard import resolve  # noqa: E402
from tmis.auth import Caller, TokenSigner  # noqa: E402
from tmis.plugins import make_plugin_manager  # noqa: E402
from tmis.run.demo import demo_basic  # noqa: E402
from tmis.run.procs import free_port  # noqa: E402

STANDARD = resolve(make_plugin_manager(""))
ADMIN_PASSWORD = "Bench#Photo2026"
NATION, PROVINCE, CITY, DISTRICT, SCHOOL = "100000", "620000", "620100", "620102", "3162010201"
ORGS = [
    {"code": PROVINCE, "name": "甘肃省", "level": "PROVINCE", "parentCode": NATION},
    {"code": CITY, "name": "兰州市", "level": "CITY", "parentCode": PROVINCE},
    {"code": DISTRICT, "name": "城关区", "level": "DISTRICT", "parentCode": CITY},
    {"code": SCHOOL, "name": "示范小学", "level": "SCHOOL", "parentCode": DISTRICT, "schoolType": "PRIMARY_SECONDARY"},
]
CLERK = Caller("bench-clerk", "bench_clerk", SCHOOL, (NATION, PROVINCE, CITY, DISTRICT, SCHOOL), ("DATA_ENTRY",))
LOGIN = "mutation($u:String!,$p:String!){ login(username:$u,password:$p){ token userErrors{code message} } }"
CREATE_ORG = "mutation($i:CreateOrgInput!){ createOrg(input:$i){ userErrors{code message field} } }"
CREATE_TEACHER = """mutation($s:String!,$b:BasicInfoInput!){ createTeacher(schoolCode:$s, basic:$b){ teacher{ id }
  userErrors{code message field} } }"""
UPLOAD = """mutation($t: ID!, $f: Upload!) { uploadPhoto(teacherId: $t, file: $f) {
  photo { bytes report { faceFound } } userErrors { code message field } } }"""
PROCESSES = ("gateway", "media", "records", "database")
# the sensor noise (standard deviation, of 255): a portrait in good light, whose thumbnail pyvips makes in
# about 15 ms (1.2 MB); an empty backdrop in a dim room, 4.4 MB of noise that takes libjpeg about as long
# to decode as the face-less photo of the issue
PORTRAIT_NOISE, BACKDROP_NOISE = 1.5, 10.0


def phone_jpeg(upright: Image.Image, noise_level: float) -> bytes:
    """As a phone stores it: landscape, EXIF orientation 6, quality 92, with sensor noise."""
    noise = np.random.default_rng(7).normal(0, noise_level, (upright.height, upright.width, 3))
    upright = Image.fromarray(np.clip(np.asarray(upright, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def portrait() -> bytes:
    """The astronaut's face box (99 of its 512 pixels, at 173, 64) a third of the frame's width."""
    x, y = 173 + 50, 64 + 50  # the face's centre
    crop = Image.fromarray(skdata.astronaut()).crop((x - 148, y - 150, x + 149, y + 246))
    return phone_jpeg(crop.resize((3024, 4032), Image.Resampling.BICUBIC), PORTRAIT_NOISE)


def face_less() -> bytes:
    return phone_jpeg(Image.new("RGB", (3024, 4032), (180, 190, 200)), BACKDROP_NOISE)


def vips(data: bytes) -> bytes:
    thumb = pyvips.Image.thumbnail_buffer(data, STANDARD.width_px, height=STANDARD.height_px, crop="centre")
    return bytes(thumb.jpegsave_buffer(Q=92, keep="none"))


def multipart(teacher_id: str, data: bytes) -> tuple[bytes, str]:
    """uploadPhoto's request body as the web client sends it (GraphQL multipart request spec) and its
    content type, encoded once: the time measured is the server's, not httpx's encoder's."""
    operations = json.dumps({"query": UPLOAD, "variables": {"t": teacher_id, "f": None}})
    request = httpx.Request(
        "POST",
        "http://bench/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("photo.jpg", data, "image/jpeg")},
    )
    return request.read(), request.headers["content-type"]


async def upload(
    client: httpx.AsyncClient, url: str, body: tuple[bytes, str], token: str, request_id: str = ""
) -> dict[str, Any]:
    """One uploadPhoto (`body`: from `multipart`); the photo as answered."""
    headers = {"authorization": f"Bearer {token}", "content-type": body[1]}
    response = await client.post(
        url, content=body[0], headers=headers | ({"x-request-id": request_id} if request_id else {})
    )
    answer = response.json()
    reply = (answer.get("data") or {}).get("uploadPhoto") or {}
    if response.status_code != 200 or answer.get("errors") or reply.get("userErrors") or not reply.get("photo"):
        raise RuntimeError(f"upload failed (HTTP {response.status_code}): {answer}")
    return dict(reply["photo"])


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU of each process so far (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {}
    for name, pid in pids.items():
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        spent[name] = (int(fields[11]) + int(fields[12])) / tick
    return spent


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


async def seed(client: httpx.AsyncClient, url: str, clerk: str, kinds: int) -> list[str]:
    admin = (await gql(client, url, LOGIN, {"u": "admin", "p": ADMIN_PASSWORD}))["token"]
    for org in ORGS:
        await gql(client, url, CREATE_ORG, {"i": org}, admin)
    made = []
    for serial in range(kinds):
        basic = demo_basic(serial, DISTRICT, "PRIMARY_SECONDARY")
        basic["gender"] = "1" if serial % 2 == 0 else "2"
        basic["birthDate"] = f"{basic['idNumber'][6:10]}-{basic['idNumber'][10:12]}-{basic['idNumber'][12:14]}"
        made.append((await gql(client, url, CREATE_TEACHER, {"s": SCHOOL, "b": basic}, clerk))["teacher"]["id"])
    return made


async def measure(
    url: str, clerk: str, inputs: dict[str, bytes], rounds: int, pids: dict[str, int]
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, dict[str, float]]]:
    """(upload wall times, vips wall times, CPU per upload of each process), per kind of photo."""
    async with httpx.AsyncClient(timeout=120) as client:
        teachers = dict(zip(inputs, await seed(client, url, clerk, len(inputs)), strict=True))
        bodies = {kind: multipart(teachers[kind], data) for kind, data in inputs.items()}
        for kind, data in inputs.items():  # warm-up: connections, caches, a photo to replace
            for _ in range(2):
                photo = await upload(client, url, bodies[kind], clerk)
                vips(data)
            print(f"{kind}: {len(data) / 1e6:.1f} MB, face found {photo['report']['faceFound']}", flush=True)
        uploads: dict[str, list[float]] = {kind: [] for kind in inputs}
        thumbs: dict[str, list[float]] = {kind: [] for kind in inputs}
        cpu: dict[str, dict[str, float]] = {kind: dict.fromkeys(pids, 0.0) for kind in inputs}
        for _ in range(rounds):
            for kind, data in inputs.items():
                thumbs[kind].append(timed(lambda data=data: vips(data)))  # type: ignore[misc]
                before = cpu_seconds(pids)
                started = time.perf_counter()
                await upload(client, url, bodies[kind], clerk, f"bench-{kind}-{len(uploads[kind])}")
                uploads[kind].append(time.perf_counter() - started)
                await asyncio.sleep(0.05)  # (what an upload leaves to do after answering counts as its CPU)
                after = cpu_seconds(pids)
                for name in pids:
                    cpu[kind][name] += (after[name] - before[name]) / rounds
    return uploads, thumbs, cpu


class Collector(trace_service_pb2_grpc.TraceServiceServicer):  # type: ignore[misc]
    """An OTLP collector in this process: keeps every span the suite's processes send, with its service."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, Any]] = []

    def Export(self, request: Any, context: Any) -> Any:  # noqa: N802 (the RPC's name)
        for resource in request.resource_spans:
            service = next(a.value.string_value for a in resource.resource.attributes if a.key == "service.name")
            for scope in resource.scope_spans:
                self.spans += [(service.removeprefix("tmis-"), span) for span in scope.spans]
        return trace_service_pb2.ExportTraceServiceResponse()


def _request(collector: Collector, request_id: str) -> tuple[Any, list[tuple[str, Any]]]:
    """The gateway's span of one request and every span below it, in any process (by parent, not by trace:
    on a kept-alive connection the gateway's next request span is parented to the one before)."""
    (root,) = [
        span
        for service, span in collector.spans
        if service == "gateway"
        and span.name == "POST /graphql"
        and any(a.key == "tmis.request_id" and a.value.string_value == request_id for a in span.attributes)
    ]
    children: dict[bytes, list[tuple[str, Any]]] = {}
    for service, span in collector.spans:
        children.setdefault(span.parent_span_id, []).append((service, span))
    below, todo = [], [root.span_id]
    while todo:
        for service, span in children.get(todo.pop(), []):
            if span.name != "POST /graphql":
                below.append((service, span))
                todo.append(span.span_id)
    return root, below


def hops(collector: Collector, request_id: str) -> dict[str, float]:
    """Where one upload's time went (ms), from the spans of its request."""
    root, trace = _request(collector, request_id)

    def one(service: str, name: str, kind: int = 0) -> Any:
        found = [s for svc, s in trace if svc == service and s.name.endswith(name) and (not kind or s.kind == kind)]
        return found[0] if found else None

    def ms(start: Any, end: Any = None) -> float:
        """From the start of `start` to the start of `end`, or `start`'s own length; 0 without `start`."""
        if start is None:
            return 0.0
        if end is None:
            return (start.end_time_unix_nano - start.start_time_unix_nano) / 1e6
        return (end.start_time_unix_nano - start.start_time_unix_nano) / 1e6

    def spent(spans: list[Any]) -> float:
        return sum(ms(s) for s in spans)

    client, server = one("gateway", "UploadPhoto", 3), one("media", "UploadPhoto", 2)
    decode, faces, encode = one("media", "photo.decode"), one("media", "photo.faces"), one("media", "photo.encode")
    store, attach_client = one("media", "photo.store"), one("media", "AttachPhoto", 3)
    attach = one("records", "AttachPhoto", 2)
    commands = [(svc, s) for svc, s in trace if s.kind == 3 and not s.name.startswith("/")]
    answered = server.end_time_unix_nano
    in_records = [s for svc, s in commands if svc == "records"]

    def on(*collections: str) -> list[Any]:
        return [s for s in in_records if collection(s) in collections]

    record, marks = on("teachers"), on("history", "school_stats")
    commits = [s for s in in_records if s.name.endswith("commitTransaction")]
    return {
        "gateway: request read, multipart parsed, resolver": ms(root, client),
        "gRPC gateway → media (request)": ms(client, server),
        "media: to a worker thread": ms(server, decode),
        "decode": ms(decode) + ms(one("media", "photo.decode_finer")),
        "faces": ms(faces),
        "crop, resize, encode": ms(encode),
        "report, back to the event loop": (store.start_time_unix_nano - encode.end_time_unix_nano) / 1e6,
        "GridFS writes": ms(store),
        "gRPC media → records (AttachPhoto)": ms(attach_client, attach),
        "AttachPhoto: the record read and updated": spent(record),
        "AttachPhoto: history and summaries": spent(marks),
        "AttachPhoto: commit": spent(commits),
        "AttachPhoto: the rest (authorisation, Python)": ms(attach) - spent(in_records),
        "gRPC records → media (answer)": (attach_client.end_time_unix_nano - attach.end_time_unix_nano) / 1e6,
        "deleting the replaced photo": ms(one("media", "photo.delete_replaced")),
        "media → gateway (answer)": (client.end_time_unix_nano - answered) / 1e6,
        "gateway: payload, JSON": (root.end_time_unix_nano - client.end_time_unix_nano) / 1e6,
        "total in the gateway": ms(root),
        "after the answer: settling (the replaced photo deleted)": ms(one("media", "photo.settle")),
        "database commands before the answer": float(sum(1 for _, s in commands if s.start_time_unix_nano < answered)),
    }


def collection(span: Any) -> str:
    return next((a.value.string_value for a in span.attributes if a.key == "db.mongodb.collection"), "")


def timeline(collector: Collector, request_id: str) -> None:
    root, below = _request(collector, request_id)
    trace = sorted((s.start_time_unix_nano, svc, s) for svc, s in [("gateway", root), *below])
    for start, service, span in trace:
        if span.name.startswith("POST /graphql http"):
            continue
        print(
            f"  {(start - root.start_time_unix_nano) / 1e6:7.1f} ms {(span.end_time_unix_nano - start) / 1e6:6.1f} ms"
            f"  {service:8} {span.name} {collection(span)}"
        )


def report_hops(
    collector: Collector, inputs: dict[str, bytes], uploads: dict[str, list[float]], thumbs: dict[str, list[float]]
) -> None:
    rows = {kind: [hops(collector, f"bench-{kind}-{i}") for i in range(len(uploads[kind]))] for kind in inputs}
    for kind in inputs:
        middle = int(np.argsort(uploads[kind])[len(uploads[kind]) // 2])
        print(f"{kind}: the median upload's trace ({1000 * uploads[kind][middle]:.1f} ms at the client):")
        timeline(collector, f"bench-{kind}-{middle}")
    print(f"| hop (ms, median of {len(uploads['portrait'])} traced uploads) | " + " | ".join(inputs) + " |")
    print("|---|" + "---|" * len(inputs))
    for hop in rows["portrait"][0]:
        print(f"| {hop} | " + " | ".join(f"{np.median([r[hop] for r in rows[kind]]):.1f}" for kind in inputs) + " |")
    print("| upload at the client | " + " | ".join(f"{1000 * np.median(uploads[k]):.1f}" for k in inputs) + " |")
    print("| pyvips's thumbnail | " + " | ".join(f"{1000 * np.median(thumbs[k]):.1f}" for k in inputs) + " |")


def pids_of(data_dir: Path) -> dict[str, int]:
    state = data_dir / "run.json"
    deadline = time.monotonic() + 30
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    found = json.loads(state.read_text())
    return {name: found[name]["pid"] for name in PROCESSES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--hops", action="store_true", help="trace the uploads and print where their time goes")
    args = parser.parse_args()
    inputs = {"portrait": portrait(), "face-less": face_less()}
    collector, extra = Collector(), {}
    if args.hops:
        server = grpc.server(ThreadPoolExecutor(2))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(collector, server)
        port = free_port()
        server.add_insecure_port(f"127.0.0.1:{port}")
        server.start()
        extra = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}", "OTEL_BSP_SCHEDULE_DELAY": "200"}
    with running_suite(ADMIN_PASSWORD, extra) as suite:
        signer = TokenSigner((suite.data_dir / "token_secret").read_text().strip())
        uploads, thumbs, cpu = asyncio.run(
            measure(suite.url, signer.sign(CLERK), inputs, args.rounds, pids_of(suite.data_dir))
        )
        time.sleep(1.0)  # the last spans sent
    if args.hops:
        report_hops(collector, inputs, uploads, thumbs)
        return
    ratios = {}
    for kind in inputs:
        upload_ms, vips_ms = 1000 * float(np.median(uploads[kind])), 1000 * float(np.median(thumbs[kind]))
        ratios[kind] = vips_ms / upload_ms
        spent = ", ".join(f"{name} {1000 * s:.1f}" for name, s in cpu[kind].items())
        print(
            f"{kind:9}: upload {upload_ms:6.1f} ms (median of {args.rounds}), vips {vips_ms:5.1f} ms; "
            f"CPU ms per upload: {spent}"
        )
        print(f"{kind:9}: media {1 / cpu[kind]['media']:.1f} photos/s per core")
    print(f"RATIO photo_upload_portrait_vs_vips {ratios['portrait']:.2f} >= 0.3")
    print(f"RATIO photo_upload_faceless_vs_vips {ratios['face-less']:.2f} >= 0.5")


if __name__ == "__main__":
    main()
