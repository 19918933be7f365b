"""The Overview scale benchmark (bench/query/scale.py) runs end to end at small sizes, so the
script the 10M-100M figures come from stays working: real olap-lite and query-api processes,
a real load, and every figure present and plausible."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "bench" / "query" / "scale.py"


def test_scale_bench_measures_each_size(tmp_path: Path) -> None:
    sizes = ["--rows", "10000", "30000", "--iterations", "3"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *sizes, "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    start = done.stdout.rindex("\n[")
    results = json.loads(done.stdout[start:])
    assert [r["rows"] for r in results] == [10_000, 30_000]
    for r in results:
        assert 0 < r["p50_ms"] <= r["p95_ms"] < 10_000
        assert r["ingest_seconds"] > 0
        assert r["disk_bytes"] > 0
        assert 0 < r["rss_mb"] <= r["peak_rss_mb"]
        assert r["ratio_p50"] > 0
    assert results[1]["disk_bytes"] > results[0]["disk_bytes"]
