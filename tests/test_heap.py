"""The gateway and the services, started through their entry points as the supervisor starts them,
freeze what they built to start out of the garbage collector's scans (tmis/heap.py), and their
metrics say how many objects they froze; a settled process keeps the memory of the large blocks it
frees."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.polling import wait_for
from tmis.heap import YOUNG
from tmis.run.procs import free_port

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60.0
SETTLE_SECONDS = 10.0  # a service serves its metrics as its server starts, and freezes right after


def gc_samples(url: str) -> dict[str, float] | None:
    """The samples at a metrics URL; None while it does not answer."""
    try:
        text = httpx.get(url, timeout=2).text
    except httpx.HTTPError:
        return None
    return {s.name: s.value for family in text_string_to_metric_families(text) for s in family.samples}


def frozen(url: str) -> float | None:
    """`tmis_gc_frozen_objects` at a metrics URL; None while it does not answer."""
    samples = gc_samples(url)
    return None if samples is None else samples.get("tmis_gc_frozen_objects", 0.0)


@contextmanager
def process(module: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", module], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(30)


def wait_frozen(proc: subprocess.Popen[bytes], url: str, log: Path) -> float:
    """The count once the process has frozen its objects (fails when it answers and has not after a while)."""

    def seen() -> float | None:
        assert proc.poll() is None, log.read_text()
        return frozen(url)

    wait_for(lambda: seen() is not None, f"{url} to answer", timeout=START_SECONDS, every=0.3)
    return wait_for(seen, f"{url} to count frozen objects", timeout=SETTLE_SECONDS, every=0.3)


def test_the_gateway_and_a_service_freeze_what_they_built_to_start(mongo_uri: str, tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("review", "review_metrics", "http", "nobody")}
    nobody = f"127.0.0.1:{ports['nobody']}"  # the other services: not running, not needed to start
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMIS_")} | {
        "TMIS_MONGODB_URI": mongo_uri,
        "TMIS_TOKEN_SECRET": "heap-test-secret-" + "x" * 32,
        "TMIS_REVIEW_DB": f"test_heap_{uuid.uuid4().hex[:8]}",
        "TMIS_REVIEW_PORT": str(ports["review"]),
        "TMIS_REVIEW_METRICS_PORT": str(ports["review_metrics"]),
        "TMIS_HTTP_PORT": str(ports["http"]),
        "TMIS_LOG_LEVEL": "WARNING",
        "TMIS_IDENTITY_ADDR": nobody,
        "TMIS_RECORDS_ADDR": nobody,
        "TMIS_MEDIA_ADDR": nobody,
        "TMIS_REVIEW_ADDR": f"127.0.0.1:{ports['review']}",
    }
    with (
        process("services.review", env, tmp_path / "review.log") as review,
        process("gateway", env, tmp_path / "gateway.log") as gateway,
    ):
        service = wait_frozen(review, f"http://127.0.0.1:{ports['review_metrics']}/metrics", tmp_path / "review.log")
        front = wait_frozen(gateway, f"http://127.0.0.1:{ports['http']}/metrics", tmp_path / "gateway.log")
        urls = (f"http://127.0.0.1:{ports['review_metrics']}/metrics", f"http://127.0.0.1:{ports['http']}/metrics")
        young = [(gc_samples(url) or {}).get("tmis_gc_young_threshold") for url in urls]
    # the modules, the schema, the registry, the code tables: tens of thousands of objects each
    assert service > 10_000
    assert front > 10_000
    assert young == [YOUNG, YOUNG]  # not Python's 700: a request's objects are freed by reference counting


# A photo's bytes copied again and again, as an upload's are on its way through the gateway and media;
# prints the minor page faults of the last 20 copies.
COPIES = """
import os, resource, sys
from tmis import heap
if sys.argv[1] == "settled":
    heap.settle()
photo = os.urandom(4_400_000)
for _ in range(5):
    bytes(bytearray(photo))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    bytes(bytearray(photo))
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", COPIES, mode], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="not glibc: its allocator is left as it is")
def test_a_settled_process_copies_a_photo_without_touching_new_pages() -> None:
    """40 copies of 4.4 MB: each a fresh mapping of ~1,100 pages with glibc's defaults, none once settled."""
    assert page_faults("default") > 20 * 2 * 1_000  # the check's own control
    assert page_faults("settled") < 100
