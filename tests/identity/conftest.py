"""The identity tests run on suites of their own: they use fixed org codes and usernames (`tree`),
and log the admin in, lock and change accounts."""

from __future__ import annotations

import pytest

from tests.support.suite import Suite


@pytest.fixture
def suite(fresh_suite: Suite) -> Suite:
    return fresh_suite
