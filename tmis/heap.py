"""The heap of a long-running process (the gateway, each service): its cyclic garbage collector
and its allocator.

What a process builds to start (modules, the GraphQL schema, the field registry, code tables,
protobuf descriptors: ~85,000 objects in the gateway) lives as long as the process. Python's
collector still scans all of it in every full collection, and a request's own objects, alive
while it runs, are promoted quickly enough to start one every few requests: in the gateway a
full collection took ~40 ms and came every ~7 pages of 50 teachers, 5.7 ms a page of its ~26
(bench/README.md, "The teacher list"). `settle` moves what is alive at startup out of the
collector's reach once (`gc.freeze`), so a collection scans only what requests left behind.
Reference counting still frees a frozen object no longer used; only a reference cycle among
frozen objects would stay, and what a process builds to start is never dropped.

It also raises the youngest generation's threshold from Python's 700 to `YOUNG`: a page of 50
teachers has ~10,000 objects alive at its peak, all freed by reference counting when it ends, so
at 700 the collector ran ~15 times a page over objects about to be freed anyway (1.8-2.2 ms a page
of the gateway's CPU); at 20,000 it runs about once in 30 pages (0.1 ms a page). What it still
finds (reference cycles) waits a little longer: at most 20,000 container objects, a few MB.

And it asks glibc's allocator to keep what large requests free (`keep_freed_memory`). By default
a block over ~128 KB is mapped afresh from the kernel and given back when freed, and glibc's own
raise of that bound stops short of what a photo's bytes need: every copy of a 4.4 MB upload (the
HTTP body, the multipart part, its protobuf field, the gRPC message; then in media the message and
its decode) touched ~1,100 new pages, each a page fault: five copies cost 9 ms of CPU, 0.5 ms with
the memory kept (bench/README.md, "The pages an upload touches"). Blocks up to `BIG` now come from the
heap, and up to twice that stays there when freed; a larger one (a 64 MB workbook) is still mapped
and given back at once.

Called by the processes' entry points only (`python -m gateway`, `run_service`), never by
`create_app` or `build_server`, which the tests call in their own process. Each process's metrics
show how many objects it froze (`tmis_gc_frozen_objects`: 0 when it did not) and the youngest
generation's threshold (`tmis_gc_young_threshold`).
"""

from __future__ import annotations

import ctypes
import gc

from prometheus_client import CollectorRegistry, Gauge

__all__ = ["BIG", "YOUNG", "gc_gauges", "keep_freed_memory", "settle"]

YOUNG = 20_000  # the youngest generation's threshold (Python's: 700)
BIG = 32 * 1024 * 1024  # blocks up to this size come from the heap (glibc's M_MMAP_THRESHOLD)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)


def settle() -> int:
    """Collects once, then freezes every object alive now, and sets the thresholds; the number
    frozen (so far, in all)."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG, older, oldest)
    keep_freed_memory()
    return gc.get_freeze_count()


def keep_freed_memory() -> bool:
    """Large blocks from the heap and kept there once freed, up to 2 x `BIG` (see the module's
    docstring); False where the C library is not glibc (nothing changed)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, BIG)) and bool(mallopt(_M_TRIM_THRESHOLD, 2 * BIG))


def gc_gauges(registry: CollectorRegistry) -> None:
    """`tmis_gc_frozen_objects` and `tmis_gc_young_threshold` in `registry`, read when scraped."""
    young = Gauge(
        "tmis_gc_young_threshold", "The garbage collector's threshold for its youngest generation", registry=registry
    )
    young.set_function(lambda: gc.get_threshold()[0])
    frozen = Gauge(
        "tmis_gc_frozen_objects", "Objects moved out of the garbage collector's scans at startup", registry=registry
    )
    frozen.set_function(gc.get_freeze_count)
