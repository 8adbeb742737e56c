"""Every TMIS hook, in one module. Each docstring is the hook's documentation.

Hook names carry the `tmis_` prefix. pluggy is synchronous: a hook that needs I/O returns
an awaitable and the caller awaits it; no async hook is `firstresult`.
"""
from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("tmis")
hookimpl = pluggy.HookimplMarker("tmis")

__all__ = ["hookspec", "hookimpl", "tmis_photo_standard"]


@hookspec(firstresult=True)
def tmis_photo_standard(standard: dict[str, Any]) -> dict[str, Any] | None:
    """Override the photo standard of this deployment.

    :param standard: the configured standard: ``width_cm``, ``height_cm``, ``dpi``,
        ``max_bytes``, ``formats`` (list of accepted input formats), ``min_width_px`` and
        ``min_height_px`` (smallest accepted crop of the source; 0 = the output size),
        ``max_source_pixels`` (larger images are refused before decoding).
    :return: a complete replacement dict with the same keys, or ``None`` to keep it.
        The first plugin that answers wins.

    Example (a province that wants 26 × 32 mm at 300 dpi)::

        @hookimpl
        def tmis_photo_standard(standard):
            return {**standard, "width_cm": 2.6, "height_cm": 3.2, "dpi": 300}
    """
