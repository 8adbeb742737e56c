"""The plugin manager factory (no import-time global).

Built-in behaviour registers through the same hooks as province packages; packages are
found through the `tmis.plugins` entry-point group and enabled by TMIS_PLUGINS, a
comma-separated allow-list (`all` enables every installed one).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pluggy

from tmis import hookspecs
from tmis.codes import CodeTable, load_code_tables
from tmis.hookspecs import Finding
from tmis.registry import BASIC, SUB_TABLES, Field, InfoSet, Registry

ENTRY_POINT_GROUP = "tmis.plugins"

__all__ = [
    "PluginLoadError",
    "PluginInfo",
    "make_plugin_manager",
    "plugin_infos",
    "build_registry",
    "code_tables",
    "local_rules",
]
FIELD_KEY = re.compile(r"^[a-z][A-Za-z0-9]{0,40}$")
SET_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,40}$")


class PluginLoadError(RuntimeError):
    """A plugin failed to load or register; the message names it."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    hooks: tuple[str, ...]


def _enabled(allow_list: str) -> tuple[bool, set[str]]:
    names = {n.strip() for n in allow_list.split(",") if n.strip()}
    return "all" in names, names


def make_plugin_manager(allow_list: str = "", builtins: tuple[object, ...] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("tmis")
    pm.add_hookspecs(hookspecs)
    for plugin in builtins:
        pm.register(
            plugin, name=f"tmis.builtin.{getattr(plugin, '__name__', type(plugin).__name__).rsplit('.', 1)[-1]}"
        )
    every, names = _enabled(allow_list)
    found = {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    unknown = names - set(found) - {"all"}
    if unknown:
        raise PluginLoadError(f"TMIS_PLUGINS names plugins that are not installed: {', '.join(sorted(unknown))}")
    for name in sorted(found if every else names):
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
        except Exception as err:
            raise PluginLoadError(f"plugin {name!r} ({found[name].value}) failed to load: {err}") from err
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as err:
        raise PluginLoadError(f"plugin {err.plugin!r}: {err}") from err
    return pm


def plugin_infos(pm: pluggy.PluginManager) -> list[PluginInfo]:
    infos = []
    for name, plugin in pm.list_name_plugin():
        dist = next((d for p, d in pm.list_plugin_distinfo() if p is plugin), None)
        version = dist.version if dist is not None else metadata.version("tmis")
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        infos.append(PluginInfo(name, version, hooks))
    return sorted(infos, key=lambda i: i.name)


def _contributions(pm: pluggy.PluginManager, hook: str) -> list[tuple[str, Any]]:
    """(plugin name, what it returned) of a hook without arguments, failures named."""
    out = []
    for impl in getattr(pm.hook, hook).get_hookimpls():
        try:
            out.append((impl.plugin_name, impl.function()))
        except Exception as err:
            raise PluginLoadError(f"plugin {impl.plugin_name!r}: {hook} failed: {err}") from err
    return out


def _owned(plugin: str, fields: Any, where: str) -> tuple[Field, ...]:
    out = []
    for f in fields or ():
        if not isinstance(f, Field) or not FIELD_KEY.match(f.key):
            raise PluginLoadError(
                f"plugin {plugin!r}: {where}: each field must be a tmis.registry.Field with a camelCase key, got {f!r}"
            )
        out.append(dataclasses.replace(f, plugin=plugin))
    return tuple(out)


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """The national sets, then the sets and fields the enabled plugins add (clashes fail, named)."""
    sets: dict[str, InfoSet] = {s.key: s for s in (BASIC, *SUB_TABLES)}
    for plugin, added in _contributions(pm, "tmis_info_sets"):
        for new in added or ():
            if not isinstance(new, InfoSet) or not SET_KEY.match(new.key) or new.key in sets:
                raise PluginLoadError(
                    f"plugin {plugin!r}: tmis_info_sets: {getattr(new, 'key', new)!r} is not a new UPPER_CASE info set"
                )
            sets[new.key] = dataclasses.replace(new, plugin=plugin, fields=_owned(plugin, new.fields, new.key))
    for plugin, by_set in _contributions(pm, "tmis_fields"):
        for key, fields in (by_set or {}).items():
            if key not in sets:
                raise PluginLoadError(f"plugin {plugin!r}: tmis_fields: no info set {key!r}")
            target = sets[key]
            added = _owned(plugin, fields, key)
            clash = {f.key for f in target.fields} & {f.key for f in added}
            if clash or len({f.key for f in added}) != len(added):
                raise PluginLoadError(
                    f"plugin {plugin!r}: tmis_fields: {key} already has {', '.join(sorted(clash)) or 'a repeated key'}"
                )
            sets[key] = dataclasses.replace(target, fields=target.fields + added)
    return Registry(tuple(sets.values()))


def code_tables(pm: pluggy.PluginManager, overrides: str | Path | None = None) -> dict[str, CodeTable]:
    """The national tables, the deployment's folder (TMIS_CODES_DIR), then the plugins' tables."""
    tables = load_code_tables(overrides)
    for plugin, added in _contributions(pm, "tmis_code_tables"):
        for table in added or ():
            if not isinstance(table, CodeTable):
                raise PluginLoadError(
                    f"plugin {plugin!r}: tmis_code_tables must return tmis.codes.CodeTable objects, got {table!r}"
                )
            tables[table.name] = table
    return tables


def local_rules(pm: pluggy.PluginManager) -> Any:
    """The plugins' data rules as one function (set key, data, school type) -> findings."""

    def rules(set_key: str, data: Mapping[str, Any], school_type: str) -> list[Finding]:
        return [
            f
            for found in pm.hook.tmis_validate(set_key=set_key, data=data, school_type=school_type)
            for f in found or ()
        ]

    return rules
