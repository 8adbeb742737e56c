"""The review tests run on a suite whose reconciler looks often."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tmis.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The reconciler looks often, so a test sees a half-done transition finished; it takes a state as
    half-done after 2 s (a live approval on a loaded machine can take longer than 0.5 s, and its final
    steps would then run twice: allowed, they are idempotent, but not what the hook tests count)."""
    return replace(settings, raw={**settings.raw, "TMIS_REVIEW_RECONCILE_MS": "200", "TMIS_REVIEW_RETRY_MS": "2000"})
