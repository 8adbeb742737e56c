"""A small run of bench/transfer.py: the benchmark itself works end to end (a few records through
the chain, then transferred with accept and both approvals) and prints its ratio line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_transfer_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "transfer.py"), "--teachers", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^RATIO transfer_vs_approval \d+\.\d\d >= 0\.5$", done.stdout, re.MULTILINE), done.stdout
