"""National code tables (代码表), loaded from data files, never retyped.

`data/` holds the tables exactly as researched in the project's domain spec (one JSON file a
table, with sources and gaps in data/README.md); `extra/` the tables the spec names but does not
hold (each file says where it comes from and how complete it is). A deployment overrides or adds
tables with files of the same shape in TMIS_CODES_DIR; a table named like a national one
replaces it.
Entries whose code is unknown (`"code": null`: the name is attested, the code is not) cannot be
chosen and are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")
EXTRA_DIR = Path(__file__).with_name("extra")

__all__ = ["Code", "CodeTable", "CodeTableError", "load_code_tables"]


class CodeTableError(ValueError):
    """A code table file is malformed; the message names the file."""


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    parent: str | None = None
    # further facts of an entry, e.g. is_full_time_teacher on 教职工类别
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CodeTable:
    name: str
    label: str
    entries: tuple[Code, ...]
    # codes that cannot be combined with others in a multi-select (e.g. 政治面貌 12, 13)
    exclusive: frozenset[str] = frozenset()
    # the list is known to be incomplete
    partial: bool = False

    def get(self, code: str) -> Code | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Code]:
        return {e.code: e for e in self.entries}

    @cached_property
    def by_name(self) -> dict[str, list[Code]]:
        """Entries by name (a name may be shared, e.g. under different parents)."""
        found: dict[str, list[Code]] = {}
        for e in self.entries:
            found.setdefault(e.name, []).append(e)
        return found


def _table(raw: Any, source: str) -> CodeTable:
    try:
        entries = tuple(
            Code(
                str(e["code"]),
                str(e["name"]),
                None if e.get("parent") is None else str(e["parent"]),
                {k: v for k, v in e.items() if k not in ("code", "name", "parent")},
            )
            for e in raw["entries"]
            if e.get("code") is not None
        )
        table = CodeTable(
            str(raw["name"]),
            str(raw.get("label") or raw["name"]),
            entries,
            frozenset(map(str, raw.get("exclusive") or ())),
            bool(raw.get("partial")),
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise CodeTableError(
            f"{source}: not a code table ({err!r}); expected name, label and entries of code/name/parent"
        ) from None
    return table


def _read(files: Iterable[Path]) -> dict[str, CodeTable]:
    tables = {}
    for path in sorted(files):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise CodeTableError(f"{path}: cannot read a JSON code table: {err}") from None
        table = _table(raw, str(path))
        tables[table.name] = table
    return tables


def load_code_tables(overrides: str | Path | None = None) -> dict[str, CodeTable]:
    """The national tables, then the deployment's overrides (TMIS_CODES_DIR) on top."""
    tables = _read([*DATA_DIR.glob("*.json"), *EXTRA_DIR.glob("*.json")])
    if overrides:
        folder = Path(overrides)
        if not folder.is_dir():
            raise CodeTableError(f"TMIS_CODES_DIR {folder} is not a directory")
        tables.update(_read(folder.glob("*.json")))
    return tables
