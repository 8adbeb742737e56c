"""The plugin manager factory (no import-time global).

Built-in behaviour registers through the same hooks as province packages; packages are
found through the `tmis.plugins` entry-point group and enabled by TMIS_PLUGINS, a
comma-separated allow-list (`all` enables every installed one).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

import pluggy

from tmis import hookspecs

ENTRY_POINT_GROUP = "tmis.plugins"

__all__ = ["PluginLoadError", "PluginInfo", "make_plugin_manager", "plugin_infos"]


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
        pm.register(plugin, name=f"tmis.builtin.{getattr(plugin, '__name__', type(plugin).__name__).rsplit('.', 1)[-1]}")
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
