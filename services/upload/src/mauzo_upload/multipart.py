"""A push parser for multipart/form-data bodies: bytes in, part events out, nothing buffered.

Wraps python-multipart's streaming `MultipartParser`; file data comes out in the pieces it
arrives in, so the caller decides where each piece goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from mauzo_common.errors import MalformedRequest, Unsupported

MAX_PART_HEADERS = 16


@dataclass(frozen=True)
class PartStarted:
    name: str
    filename: str | None


@dataclass(frozen=True)
class PartData:
    data: bytes


@dataclass(frozen=True)
class PartEnded:
    pass


PartEvent = PartStarted | PartData | PartEnded


class MultipartStream:
    def __init__(self, content_type: str) -> None:
        media_type, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if media_type != b"multipart/form-data" or not boundary:
            raise Unsupported(
                "not_multipart",
                "The request body is not multipart/form-data.",
                "Send the file as a form upload: curl -F file=@sales.csv -F datasource=sales …",
            )
        self._events: list[PartEvent] = []
        self._field = bytearray()
        self._value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._ended = False
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._on_part_begin,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
                "on_header_field": self._on_header_field,
                "on_header_value": self._on_header_value,
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_end": self._on_end,
            },
            max_header_count=MAX_PART_HEADERS,
        )

    def feed(self, chunk: bytes) -> list[PartEvent]:
        try:
            self._parser.write(chunk)
        except MultipartParseError as exc:
            raise _malformed(str(exc)) from exc
        events, self._events = self._events, []
        return events

    def finish(self) -> None:
        try:
            self._parser.finalize()
        except MultipartParseError as exc:
            raise _malformed(str(exc)) from exc
        if not self._ended:
            raise _malformed("the body ended before the closing boundary")

    # -- parser callbacks -----------------------------------------------------------------

    def _on_part_begin(self) -> None:
        self._headers = {}

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _on_header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _on_headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get("content-disposition"))
        if disposition != b"form-data" or b"name" not in params:
            raise MultipartParseError("a part without a form-data name")
        filename = params.get(b"filename")
        self._events.append(
            PartStarted(
                name=params[b"name"].decode("utf-8", "replace"),
                filename=filename.decode("utf-8", "replace") if filename is not None else None,
            )
        )

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append(PartData(data[start:end]))

    def _on_part_end(self) -> None:
        self._events.append(PartEnded())

    def _on_end(self) -> None:
        self._ended = True


def _malformed(detail: str) -> MalformedRequest:
    return MalformedRequest(
        "malformed_multipart",
        f"The upload body could not be read: {detail}.",
        "Send a standard multipart/form-data request (browsers, curl -F and httpx do).",
    )
