"""Strawberry's FastAPI router, with GraphiQL's page sent under its own content policy and the
transport's refusals (a batch, a mutation over GET, a body that is not JSON) in the standard
error envelope instead of Strawberry's plain text."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response
from strawberry.fastapi import GraphQLRouter

from mauzo_query_api.errors import BadGraphQLRequest
from mauzo_query_api.page_policy import GRAPHIQL_POLICY


class MauzoGraphQLRouter(GraphQLRouter[Any, None]):
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        page = await super().render_graphql_ide(request)
        page.headers["content-security-policy"] = GRAPHIQL_POLICY
        return page

    async def run(  # type: ignore[override]  # HTTP only: this app has no WebSocket protocols
        self, request: Any, context: Any = None, root_value: Any = None
    ) -> Response:
        try:
            answer: Response = await super().run(
                request=request, context=context, root_value=root_value
            )
        except HTTPException as refusal:
            # The app's error handlers render it, with the request id, like every other refusal.
            raise BadGraphQLRequest.of(refusal.status_code, refusal.reason) from refusal
        return answer
