"""CORS for the APIs a browser calls: only the dashboard's origins (settings), no cookies.

Mauzo's credentials travel in the Authorization header, never in cookies, so responses never
allow credentials and a foreign page cannot ride on a signed-in user: the browser would need
the token, which only the dashboard's own origin holds. A preflight from another origin is
refused with the standard error body (403), not Starlette's plain text.
"""

from __future__ import annotations

import json

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from mauzo_common.errors import Forbidden
from mauzo_common.http import App
from mauzo_common.http_errors import ErrorStyle, error_object
from mauzo_common.settings import MauzoSettings

ALLOWED_HEADERS = (
    "authorization",
    "content-type",
    "x-request-id",
    "x-mauzo-client",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
EXPOSED_HEADERS = ("x-request-id", "retry-after")


class Cors(CORSMiddleware):
    def __init__(self, app: App, origins: list[str], style: ErrorStyle) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=("GET", "POST", "DELETE"),
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=600,
        )
        self.style = style

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        reason = bytes(answer.body).decode("utf-8", "replace")
        error = Forbidden(
            f"Cross-origin request refused: {reason}.",
            hint="Call the API from the dashboard's origin, or add yours to MAUZO_CORS_ORIGINS.",
        )
        body = json.dumps(self.style.wrap(error_object(error, ""))).encode()
        return Response(body, status_code=error.status, media_type="application/json")


def install_cors(app: FastAPI, settings: MauzoSettings, style: ErrorStyle | None = None) -> None:
    """Call after `install_error_handlers`: outside the gate, so a 401 or 429 still carries
    the CORS headers the dashboard needs to read it."""
    app.add_middleware(Cors, origins=settings.allowed_origins, style=style or ErrorStyle())
