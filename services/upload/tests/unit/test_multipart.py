"""The streaming multipart parser: however the body is chunked, the same parts come out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_upload.multipart import MultipartStream, PartData, PartEnded, PartEvent, PartStarted

BOUNDARY = "----mauzo7MA4YWxkTrZu0gW"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(datasource: str, filename: str, content: bytes) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="datasource"\r\n\r\n'
            f"{datasource}\r\n"
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def parse(chunks: list[bytes]) -> tuple[list[PartStarted], dict[str, bytes]]:
    stream = MultipartStream(CONTENT_TYPE)
    events: list[PartEvent] = []
    for chunk in chunks:
        events.extend(stream.feed(chunk))
    stream.finish()
    starts = [e for e in events if isinstance(e, PartStarted)]
    values: dict[str, bytes] = {}
    name = ""
    for event in events:
        if isinstance(event, PartStarted):
            name = event.name
            values[name] = b""
        elif isinstance(event, PartData):
            values[name] += event.data
    assert sum(isinstance(e, PartEnded) for e in events) == len(starts)
    return starts, values


@settings(max_examples=200)
@given(st.binary(max_size=3000), st.lists(st.integers(min_value=1, max_value=700), max_size=30))
def test_any_chunking_gives_the_same_parts(content: bytes, cuts: list[int]) -> None:
    raw = body("sales", "sales.csv", content)
    chunks, rest = [], raw
    for cut in cuts:
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    starts, values = parse(chunks)
    assert starts == [PartStarted("datasource", None), PartStarted("file", "sales.csv")]
    assert values == {"datasource": b"sales", "file": content}


def test_content_that_looks_like_a_boundary_is_kept() -> None:
    content = f"a\r\n--{BOUNDARY[:-1]}\r\nb".encode()
    assert parse([body("sales", "x.csv", content)])[1]["file"] == content


@pytest.mark.parametrize(
    ("content_type", "code"),
    [("application/json", "not_multipart"), ("multipart/form-data", "not_multipart")],
)
def test_non_multipart_requests_are_refused(content_type: str, code: str) -> None:
    with pytest.raises(InputRejected) as refused:
        MultipartStream(content_type)
    assert refused.value.code == code


def test_a_truncated_body_is_malformed() -> None:
    stream = MultipartStream(CONTENT_TYPE)
    stream.feed(body("sales", "x.csv", b"abc")[:-20])
    with pytest.raises(InputRejected) as refused:
        stream.finish()
    assert refused.value.code == "malformed_multipart"
