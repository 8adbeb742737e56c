"""The console: one readable line per event in development, one JSON object per line in production."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tmis import log
from tmis.log import setup_logging


def test_one_line_per_event_in_either_format(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        for fmt in ("text", "json"):
            setup_logging("records", "INFO", fmt)
            bound = log.request_id.set("abc123")
            logging.getLogger("tmis.test").info("saved %s", "x", extra={"fields": {"ms": 1.5}})
            logging.getLogger("tmis.test").debug("a routine poll")
            log.request_id.reset(bound)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    text, line = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3} records +INFO +saved x  \[abc123\]", text), text
    entry = json.loads(line)
    assert {k: entry[k] for k in ("level", "proc", "msg", "request_id", "ms")} == {
        "level": "INFO",
        "proc": "records",
        "msg": "saved x",
        "request_id": "abc123",
        "ms": 1.5,
    }
