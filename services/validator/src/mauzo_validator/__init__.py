"""Mauzo validator service."""

import os

# Polars' allocator hands freed memory back to the OS within a second, so every batch and every
# file faulted in and zeroed the same pages again: about 100 000 page faults and a tenth of the
# validator's CPU per 1M-row file. Here freed pages turn "muzzy" (MADV_FREE) after 1 s and jemalloc
# never unmaps them itself: the kernel takes them back whenever it needs memory, and until then
# reusing them costs no fault. jemalloc reads this when Polars loads, hence here: importing any
# module of the service runs this first. A value already in the environment wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:-1")
