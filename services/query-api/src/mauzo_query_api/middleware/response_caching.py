"""Answers a repeated GraphQL question from the response cache without running GraphQL.

Only JSON POSTs to /graphql are considered, and only when this process keeps a response cache
(`services.responses`). The request body is read whole to compute the key, then replayed to the
app; the answer is stored when it is a 200 without errors and the resolvers allowed it (their
ResponseTags, put in the request's state). Entries are keyed by the caller's role and branch
scope too (`audience_key`), so it sits inside the authentication gate.
"""

from __future__ import annotations

from mauzo_common.auth.principal import Principal
from mauzo_common.http import App, Message, Receive, Scope, Send
from mauzo_query_api.middleware.graphql_post import graphql_post_type, send_json
from mauzo_query_api.olap.response_cache import (
    ResponseCache,
    ResponseTags,
    audience_key,
    request_key,
)


class ResponseCaching:
    def __init__(self, app: App) -> None:
        self.app = app
        # The GraphQL route, as routing found it for the answer that filled the cache: a cached
        # answer never reaches routing, and without it the request metrics would count it under
        # `unmatched` instead of /graphql.
        self.route: object = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if graphql_post_type(scope) != b"application/json":
            await self.app(scope, receive, send)
            return
        services = getattr(scope["app"].state, "services", None)
        cache: ResponseCache | None = getattr(services, "responses", None)
        principal = scope.get("state", {}).get("principal")
        if cache is None or not isinstance(principal, Principal):
            # No verified caller (the gate is missing): no cached answer, and none kept.
            await self.app(scope, receive, send)
            return
        await self._cached(cache, audience_key(principal), scope, receive, send)

    async def _cached(
        self, cache: ResponseCache, audience: str, scope: Scope, receive: Receive, send: Send
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
        key = request_key(body, audience)
        if key is not None and (hit := cache.get(key)) is not None:
            if self.route is not None:
                scope["route"] = self.route
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
        self.route = scope.get("route", self.route)
        text = b"".join(answer)
        if key is not None and status == 200 and b'"errors"' not in text:
            cache.put(key, text, tags, generation)
