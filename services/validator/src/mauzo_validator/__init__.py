"""Mauzo validator service."""

import os

# Polars' allocator hands freed memory back to the OS almost at once, so every batch faulted in
# and zeroed the same pages again: a tenth of the validator's CPU, half of it in the kernel.
# Keeping freed pages for 5 s cost about 50 MB more peak RSS on a 500 MB file. jemalloc reads
# this when Polars loads, hence here: importing any module of the service runs this first. A
# value already in the environment wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:5000")
