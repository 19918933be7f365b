"""Refuses every WebSocket before it is accepted (the client sees HTTP 403).

query-api has no subscriptions, and the authentication gate checks HTTP requests only, so a
socket must never reach the GraphQL router (which would run queries over it).
"""

from __future__ import annotations

from mauzo_common.http import App, Receive, Scope, Send

POLICY_VIOLATION = 1008  # RFC 6455 §7.4.1


class NoSockets:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await self.app(scope, receive, send)
