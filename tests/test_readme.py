"""The README stays true: every TMIS_* variable the code reads is in its configuration table,
and it links only to files inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from services.identity.config import IdentityConfig

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SOURCES = ("gateway", "services", "tmis", "plugins")
SERVICES = ("identity", "records", "review", "media")
NAME = re.compile(r"TMIS_[A-Z0-9_]*[A-Z0-9]\b")


def read_in_code() -> set[str]:
    """Every TMIS_* name spelt out in the sources, and those built from identity's settings."""
    found = {n for d in SOURCES for p in (ROOT / d).rglob("*.py") for n in NAME.findall(p.read_text("utf-8"))}
    found |= {f"TMIS_IDENTITY_{name.upper()}" for name in IdentityConfig.__dataclass_fields__}
    return found


def configuration_table() -> list[str]:
    """The rows of the table under `## Configuration`, up to the next heading."""
    section = README.read_text("utf-8").split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def documented() -> set[str]:
    names: set[str] = set()
    for row in configuration_table()[2:]:
        for name in re.findall(r"`([^`]+)`", row.split("|")[1]):
            names |= {name.replace("<SERVICE>", s.upper()) for s in SERVICES} if "<SERVICE>" in name else {name}
    return names


def test_the_configuration_table_is_one_table_to_its_end() -> None:
    section = README.read_text("utf-8").split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows == configuration_table(), "a blank line splits the configuration table"


def test_every_variable_read_in_the_code_is_in_the_configuration_table() -> None:
    missing = sorted(read_in_code() - documented())
    assert not missing, f"add them to the README's configuration table: {missing}"


def test_the_readme_links_only_to_files_in_the_repository() -> None:
    text = README.read_text("utf-8")
    assert "../" not in text
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if not re.match(r"[a-z]+://", target):
            assert (ROOT / target).exists(), target
