"""The gateway's printed schema: committed, and never in conflict with the public contract."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import BreakingChangeType, build_schema, find_breaking_changes

from gateway.schema import build_schema as gateway_schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "contract"
# Until every issue has landed, parts of the contract are still missing; nothing offered may differ.
NOT_YET = {BreakingChangeType.TYPE_REMOVED, BreakingChangeType.FIELD_REMOVED, BreakingChangeType.VALUE_REMOVED_FROM_ENUM}


def test_printed_schema_is_committed() -> None:
    printed = gateway_schema().as_str() + "\n"
    assert (ROOT / "gateway" / "schema.graphql").read_text(encoding="utf-8") == printed, "run: python -m gateway.print_schema > gateway/schema.graphql"


def test_contract_check_runs_and_nothing_offered_conflicts(tmp_path: Path) -> None:
    printed = tmp_path / "schema.graphql"
    printed.write_text(gateway_schema().as_str(), encoding="utf-8")
    run = subprocess.run([sys.executable, str(CONTRACT / "check.py"), str(printed)], capture_output=True, text=True, check=False)
    assert "contract breaks against schema.graphql" in run.stdout, run.stderr
    breaks = find_breaking_changes(build_schema((CONTRACT / "schema.graphql").read_text(encoding="utf-8")), build_schema(printed.read_text(encoding="utf-8")))
    conflicts = [b.description for b in breaks if b.type not in NOT_YET]
    assert conflicts == []
    offered = {"health", "me", "org", "login", "createOrg", "plugins"}
    assert not [b.description for b in breaks if any(f"Query.{f} " in b.description or f"Mutation.{f} " in b.description for f in offered)]
