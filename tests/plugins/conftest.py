"""The suite with the example province plugin (plugins/tmis-gansu, installed by make) enabled."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tmis.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, plugins="gansu")
