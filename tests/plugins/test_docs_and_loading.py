"""Every hook documented with its exact signature; broken plugins stop start-up, named."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tmis import hookspecs
from tmis.hookspecs import hookimpl
from tmis.plugins import PluginLoadError, build_registry, make_plugin_manager
from tmis.registry import Field

ROOT = Path(__file__).resolve().parents[2]


def signature(name: str) -> str:
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"def {name}({params}) -> {sig.return_annotation}"


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [n for n in dir(hookspecs) if n.startswith("tmis_") and hasattr(getattr(hookspecs, n), "tmis_spec")]
    assert len(hooks) >= 12 and set(hooks) <= set(hookspecs.__all__)
    undocumented = [signature(n) for n in hooks if signature(n) not in docs]
    assert undocumented == [], "document these in docs/plugins.md:\n" + "\n".join(undocumented)
    assert all(getattr(hookspecs, n).__doc__ for n in hooks)


def test_a_plugin_that_fails_to_import_stops_start_up_naming_it(tmp_path: Path) -> None:
    (tmp_path / "broken_province.py").write_text("raise RuntimeError('bad province code')\n")
    dist = tmp_path / "broken_province-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-province\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[tmis.plugins]\nbroken = broken_province\n")
    script = textwrap.dedent("""
        from tmis.plugins import make_plugin_manager
        make_plugin_manager("broken")
    """)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "plugin 'broken' (broken_province) failed to load: bad province code" in done.stderr


class Clashing:
    __name__ = "clashing"

    @hookimpl
    def tmis_fields(self) -> dict:
        return {"BASIC": [Field("name", "姓名", "text")]}


class NoSuchSet:
    __name__ = "no_such_set"

    @hookimpl
    def tmis_fields(self) -> dict:
        return {"NOPE": [Field("xxThing", "某项", "text")]}


@pytest.mark.parametrize(
    ("plugin", "message"),
    [(Clashing(), "'tmis.builtin.clashing'.*BASIC already has name"), (NoSuchSet(), "no info set 'NOPE'")],
)
def test_a_field_that_clashes_or_has_no_set_stops_start_up(plugin: object, message: str) -> None:
    with pytest.raises(PluginLoadError, match=message):
        build_registry(make_plugin_manager(builtins=(plugin,)))
