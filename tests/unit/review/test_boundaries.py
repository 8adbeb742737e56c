"""The review service's rooms, read from its source: one owner of the review state, one access
policy, the chain and the movements independent of each other, nothing written twice."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REVIEW = ROOT / "services" / "review"


def source(name: str) -> str:
    return (REVIEW / name).read_text(encoding="utf-8")


@functools.cache
def modules() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(REVIEW.glob("*.py"))}


@functools.cache
def trees() -> dict[str, ast.Module]:
    return {name: ast.parse(text) for name, text in modules().items()}


def imported(text: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def using(pattern: str) -> set[str]:
    return {name for name, text in modules().items() if re.search(pattern, text)}


def test_the_chain_and_the_movements_do_not_import_each_other() -> None:
    assert "services.review.movements" not in imported(source("workflow.py"))
    assert "services.review.workflow" not in imported(source("movements.py"))


def test_the_state_has_one_owner() -> None:
    # records' SetReviewStatus: called by one adapter method, which only the owner is given
    assert using(r"SetReviewStatus") == {"adapters.py"}
    assert using(r"\.set_status\(") == {"states.py"}
    # the state's writes
    assert using(r"\.(undo_submit|mark_synced|mark_followups)\(") == {"states.py"}
    assert using(r"store\.transition\(") == {"states.py"}
    assert using(r"from services\.review\.storage import") == {"server.py"}


def test_reach_is_decided_in_access_only() -> None:
    assert using(r"\.reaches\(|caller\.service|teacher_only|org_code (==|!=)|(==|!=) caller\.org_code") == {"access.py"}


def test_a_state_change_is_a_transition_and_move_means_a_transfer() -> None:
    """`move` is 调动 in this domain: only the record's move to another school bears the name."""
    movers = {
        (name, node.name)
        for name, tree in trees().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "move" in node.name.lower().split("_")
    }
    assert movers == {("ports.py", "move"), ("adapters.py", "move")}


def test_helpers_are_written_once() -> None:
    for name in ("MAX_BATCH", "MAX_COMMENT", "CHINA"):
        assert using(rf"(?m)^{name} = ") == {"_common.py"}, name
    assert using(r"(?m)^def (_now|now)\(") == {"_common.py"}
    assert using(r"def _pending_at_caller|async def pending_at_caller") == {"_common.py"}
    copies = [
        p.relative_to(ROOT)
        for folder in ("gateway", "services", "tmis")
        for p in (ROOT / folder).rglob("*.py")
        if re.search(r"(?m)^OPEN_MOVEMENT = ", p.read_text(encoding="utf-8"))
    ]
    assert [str(p) for p in copies] == ["tmis/movements.py"]


def test_no_function_of_review_is_longer_than_100_lines() -> None:
    long = [
        (name, node.name, node.end_lineno - node.lineno + 1)
        for name, tree in trees().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno >= 100
    ]
    assert long == []
