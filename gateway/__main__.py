"""`python -m gateway`: serve the gateway on TMIS_HTTP_HOST:TMIS_HTTP_PORT."""

from __future__ import annotations

import uvicorn

from gateway.app import create_app
from tmis import heap, tracing
from tmis.log import setup_logging
from tmis.settings import settings_or_exit


def main() -> None:
    settings = settings_or_exit("gateway")
    setup_logging("gateway", settings.log_level, settings.log_format)
    tracing.start("gateway", settings)
    app = create_app(settings)
    heap.settle()  # the schema, the registry, the modules: out of the collector's way
    try:
        uvicorn.run(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=5,
        )
    finally:
        tracing.stop()  # exports the spans still batched


if __name__ == "__main__":
    main()
