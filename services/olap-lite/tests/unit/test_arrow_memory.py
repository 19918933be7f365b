"""olap-lite's micro-batches are read into memory from jemalloc, Arrow's pool on Linux."""

from __future__ import annotations

import pyarrow as pa

from mauzo_olap_lite import arrow_memory
from mauzo_olap_lite.supervisors import columns


def test_a_micro_batch_read_after_choosing_the_pool_lives_in_jemalloc() -> None:
    before = pa.default_memory_pool()
    try:
        assert arrow_memory.use_jemalloc() == "jemalloc"  # the pyarrow wheels carry it
        jemalloc = pa.jemalloc_memory_pool()
        held = jemalloc.bytes_allocated()
        lines = [b'{"branch": "Mombasa", "amount": %d}' % i for i in range(50_000)]
        table = columns.read([b"\n".join(lines)])
        assert table is not None
        assert table.num_rows == 50_000
        assert jemalloc.bytes_allocated() - held >= table.nbytes
    finally:
        pa.set_memory_pool(before)
