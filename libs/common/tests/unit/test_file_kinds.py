"""The kind of a file comes from its first bytes, never from its name."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.file_kinds import FileKind, kind_of


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04....[Content_Types].xml", FileKind.XLSX),
        (b"PK\x03\x04....readme.txt", FileKind.XLSX),  # opening it says it is no workbook
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", FileKind.XLS),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            FileKind.XLS,  # an encrypted .xlsx is an OLE container too
        ),
        (b"PAR1....", FileKind.PARQUET),
        (b'{"date": "2024-01-01"}\n', FileKind.NDJSON),
        (codecs.BOM_UTF8 + b' {"date": "2024-01-01"}\n{"date": "2024', FileKind.NDJSON),
        (b'{"date": "2024-01-01", "amount": 1', FileKind.NDJSON),  # cut off by the sample
        (b"{not json}\ndate,amount\n", FileKind.CSV),
        (b"date,amount\n", FileKind.CSV),
        (bytes(range(256)) * 4, FileKind.CSV),  # the text reader says it is binary
    ],
)
def test_reads_the_container_from_magic_bytes(head: bytes, kind: FileKind) -> None:
    assert kind_of(head) is kind


@given(st.binary(max_size=2048))
def test_every_head_has_a_kind(head: bytes) -> None:
    assert kind_of(head) in FileKind


@pytest.mark.parametrize("kind", list(FileKind))
def test_the_content_type_names_its_kind(kind: FileKind) -> None:
    assert FileKind.of_content_type(kind.content_type) is kind
    assert FileKind.of_content_type("application/octet-stream") is None
