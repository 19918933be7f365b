"""`receive` on files of several write batches, into a real local object store: the stored bytes
and their sha256 are the sent ones, the tail is seen across batches, and a refusal part-way
leaves nothing behind (not even a half-written temporary file)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mauzo_common.errors import InputRejected
from mauzo_common.file_kinds import FileKind
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_upload.receiving import WRITE_BATCH, Received, receive

BOUNDARY = "----mauzoRcv0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
LINE = b"2024-01-01 10:00,Nairobi CBD,Sugar 2kg,Groceries,Amina,Duka 1,INV1,2,300.50,250\n"
CSV = b"time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
BIG_CSV = CSV + LINE * (3 * WRITE_BATCH // len(LINE) + 7)


def field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def file_part(filename: str, content: bytes) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
    ).encode()
    return head + content + b"\r\n"


async def chunked(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def send(
    tmp_path: Path, body: bytes, *, max_bytes: int = 64 * WRITE_BATCH, chunk: int = 200_003
) -> tuple[LocalObjectStore, Received]:
    store = LocalObjectStore(tmp_path / "objects")
    received = await receive(
        chunked(body + f"--{BOUNDARY}--\r\n".encode(), chunk),
        CONTENT_TYPE,
        task_id="t1",
        store=store,
        spool_dir=tmp_path / "spool",
        max_bytes=max_bytes,
    )
    return store, received


def leftovers(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


@pytest.mark.parametrize("datasource_first", [True, False], ids=["streamed", "spooled"])
async def test_a_file_of_several_batches_is_stored_whole_with_its_sha256(
    tmp_path: Path, datasource_first: bool
) -> None:
    parts = [field("datasource", "sales"), file_part("sales.csv", BIG_CSV)]
    body = b"".join(parts if datasource_first else parts[::-1])
    store, received = await send(tmp_path, body)
    await received.commit()
    assert received.kind is FileKind.CSV
    assert received.size_bytes == len(BIG_CSV)
    assert received.sha256 == hashlib.sha256(BIG_CSV).hexdigest()
    assert store.get_bytes(received.object_key) == BIG_CSV
    assert leftovers(tmp_path) == [store.path(received.object_key)]


@pytest.mark.parametrize("chunk", [1_000, 300_007, 4 * WRITE_BATCH])
async def test_the_tail_is_read_across_batches(tmp_path: Path, chunk: int) -> None:
    parquet = b"PAR1" + bytes(range(256)) * (2 * WRITE_BATCH // 256) + b"PAR1"
    body = field("datasource", "sales") + file_part("sales.parquet", parquet)
    _, received = await send(tmp_path, body, chunk=chunk)
    assert received.kind is FileKind.PARQUET
    await received.discard()

    truncated = field("datasource", "sales") + file_part("sales.parquet", parquet[:-4])
    with pytest.raises(InputRejected) as refused:
        await send(tmp_path, truncated, chunk=chunk)
    assert refused.value.code == "truncated_file"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("datasource_first", [True, False], ids=["streamed", "spooled"])
async def test_over_the_limit_part_way_leaves_nothing(
    tmp_path: Path, datasource_first: bool
) -> None:
    parts = [field("datasource", "sales"), file_part("sales.csv", BIG_CSV)]
    body = b"".join(parts if datasource_first else parts[::-1])
    with pytest.raises(InputRejected) as refused:
        await send(tmp_path, body, max_bytes=2 * WRITE_BATCH + 1)
    assert refused.value.code == "file_too_large"
    assert leftovers(tmp_path) == []
