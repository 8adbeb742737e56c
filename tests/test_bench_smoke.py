"""The benchmarks in short runs (a few hundred records, a second a round), so they never rot: each
runs to its RATIO lines (the figures are not checked here; bench/README.md has them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("script", "args", "env", "ratios"),
    [
        (
            "scale.py",
            ["--rounds", "1"],
            {"TMIS_SCALE_TEACHERS": "450", "TMIS_SCALE_IMPORTED_DISTRICTS": "1"},
            [
                "province_page_vs_school_page",
                "province_search_vs_school_search",
                "province_statistics_vs_school_statistics",
                "province_page_imported_vs_school_page",
            ],
        ),
        ("storm.py", ["--seconds", "2"], {"TMIS_STORM_TEACHERS": "120"}, ["page_p95_idle_vs_storm"]),
        (
            "import.py",
            ["--rows", "300", "--rounds", "1"],
            {},
            ["import_vs_insert_many_floor", "import_vs_openpyxl_read", "import_memory_headroom"],
        ),
        ("login.py", ["--seconds", "1"], {}, ["login"]),
        (
            "teachers_page.py",
            ["--seconds", "1", "--rounds", "1", "--imported", "120"],
            {},
            ["teachers_page", "teachers_page_end_to_end"],
        ),
    ],
)
def test_a_benchmark_runs_to_its_ratios(script: str, args: list[str], env: dict[str, str], ratios: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    printed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("RATIO ")]
    assert set(ratios) <= set(printed), done.stdout[-3000:]
