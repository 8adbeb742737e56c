"""The suite with the example province plugin (plugins/tmis-gansu, installed by make) enabled."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.suite import Suite
from tmis.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, plugins="gansu")


@pytest.fixture
def suite(fresh_suite: Suite) -> Suite:
    """A suite of the tests' own: the plugin is enabled in its settings."""
    return fresh_suite
