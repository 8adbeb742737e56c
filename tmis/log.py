"""Logs on stderr, the current request id bound to every line: one readable line per event
(`text`, for a person at the console) or one JSON object per line (`json`, for production).

Routine events (revocation polls, health checks) are DEBUG, so an idle suite prints nothing."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
import uuid

__all__ = ["request_id", "new_request_id", "setup_logging"]

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def __init__(self, process_name: str) -> None:
        super().__init__()
        self.process_name = process_name

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "proc": self.process_name,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        extra = getattr(record, "fields", None)
        if extra:
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`20:22:58.008 gateway  INFO    GET /graphql 200  [request id]`, local time."""

    def __init__(self, process_name: str) -> None:
        super().__init__()
        self.process_name = process_name

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}"
        line = f"{stamp} {self.process_name:<10} {record.levelname:<7} {record.getMessage()}"
        rid = request_id.get()
        if rid:
            line += f"  [{rid}]"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


FORMATTERS: dict[str, type[logging.Formatter]] = {"text": TextFormatter, "json": JsonFormatter}


def setup_logging(process_name: str, level: str = "INFO", fmt: str = "json") -> None:
    """Logs of this process to stderr, in `fmt` ("text" or "json", TMIS_LOG_FORMAT)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FORMATTERS[fmt](process_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
