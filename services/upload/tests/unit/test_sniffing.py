"""File kinds come from the bytes, not the name; binary garbage is refused with a reason."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_common.file_kinds import OLE2, FileKind, decode_sample
from mauzo_upload.sniffing import confirm, sniff_head

CSV = b"time,branch,amount\n2024-01-02 10:00,Nairobi CBD,1500.00\n"


def kind_of(data: bytes) -> FileKind:
    return confirm(sniff_head(data[: 64 * 1024]), data[: 64 * 1024], data[-256 * 1024 :])


def refused(data: bytes) -> str:
    with pytest.raises(InputRejected) as error:
        kind_of(data)
    assert error.value.message
    assert error.value.hint
    return error.value.code


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "x" * 200_000)
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (CSV, FileKind.CSV),
        (b"\xef\xbb\xbf" + CSV, FileKind.CSV),
        (CSV.decode().encode("utf-16"), FileKind.CSV),
        (CSV.decode().encode("utf-16-le"), FileKind.CSV),
        ("tarehe;tawi;kiasi\n02/01/2024;Mombasa;1 500,00 €\n".encode("cp1252"), FileKind.CSV),
        ("date|branch\n2024-01-02|Kisumu – Café\n".encode("cp1252"), FileKind.CSV),
        ("date\tbranch\n2024-01-02\tNaïrobi\n".encode("cp850"), FileKind.CSV),
        (b"time,amount\r\n2024-01-02,5\n2024-01-03,6\r2024-01-04,7", FileKind.CSV),
        (b'{"time": "2024-01-02", "amount": 5}\n{"time": "2024-01-03"}\n', FileKind.NDJSON),
        (b"PAR1" + os.urandom(100) + b"PAR1", FileKind.PARQUET),
        (OLE2 + os.urandom(600), FileKind.XLS),
        (xlsx_bytes(), FileKind.XLSX),
    ],
)
def test_supported_files_are_recognised_by_content(data: bytes, kind: FileKind) -> None:
    assert kind_of(data) == kind


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"%PDF-1.7\n" + os.urandom(500), "unsupported_file_type"),
        (b"\x89PNG\r\n\x1a\n" + os.urandom(500), "unsupported_file_type"),
        (b"\x1f\x8b\x08" + os.urandom(500), "unsupported_file_type"),
        (os.urandom(4096), "unsupported_file_type"),
        (b"\x00" * 1000, "unsupported_file_type"),
        (b"time,amount\n" + bytes(range(32)) * 20, "unsupported_file_type"),
        (OLE2 + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"), "password_protected"),
        (b"PAR1" + os.urandom(100), "truncated_file"),
    ],
)
def test_unreadable_files_are_refused_with_a_specific_code(data: bytes, code: str) -> None:
    assert refused(data) == code


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sales.csv", CSV)
    assert refused(buffer.getvalue()) == "unsupported_archive"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (json.dumps([{"a": 1}]).encode(), "JSON array"),
        (b'\xef\xbb\xbf  [\n  ["date", "amount"]\n]', "JSON array"),
        (b"<!DOCTYPE html>\n<html><body><table><tr><td>date</td></tr>", "web page"),
        (b"\r\n<table border=1><tr><th>Date</th><th>Amount</th></tr>", "web page"),
        (
            b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:"',
            "XML",
        ),
    ],
)
def test_documents_that_are_not_tables_are_refused_by_name(data: bytes, says: str) -> None:
    with pytest.raises(InputRejected) as error:
        kind_of(data)
    assert error.value.code == "unsupported_file_type"
    assert says in error.value.message
    assert ".xlsx or CSV" in error.value.hint or "JSON object per line" in error.value.hint


def test_a_header_in_brackets_is_still_csv() -> None:
    assert kind_of(b"[Date],[Amount]\n2024-01-02,5\n") == FileKind.CSV  # SQL Server style


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_one_bad_sequence_in_long_text_is_left_to_the_validator(encoding: str) -> None:
    rows = "".join(f"2024-01-{d % 28 + 1:02d},Nairobi,{d}\n" for d in range(60))
    good = ("date,branch,amount\n" + rows).encode(encoding)
    bad = b"\x00\xd8" if encoding == "utf-16" else b"\xff"
    middle = len(good) // 2 // 2 * 2
    assert kind_of(good[:middle] + bad + good[middle:]) == FileKind.CSV


@given(st.text(min_size=1, max_size=300), st.integers(min_value=1, max_value=3))
def test_text_cut_anywhere_still_decodes(text: str, cut: int) -> None:
    data = text.encode("utf-8")
    sample = data[: max(len(data) - cut, 1)]
    if all(c.isprintable() or c in "\t\r\n" for c in text):
        assert decode_sample(sample) is not None


@given(st.binary(min_size=1, max_size=2000))
def test_sniffing_never_crashes(data: bytes) -> None:
    codes = {"unsupported_file_type", "unsupported_archive", "password_protected", "truncated_file"}
    outcome: FileKind | str
    try:
        outcome = kind_of(data)
    except InputRejected as error:
        outcome = error.code
    assert outcome in set(FileKind) | codes
