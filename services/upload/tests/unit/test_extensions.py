"""A file whose name contradicts its bytes (an xlsx named .csv, a csv named .xlsx) is refused with
`extension_mismatch`, the moment the first bytes show it, with nothing kept in the store."""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_common.file_kinds import OLE2, FileKind
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_upload.extensions import check_extension, extension_of
from mauzo_upload.receiving import Received, receive

CSV = b"time,branch,amount\n2024-01-02 10:00,Nairobi CBD,1500.00\n"
NDJSON = b'{"time": "2024-01-02", "amount": 5}\n'
PARQUET = b"PAR1" + os.urandom(100) + b"PAR1"
XLS = OLE2 + os.urandom(600)


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "x" * 100_000)
    return buffer.getvalue()


def mismatch(name: str, kind: FileKind) -> InputRejected:
    with pytest.raises(InputRejected) as refused:
        check_extension(name, kind)
    assert refused.value.code == "extension_mismatch"
    return refused.value


@pytest.mark.parametrize(
    ("name", "kind", "named", "content", "rename_to"),
    [
        ("sales.csv", FileKind.XLSX, ".csv", "Excel workbook (.xlsx)", ".xlsx"),
        ("sales.TXT", FileKind.XLS, ".txt", "Excel workbook (.xls)", ".xls"),
        ("sales.tsv", FileKind.PARQUET, ".tsv", "Parquet", ".parquet"),
        ("sales.xlsx", FileKind.CSV, ".xlsx", "CSV", ".csv"),
        ("sales.xls", FileKind.CSV, ".xls", "CSV", ".csv"),
        ("sales.parquet", FileKind.CSV, ".parquet", "CSV", ".csv"),
        ("sales.xlsx", FileKind.NDJSON, ".xlsx", "JSON", ".jsonl"),
        ("sales.xlsx", FileKind.PARQUET, ".xlsx", "Parquet", ".parquet"),
        ("sales.parquet", FileKind.XLSX, ".parquet", "Excel", ".xlsx"),
    ],
)
def test_a_contradicting_extension_names_both_and_the_fix(
    name: str, kind: FileKind, named: str, content: str, rename_to: str
) -> None:
    error = mismatch(name, kind)
    assert f"named {named}" in error.message
    assert content in error.message
    assert f"Rename the file to {rename_to} and upload again" in error.hint


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("sales", FileKind.XLSX),  # no extension: nothing to contradict
        ("upload", FileKind.PARQUET),
        ("sales.dat", FileKind.XLSX),  # unknown extension
        ("sales.export", FileKind.CSV),
        ("sales.csv", FileKind.CSV),
        ("sales.txt", FileKind.NDJSON),
        ("sales.json", FileKind.CSV),
        ("sales.xls", FileKind.XLSX),  # same family: Excel opens either under either name
        ("sales.xlsx", FileKind.XLS),
        ("sales.PARQUET", FileKind.PARQUET),
    ],
)
def test_agreeing_unknown_or_missing_extensions_pass(name: str, kind: FileKind) -> None:
    check_extension(name, kind)


@given(st.text(alphabet="acstvxl.", max_size=20), st.sampled_from(list(FileKind)))
def test_only_known_extensions_are_ever_refused(name: str, kind: FileKind) -> None:
    code: str | None = None
    try:
        check_extension(name, kind)
    except InputRejected as error:
        code = error.code
    if code is not None:
        assert code == "extension_mismatch"
        assert extension_of(name) in {"csv", "txt", "tsv", "xls", "xlsx"}


def form(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "mauzo-b"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="datasource"\r\n\r\nsales\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def received(tmp_path: Path, name: str, content: bytes) -> tuple[Received, LocalObjectStore]:
    store = LocalObjectStore(tmp_path / "objects")
    body, content_type = form(name, content)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192]

    async def go() -> Received:
        return await receive(
            chunks(),
            content_type,
            task_id="t" * 32,
            store=store,
            spool_dir=tmp_path / "spool",
            max_bytes=10 << 20,
        )

    return asyncio.run(go()), store


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sales.csv", xlsx_bytes()),  # an xlsx named .csv (confirmed at its end)
        ("sales.txt", XLS),
        ("sales.tsv", PARQUET),
        ("sales.xlsx", CSV * 3000),  # a csv named .xlsx, refused from its first bytes
        ("sales.xls", CSV),
        ("sales.parquet", NDJSON),
    ],
)
def test_receiving_a_mislabelled_file_keeps_nothing(
    tmp_path: Path, name: str, content: bytes
) -> None:
    with pytest.raises(InputRejected) as refused:
        received(tmp_path, name, content)
    assert refused.value.code == "extension_mismatch"
    assert LocalObjectStore(tmp_path / "objects").list("uploads/") == []


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("sales", xlsx_bytes(), FileKind.XLSX),
        ("sales.bin", CSV, FileKind.CSV),
        ("sales.xlsx", xlsx_bytes(), FileKind.XLSX),
        ("sales.csv", CSV, FileKind.CSV),
    ],
)
def test_receiving_a_well_named_or_unnamed_file_works(
    tmp_path: Path, name: str, content: bytes, kind: FileKind
) -> None:
    upload, _ = received(tmp_path, name, content)
    assert upload.kind == kind
    asyncio.run(upload.discard())
