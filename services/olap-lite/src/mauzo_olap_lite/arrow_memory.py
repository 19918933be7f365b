"""Which allocator Arrow's buffers come from in olap-lite: jemalloc, not pyarrow's mimalloc.

A stream's micro-batches are read into Arrow tables (supervisors/columns.py) a few times a
second. With mimalloc as pyarrow configures it, the memory of one batch was given back to the
system and the next batch's faulted in again as fresh huge pages the kernel had to zero: 13% of
olap-lite's CPU while streaming (`perf`: clear_page under mi_page_free_list_extend), and 0.90 s
against 0.74 s of CPU per 200 000 streamed rows with jemalloc (bench/stream/run.py). Arrow
names jemalloc as its pool on Linux; a build without it keeps the default.
"""

from __future__ import annotations

import pyarrow as pa
import structlog

log = structlog.get_logger(__name__)


def use_jemalloc() -> str:
    """Make jemalloc Arrow's default pool, where this build of pyarrow has it; the pool's name."""
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # pyarrow's ArrowNotImplementedError is one
        log.info("arrow_jemalloc_unavailable", pool=pa.default_memory_pool().backend_name)
    name: str = pa.default_memory_pool().backend_name
    return name
