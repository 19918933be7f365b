"""HTTP Basic in front of every route, as Druid's basic-security extension asks for it.

Only Mauzo's services hold the credentials (`MAUZO_DRUID_USERNAME` / `MAUZO_DRUID_PASSWORD`):
olap-lite is the internal Druid API, and users reach the data through query-api, which applies
their role and branch scope. `/status/health` stays open, as in Druid, for probes. A refusal is
Druid's 401 body (docs/druid.md#error-bodies), which Druid clients already read.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json

from mauzo_common.http import App, Receive, Scope, Send, header
from mauzo_common.settings import MauzoSettings
from mauzo_olap_lite.errors import DruidError

PUBLIC_PATHS = frozenset({"/status/health"})


class PasswordMissing(RuntimeError):
    """olap-lite never serves data without credentials: a setup fault, told at start."""


def credentials(settings: MauzoSettings) -> tuple[bytes, bytes]:
    if settings.druid_password is None or not settings.druid_password.get_secret_value():
        raise PasswordMissing(
            "MAUZO_DRUID_PASSWORD is not set: olap-lite answers only the services that present "
            "it (HTTP Basic, user MAUZO_DRUID_USERNAME). `mauzo up` generates one."
        )
    return settings.druid_username.encode(), settings.druid_password.get_secret_value().encode()


def basic_credentials(scope: Scope) -> tuple[bytes, bytes] | None:
    scheme, _, encoded = header(scope, b"authorization").partition(b" ")
    if scheme.lower() != b"basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded.strip(), validate=True).partition(b":")
    except (binascii.Error, ValueError):
        return None
    return (user, password) if sep else None


class BasicAuthentication:
    def __init__(self, app: App, username: bytes, password: bytes) -> None:
        self.app = app
        self.username = username
        self.password = password

    def _allowed(self, scope: Scope) -> bool:
        given = basic_credentials(scope)
        if given is None:
            return False
        # Both compared in full, in constant time: a refusal says nothing about which was wrong.
        user_ok = hmac.compare_digest(given[0], self.username)
        password_ok = hmac.compare_digest(given[1], self.password)
        return user_ok and password_ok

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        error = DruidError("UNAUTHORIZED", "Unauthorized", "Unauthorized")
        body = json.dumps(error.body()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": error.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", b'Basic realm="druid"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
