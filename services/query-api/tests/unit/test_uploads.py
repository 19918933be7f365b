"""The multipart body sent to the upload service: well formed, streamed, exact length."""

from __future__ import annotations

import io
from email import policy
from email.parser import BytesParser

import pytest

from mauzo_query_api.clients.upload import MultipartBody, safe_file_name


class FakeFile:
    """An in-memory stand-in for starlette's UploadFile (a plain data holder, not a component)."""

    def __init__(self, data: bytes, name: str | None, size: int | None) -> None:
        self._data = io.BytesIO(data)
        self.filename = name
        self.content_type = "text/csv"
        self.size = size
        self.reads: list[int] = []

    async def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        return self._data.read(size)


async def test_body_parses_back_into_datasource_and_file_and_is_chunked() -> None:
    data = b"time,amount\n" + b"2024-01-01,1\n" * 20_000
    file = FakeFile(data, 'evil"\r\nname.csv', len(data))
    body = MultipartBody(file, "sales", "b0undary")
    sent = b"".join([chunk async for chunk in body.chunks()])
    assert int(body.headers()["content-length"]) == len(sent)
    assert len(file.reads) > 2  # read in chunks, never all at once
    assert all(size > 0 for size in file.reads)
    head = f"Content-Type: {body.headers()['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + sent)
    parts = {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }
    assert parts["datasource"][1] == b"sales"
    assert parts["file"] == ("evil___name.csv", data)


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd"), ("C:\\x\\sales.csv", "sales.csv"), (None, "upload")],
)
def test_file_names_lose_paths(name: str | None, safe: str) -> None:
    assert safe_file_name(name) == safe
