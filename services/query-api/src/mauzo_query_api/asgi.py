"""Pure ASGI middlewares (no per-request task groups): request ids, and in front of /graphql
the response cache and the upload CSRF guard.

CSRF: a browser may send a multipart/form-data POST to any origin without a CORS preflight
(it is a "simple" request), and it carries the victim's cookies. Uploads therefore must carry a
header a simple request cannot have (`apollo-require-preflight` or `x-apollo-operation-name`,
any value, as Apollo's clients send), which forces a preflight the server never approves for
foreign origins. JSON requests need no header: application/json already forces a preflight, and
Strawberry refuses other content types.
"""

from __future__ import annotations

import json

from mauzo_common.http import App, Message, Receive, Scope, Send, header
from mauzo_query_api.olap.response_cache import ResponseCache, ResponseTags, request_key

PREFLIGHT_HEADERS = (b"apollo-require-preflight", b"x-apollo-operation-name")
GRAPHQL_PATH = "/graphql"


async def send_json(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GraphQLFront:
    """Answers cached questions without running GraphQL; refuses uploads without a preflight."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"].rstrip("/") != GRAPHQL_PATH
        ):
            await self.app(scope, receive, send)
            return
        content_type = header(scope, b"content-type").split(b";")[0].strip().lower()
        if content_type == b"multipart/form-data":
            if not any(header(scope, name) for name in PREFLIGHT_HEADERS):
                error = {
                    "errors": [
                        {
                            "message": "uploads need the header `apollo-require-preflight: true`",
                            "extensions": {
                                "code": "CSRF_PREFLIGHT_REQUIRED",
                                "hint": "Send uploads with `apollo-require-preflight: true`.",
                                "requestId": scope.get("state", {}).get("request_id"),
                            },
                        }
                    ]
                }
                await send_json(send, 400, json.dumps(error).encode())
                return
            await self.app(scope, receive, send)
            return
        services = getattr(scope["app"].state, "services", None)
        cache: ResponseCache | None = getattr(services, "responses", None)
        if cache is None or content_type != b"application/json":
            await self.app(scope, receive, send)
            return
        await self._cached(cache, scope, receive, send)

    async def _cached(
        self, cache: ResponseCache, scope: Scope, receive: Receive, send: Send
    ) -> None:
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        key = request_key(body)
        if key is not None and (hit := cache.get(key)) is not None:
            await send_json(send, 200, hit)
            return
        generation = cache.generation
        tags = ResponseTags()
        scope.setdefault("state", {})["response_tags"] = tags
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 0
        answer: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, capture)
        text = b"".join(answer)
        if key is not None and status == 200 and b'"errors"' not in text:
            cache.put(key, text, tags, generation)
