"""Child processes: a child that ignores SIGTERM is killed after the grace period; a child dies with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tmis.run.procs import free_port, spawn, stop_process

STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
)


def test_stop_falls_back_to_sigkill(tmp_path) -> None:  # noqa: ANN001
    log = tmp_path / "child.log"
    proc = spawn([sys.executable, "-c", STUBBORN], log_file=str(log))
    deadline = time.monotonic() + 10
    while "ready" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    assert stop_process(proc, grace=0.5) == -9
    assert time.monotonic() - started < 5


PARENT = """import sys, threading, time
from tmis.run.procs import spawn
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # a parent with threads, as the suite is
child = spawn([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def test_a_child_dies_with_its_parent() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the child outlived its parent")


def test_free_ports_are_never_source_ports() -> None:
    """A process restarted on its port must find it free: no client reconnecting to it meanwhile
    may have been given it as the source of its connection (a TCP self-connect)."""
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    assert all(free_port() < low for _ in range(50))


def test_free_ports_come_from_the_slice_given(monkeypatch) -> None:  # noqa: ANN001
    """Processes probing at once (the test workers) are given slices that do not overlap."""
    slices = []
    for k in range(3):
        monkeypatch.setenv("TMIS_FREE_PORTS", f"{k}/3")
        slices.append({free_port() for _ in range(50)})
    assert [len(ports) for ports in slices] == [50, 50, 50]
    assert max(slices[0]) < min(slices[1]) and max(slices[1]) < min(slices[2]), slices
