"""query-api exactly as `mauzo up` runs it, minus token verification: the overhead benchmark's
baseline. Every request is treated as an admin's, so nothing but the gate's own work (reading the
Authorization header, checking the JWT) differs from the real service.

    python bench/auth/gateless.py   (environment as query-api's; MAUZO_QUERY_API_PORT its port)
"""

from __future__ import annotations

import uvicorn

from mauzo_common.auth.middleware import Authenticate
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.http import App, Receive, Scope, Send
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings

ADMIN = Principal("bench-admin", Role.ADMIN)


class TrustEveryone:
    """Takes the gate's place: the principal it would have set, without looking at a token."""

    def __init__(self, app: App, **_: object) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["principal"] = ADMIN
        await self.app(scope, receive, send)


def main() -> None:
    # Everything as query-api's own entry point does it, so only the gate differs; its own
    # consumer group, so both hear every event (the real one keeps its partitions).
    settings = QueryApiSettings(events_group="bench-gateless-query-api")
    configure_logging("query-api", settings.log_level)
    configure_observability("query-api", settings)
    app = create_app(settings)
    gates = [m for m in app.user_middleware if m.cls is Authenticate]
    if len(gates) != 1:
        raise SystemExit(f"expected one Authenticate middleware in query-api, found {len(gates)}")
    gates[0].cls = TrustEveryone  # type: ignore[assignment]
    uvicorn.run(
        app, host=settings.host, port=settings.query_api_port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
