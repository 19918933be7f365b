"""Input formats (`ioConfig.inputFormat`): each turns local files into a DuckDB relation.

DuckDB reads the files directly (read_parquet / read_csv / read_ndjson_objects), so ingestion is
set-based SQL, never row-by-row Python. Compressed inputs are detected by extension:
.gz and .zst read directly, .bz2 / .xz / .zip decompressed first (inputs/compression.py).
"""
