"""Object store on S3 (or MinIO / moto) through boto3, streaming with multipart uploads."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from mauzo_common.object_store.base import Hasher, ObjectNotFound, StoredObject, check_key
from mauzo_common.settings import MauzoSettings

PART_SIZE = 8 * 1024 * 1024  # S3 needs ≥ 5 MiB for every part but the last


class _MultipartWriter:
    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        self._hasher = Hasher()
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]

    def write(self, chunk: bytes) -> None:
        self._hasher.update(chunk)
        self._buffer += chunk
        if len(self._buffer) >= PART_SIZE:
            self._flush()

    def _flush(self) -> None:
        number = len(self._parts) + 1
        response = self._client.upload_part(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=bytes(self._buffer),
        )
        self._parts.append({"ETag": response["ETag"], "PartNumber": number})
        self._buffer.clear()

    def complete(self) -> None:
        if self._buffer or not self._parts:
            self._flush()
        self._client.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )

    def abort(self) -> None:
        self._client.abort_multipart_upload(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id
        )

    @property
    def size(self) -> int:
        return self._hasher.size

    @property
    def sha256(self) -> str:
        return self._hasher.sha256


class S3ObjectStore:
    kind = "s3"

    def __init__(self, settings: MauzoSettings) -> None:
        self.bucket = settings.s3_bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=_secret(settings.s3_access_key_id),
            aws_secret_access_key=_secret(settings.s3_secret_access_key),
        )

    def ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    @contextmanager
    def writer(self, key: str) -> Iterator[_MultipartWriter]:
        w = _MultipartWriter(self.client, self.bucket, check_key(key))
        try:
            yield w
        except BaseException:
            w.abort()
            raise
        w.complete()

    def put_bytes(self, key: str, data: bytes) -> StoredObject:
        hasher = Hasher()
        hasher.update(data)
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)
        return StoredObject(key, hasher.size, hasher.sha256)

    def upload_file(self, key: str, path: Path) -> StoredObject:
        with self.writer(key) as w, path.open("rb") as src:
            while chunk := src.read(PART_SIZE):
                w.write(chunk)
        return StoredObject(key, w.size, w.sha256)

    def move_file(self, key: str, path: Path) -> None:
        self.upload_file(key, path)
        path.unlink()

    def get_bytes(self, key: str) -> bytes:
        try:
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            raise ObjectNotFound(key) from exc
        return body

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        suffix = Path(key).suffix
        with tempfile.TemporaryDirectory(prefix="mauzo-s3-") as tmp:
            path = Path(tmp) / f"object{suffix}"
            try:
                self.client.download_file(self.bucket, key, str(path))
            except ClientError as exc:
                raise ObjectNotFound(key) from exc
            yield path

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def list(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return sorted(keys)

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None
