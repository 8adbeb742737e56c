"""Child processes: a child that ignores SIGTERM is killed after the grace period."""

from __future__ import annotations

import sys
import time

from tmis.run.procs import spawn, stop_process

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
