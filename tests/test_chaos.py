"""A short fixed-seed run of bench/chaos.py: a workload through the API while every process, the
database included, is SIGKILLed in turn; then nothing acknowledged is lost, nothing is stuck, and
the suite is ready again by itself (bench/chaos.py says what it checks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_short_chaos_run_loses_nothing_and_heals() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "chaos.py"),
            "--seconds",
            "16",
            "--seed",
            "7",
            "--kill-every",
            "2.5",
            "--teachers",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-3000:]
    assert "RATIO chaos_acknowledged_kept 1.00 >= 1" in done.stdout, done.stdout
    assert "RATIO chaos_invariants_held 1.00 >= 1" in done.stdout, done.stdout
