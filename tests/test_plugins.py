"""The plugin manager factory: built-ins, the allow-list, loud failures."""

from __future__ import annotations

import pytest

from services.media import standard
from tmis.hookspecs import hookimpl
from tmis.plugins import PluginLoadError, make_plugin_manager, plugin_infos


class ProvincePhoto:
    __name__ = "province_photo"

    @hookimpl
    def tmis_photo_standard(self, standard: dict) -> dict:
        return {**standard, "width_cm": 2.6, "height_cm": 3.2, "dpi": 150}


class Misspelt:
    @hookimpl
    def tmis_photo_standrad(self, standard: dict) -> dict:
        return standard


def test_a_plugin_overrides_the_photo_standard() -> None:
    assert standard.resolve(make_plugin_manager()).width_px == 197
    pm = make_plugin_manager(builtins=(ProvincePhoto(),))
    photo = standard.resolve(pm)
    assert (photo.width_px, photo.height_px, photo.dpi) == (154, 189, 150)
    assert [(i.name, i.hooks) for i in plugin_infos(pm)] == [("tmis.builtin.province_photo", ("tmis_photo_standard",))]


def test_a_misspelt_hook_fails_at_start() -> None:
    with pytest.raises(PluginLoadError, match="tmis_photo_standrad"):
        make_plugin_manager(builtins=(Misspelt(),))


def test_an_unknown_plugin_name_fails_at_start() -> None:
    with pytest.raises(PluginLoadError, match="no_such_province"):
        make_plugin_manager("no_such_province")
    assert [name for name, _ in make_plugin_manager("all").list_name_plugin()] == ["gansu"]  # every installed one
