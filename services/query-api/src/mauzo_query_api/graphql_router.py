"""Strawberry's FastAPI router, with GraphiQL's page sent under its own content policy."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from strawberry.fastapi import GraphQLRouter

from mauzo_query_api.page_policy import GRAPHIQL_POLICY


class MauzoGraphQLRouter(GraphQLRouter[Any, None]):
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        page = await super().render_graphql_ide(request)
        page.headers["content-security-policy"] = GRAPHIQL_POLICY
        return page
