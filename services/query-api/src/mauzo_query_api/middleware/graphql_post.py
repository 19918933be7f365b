"""What both middlewares need to know about a request to /graphql, read from the ASGI scope."""

from __future__ import annotations

from mauzo_common.http import Scope, Send, header

GRAPHQL_PATH = "/graphql"


def graphql_post_type(scope: Scope) -> bytes | None:
    """The media type of a POST to /graphql (lower case, no parameters); None for any other."""
    if (
        scope["type"] != "http"
        or scope["method"] != "POST"
        or scope["path"].rstrip("/") != GRAPHQL_PATH
    ):
        return None
    return header(scope, b"content-type").split(b";")[0].strip().lower()


async def send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
