"""The gateway's printed schema: committed, and never in conflict with the public contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes

from gateway.schema import build_schema as gateway_schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "contract"
# the contract: the first collection, and the records after it (lifecycle.graphql extends it)
PARTS = ("schema.graphql", "lifecycle.graphql")


def test_printed_schema_is_committed() -> None:
    printed = gateway_schema().as_str() + "\n"
    assert (ROOT / "gateway" / "schema.graphql").read_text(encoding="utf-8") == printed, (
        "run: python -m gateway.print_schema > gateway/schema.graphql"
    )


@pytest.mark.skipif(not (CONTRACT / "check.py").exists(), reason="the public contract is not beside this checkout")
def test_the_whole_contract_is_offered(tmp_path: Path) -> None:
    """schema.graphql and its extension lifecycle.graphql (日常维护), read together; what is
    still missing is listed in the failure, one break a line."""
    printed = tmp_path / "schema.graphql"
    printed.write_text(gateway_schema().as_str(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(CONTRACT / "check.py"), str(printed), *(str(CONTRACT / p) for p in PARTS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "0 contract breaks against schema.graphql + lifecycle.graphql" in run.stdout, run.stdout + run.stderr
    contract = "\n".join((CONTRACT / p).read_text(encoding="utf-8") for p in PARTS)
    breaks = find_breaking_changes(build_schema(contract), build_schema(printed.read_text(encoding="utf-8")))
    assert [b.description for b in breaks] == []
