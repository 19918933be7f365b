"""The CSRF guard on GraphQL uploads.

A browser may send a multipart/form-data POST to any origin without a CORS preflight (it is a
"simple" request), and it carries the victim's cookies. Uploads therefore must carry a header a
simple request cannot have (`apollo-require-preflight` or `x-apollo-operation-name`, any value,
as Apollo's clients send), which forces a preflight the server never approves for foreign
origins. JSON requests need no header: application/json already forces a preflight, and
Strawberry refuses other content types.
"""

from __future__ import annotations

import json

from mauzo_common.http import App, Receive, Scope, Send, header
from mauzo_query_api.middleware.graphql_post import graphql_post_type, send_json

PREFLIGHT_HEADERS = (b"apollo-require-preflight", b"x-apollo-operation-name")


def refusal(request_id: str | None) -> bytes:
    error = {
        "message": "uploads need the header `apollo-require-preflight: true`",
        "extensions": {
            "code": "CSRF_PREFLIGHT_REQUIRED",
            "hint": "Send uploads with `apollo-require-preflight: true`.",
            "requestId": request_id,
        },
    }
    return json.dumps({"errors": [error]}).encode()


class UploadPreflight:
    """Refuses a multipart POST to /graphql that carries none of the preflight headers."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if graphql_post_type(scope) == b"multipart/form-data" and not any(
            header(scope, name) for name in PREFLIGHT_HEADERS
        ):
            await send_json(send, 400, refusal(scope.get("state", {}).get("request_id")))
            return
        await self.app(scope, receive, send)
