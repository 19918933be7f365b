"""One contract, run over every object-store implementation: the local directory and S3 (moto)."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from mauzo_common.object_store import ObjectNotFound, ObjectStore, open_object_store
from mauzo_common.settings import MauzoSettings


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, unique_name: str
) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield open_object_store(MauzoSettings(object_store="local", object_store_root=tmp_path))
        return
    endpoint: str = request.getfixturevalue("s3_endpoint")
    settings = MauzoSettings(object_store="s3", s3_endpoint_url=endpoint, s3_bucket=unique_name)
    yield open_object_store(settings)


def test_streamed_object_reports_size_and_sha256(store: ObjectStore) -> None:
    chunks = [b"a" * 3_000_000, b"b" * 3_000_000, b"c" * 3_000_000]  # crosses S3 part boundaries
    with store.writer("uploads/sales/t1/big.csv") as writer:
        for chunk in chunks:
            writer.write(chunk)
    body = b"".join(chunks)
    assert writer.size == len(body)
    assert writer.sha256 == hashlib.sha256(body).hexdigest()
    assert store.get_bytes("uploads/sales/t1/big.csv") == body


def test_failed_write_leaves_nothing_behind(store: ObjectStore) -> None:
    def interrupted_upload() -> None:
        with store.writer("uploads/sales/t2/x.csv") as writer:
            writer.write(b"half a file")
            raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        interrupted_upload()
    assert not store.exists("uploads/sales/t2/x.csv")
    assert store.list("uploads/sales/t2/") == []


def test_list_exists_delete_and_local_copy(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("processed/sales/t3/part-0.parquet", b"PAR1")
    source = tmp_path / "rejected.csv"
    source.write_bytes(b"row,error\n")
    stored = store.upload_file("processed/sales/t3/rejected.csv", source)
    assert stored.size == 10
    assert store.list("processed/sales/t3/") == [
        "processed/sales/t3/part-0.parquet",
        "processed/sales/t3/rejected.csv",
    ]
    with store.local_copy("processed/sales/t3/rejected.csv") as path:
        assert path.read_bytes() == b"row,error\n"
    store.delete("processed/sales/t3/part-0.parquet")
    assert not store.exists("processed/sales/t3/part-0.parquet")
    with pytest.raises(ObjectNotFound):
        store.get_bytes("processed/sales/t3/part-0.parquet")


def test_a_moved_file_is_stored_and_consumed(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "work" / "part-0.parquet"
    source.parent.mkdir()
    source.write_bytes(b"PAR1 rows PAR1")
    store.move_file("processed/sales/t5/part-0.parquet", source)
    assert not source.exists()
    assert store.get_bytes("processed/sales/t5/part-0.parquet") == b"PAR1 rows PAR1"
    assert store.list("processed/sales/t5/") == ["processed/sales/t5/part-0.parquet"]


def test_a_local_store_moves_a_file_from_another_filesystem_by_copying(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on a filesystem other than the test's temporary directory")
    store = open_object_store(MauzoSettings(object_store="local", object_store_root=tmp_path))
    with tempfile.NamedTemporaryFile(dir=shm, delete=False) as handle:
        handle.write(b"rows from tmpfs")
    store.move_file("processed/sales/t6/part-0.parquet", Path(handle.name))
    assert not Path(handle.name).exists()
    assert store.get_bytes("processed/sales/t6/part-0.parquet") == b"rows from tmpfs"
    assert store.list("processed/sales/t6/") == ["processed/sales/t6/part-0.parquet"]


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/key", "a/../../b", "a//b", "a\\b", ""])
def test_keys_that_could_escape_the_store_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValueError, match="invalid object key"):
        store.put_bytes(key, b"x")


def test_uri_tells_an_external_reader_where_the_object_is(store: ObjectStore) -> None:
    store.put_bytes("processed/sales/t4/part-0.parquet", b"PAR1")
    uri = store.uri("processed/sales/t4/part-0.parquet")
    if store.kind == "local":
        assert uri.startswith("file:///")
        assert Path(uri.removeprefix("file://")).read_bytes() == b"PAR1"
    else:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        client = boto3.client("s3", endpoint_url=store.client.meta.endpoint_url)  # type: ignore[attr-defined]
        assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == b"PAR1"
