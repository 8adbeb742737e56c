"""The cyclic garbage collector of a long-running process (the gateway, each service).

What a process builds to start (modules, the GraphQL schema, the field registry, code tables,
protobuf descriptors: ~85,000 objects in the gateway) lives as long as the process. Python's
collector still scans all of it in every full collection, and a request's own objects, alive
while it runs, are promoted quickly enough to start one every few requests: in the gateway a
full collection took ~40 ms and came every ~7 pages of 50 teachers, 5.7 ms a page of its ~26
(bench/README.md, "The teacher list"). `settle` moves what is alive at startup out of the
collector's reach once (`gc.freeze`), so a collection scans only what requests left behind.
Reference counting still frees a frozen object no longer used; only a reference cycle among
frozen objects would stay, and what a process builds to start is never dropped.

Called by the processes' entry points only (`python -m gateway`, `run_service`), never by
`create_app` or `build_server`, which the tests call in their own process. Each process's metrics
show how many objects it froze (`tmis_gc_frozen_objects`: 0 when it did not).
"""

from __future__ import annotations

import gc

from prometheus_client import CollectorRegistry, Gauge

__all__ = ["frozen_gauge", "settle"]


def settle() -> int:
    """Collects once, then freezes every object alive now; the number frozen (so far, in all)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def frozen_gauge(registry: CollectorRegistry) -> Gauge:
    """`tmis_gc_frozen_objects` in `registry`, read when scraped."""
    gauge = Gauge(
        "tmis_gc_frozen_objects", "Objects moved out of the garbage collector's scans at startup", registry=registry
    )
    gauge.set_function(gc.get_freeze_count)
    return gauge
