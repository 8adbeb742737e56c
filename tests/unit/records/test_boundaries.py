"""The records service's rooms, read from its source: one access policy, one write path (a manual
save and an import ask the same RecordWrites), an import plan with no I/O, the official version
stated once."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RECORDS = ROOT / "services" / "records"


@functools.cache
def modules() -> dict[str, str]:
    """Every module of the service, storage included, by its path under services/records."""
    return {str(p.relative_to(RECORDS)): p.read_text(encoding="utf-8") for p in sorted(RECORDS.rglob("*.py"))}


def using(pattern: str) -> set[str]:
    return {name for name, text in modules().items() if re.search(pattern, text)}


def imported(name: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(modules()[name])):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_reach_and_roles_are_decided_in_access_only() -> None:
    checks = r"\.reaches\(|caller\.service|teacher_only|\.has_role\(|caller\.roles|caller\.require\(|caller\.org_code"
    assert using(checks) == {"access.py"}
    assert using(r"\.require_reach\(") == set()


def test_the_rules_of_a_write_are_written_once() -> None:
    assert using(r"\bEDITABLE\b") == {"model.py", "writes.py", "storage/teachers.py"}
    assert using(r"def hidden\(|education_levels\(|MAX_ENTRIES_PER_SET =") == {"writes.py", "derived.py"}
    assert using(r"不能重复录入") == {"writes.py"}  # the duplicate-person messages
    assert using(r"审核期间不能修改|请先发起信息变更|刚被他人修改") == {"writes.py"}
    # the validation and the derived fields, called as functions only by RecordWrites (and their own module)
    assert using(r"(?<![.\w])(validate|completeness|derive)\(") == {"writes.py", "validation.py", "derived.py"}


def test_the_import_plan_does_no_io() -> None:
    plan = modules()["import_plan.py"]
    assert "async def" not in plan and "await" not in plan
    assert not {
        m for m in imported("import_plan.py") if m.startswith(("asyncio", "pymongo", "services.records.storage"))
    }
    assert "services.records.import_plan" in imported("importer.py")


def test_the_official_version_is_stated_once() -> None:
    assert using(r"UNDER_CHANGE\b.*=") == {"model.py"}
    assert using(r'"CHANGING", "SUBMITTED", "REJECTED"|\$once_approved') == {"model.py"}
    assert using(r"UNDER_CHANGE\b") == {"model.py", "storage/official.py"}
    assert using(r"UNDER_CHANGE_(FILTER|EXPRESSION)") == {
        "storage/official.py",
        "storage/teachers.py",
        "storage/summaries.py",
    }
