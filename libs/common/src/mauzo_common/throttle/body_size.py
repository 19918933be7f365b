"""A ceiling on request bodies that are not file uploads.

A GraphQL question, a REST call or a task registration is a few kB; a megabyte string in a
filter or a million-element variable list is an attack on the parser and the SQL builder, not
a question. Multipart bodies (file uploads) are exempt: they have their own, larger limit
(`max_upload_bytes`) where they are received. A declared length over the ceiling is refused
before a byte is read; a chunked body is counted as it arrives.
"""

from __future__ import annotations

import json

from mauzo_common.errors import TooLarge
from mauzo_common.http import App, Message, Receive, Scope, Send, header
from mauzo_common.http_errors import ErrorStyle, error_object, request_id_of


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        "request_too_large",
        f"The request body is larger than {limit:,} bytes.",
        "Ask a smaller question (fewer filter values, shorter strings); files go to the "
        "upload route, which takes multipart/form-data.",
    )


class BodySize:
    def __init__(self, app: App, limit: int, style: ErrorStyle | None = None) -> None:
        self.app = app
        self.limit = limit
        self.style = style or ErrorStyle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or header(scope, b"content-type").lower().startswith(
            b"multipart/"
        ):
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.limit:
            await self.refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large(self.limit)  # the error handlers answer 413
            return message

        await self.app(scope, counted, send)

    async def refuse(self, scope: Scope, send: Send) -> None:
        error = too_large(self.limit)
        body = json.dumps(self.style.wrap(error_object(error, request_id_of(scope)))).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
