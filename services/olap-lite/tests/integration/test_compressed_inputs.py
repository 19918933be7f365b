"""Compressed inputs by extension: .bz2, .xz and .zip (first entry) like .gz, with any format."""

from __future__ import annotations

import bz2
import lzma
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CSV = b"ts,k\n2024-01-01,a\n2024-01-02,b\n"


def _zip(path: Path, data: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner/d.csv", data)


def _write_with(compress: Callable[[bytes], bytes]) -> Callable[[Path, bytes], None]:
    return lambda path, data: path.write_bytes(compress(data))


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        (".bz2", _write_with(bz2.compress)),
        (".xz", _write_with(lzma.compress)),
        (".zip", _zip),
    ],
)
def test_compressed_csv_by_extension(
    druid: Any,
    make_spec: Any,
    tmp_path: Path,
    unique_name: str,
    suffix: str,
    write: Callable[[Path, bytes], None],
) -> None:
    path = tmp_path / f"d.csv{suffix}"
    write(path, CSV)
    body = make_spec(
        unique_name,
        {"type": "local", "baseDir": str(tmp_path), "filter": f"*{suffix}"},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "ts", "format": "auto"},
        dimensions=["k"],
        tuning={"maxParseExceptions": 0},
    )
    status = druid.run(body)
    assert status["statusCode"] == "SUCCESS", status
    assert druid.sql(f'SELECT k FROM "{unique_name}" ORDER BY k') == [{"k": "a"}, {"k": "b"}]


def test_xz_json_lines(druid: Any, make_spec: Any, tmp_path: Path, unique_name: str) -> None:
    path = tmp_path / "d.json.xz"
    path.write_bytes(lzma.compress(b'{"ts":"2024-01-01","k":"x"}\n'))
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "json"},
        timestamp={"column": "ts", "format": "auto"},
        dimensions=["k"],
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"
    assert druid.sql(f'SELECT k FROM "{unique_name}"') == [{"k": "x"}]


def test_a_corrupt_archive_fails_the_task_with_the_reason(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv.bz2"
    path.write_bytes(b"not bzip2 at all")
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "ts", "format": "auto"},
    )
    status = druid.run(body)
    assert status["statusCode"] == "FAILED"
    assert "Cannot decompress" in status["errorMsg"]
