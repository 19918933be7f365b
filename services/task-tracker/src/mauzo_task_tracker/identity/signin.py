"""POST /api/auth/token: the OAuth 2.0 token endpoint (RFC 6749 §3.2), form-encoded.

Grants: `password` (a user), `refresh_token` (re-reads the user or key, so a removal, a disabled
account or a new role takes effect at the next refresh), `client_credentials` (an API key, in
the form or as HTTP Basic, §2.3.1). A refusal is the same 401 `invalid_grant` whether the name
exists or not, after the same Argon2 work. Every attempt is audited, never with the secret.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mauzo_common.auth.principal import Principal
from mauzo_common.auth.tokens import Tokens
from mauzo_common.errors import MalformedRequest, MauzoError, Unauthenticated
from mauzo_task_tracker.identity.accounts import Accounts
from mauzo_task_tracker.identity.audit import AuditLog, Origin

router = APIRouter(prefix="/api/auth")
GRANTS = ("password", "refresh_token", "client_credentials")
MAX_FIELD = 1024


class Refused(Unauthenticated):
    code = "invalid_grant"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, hint="Check the credentials, or ask an admin for an account.")
        self.reason = reason


WRONG_PASSWORD = "The user name or password is not right."  # noqa: S105 - a message
WRONG_KEY = "The API key is not right, or it was revoked."
STALE_REFRESH = "The refresh token no longer holds; sign in again."


def _field(form: Mapping[str, object], name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedRequest("invalid_request", f"The form field {name!r} is missing.")
    if len(value) > MAX_FIELD:
        raise MalformedRequest("invalid_request", f"The form field {name!r} is too long.")
    return value


def basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except ValueError as exc:  # binascii.Error, non-ASCII input, bytes that are not UTF-8
        raise MalformedRequest("invalid_request", "The Basic credentials are not base64.") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise MalformedRequest("invalid_request", "The Basic credentials lack the ':'.")
    # RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


class SignIn:
    def __init__(self, accounts: Accounts, tokens: Tokens, audit: AuditLog) -> None:
        self.accounts = accounts
        self.tokens = tokens
        self.audit = audit

    async def grant(self, request: Request) -> Principal:
        form = await request.form()
        grant_type = form.get("grant_type")
        origin = Origin.of(request)
        if grant_type not in GRANTS:
            shown = str(grant_type)[:40] if grant_type else "none"
            await asyncio.to_thread(
                self.audit.record, origin, actor="-", actor_kind="user", action="auth.token",
                outcome="refused", detail={"grant_type": shown, "reason": "unsupported grant"},
            )  # fmt: skip
            raise MalformedRequest(
                "unsupported_grant_type",
                f"grant_type {shown!r} is not supported here.",
                hint="Use one of: " + ", ".join(GRANTS) + ".",
            )
        actor, kind = "-", "user"
        try:
            if grant_type == "password":
                actor = _field(form, "username")[:64]
                principal = await self._password(actor, _field(form, "password"))
            elif grant_type == "client_credentials":
                kind = "machine"
                client_id, secret = basic_credentials(request) or (
                    _field(form, "client_id"),
                    _field(form, "client_secret"),
                )
                actor = client_id[:64]
                principal = await self._key(client_id, secret)
            else:
                principal = self._verify_refresh(_field(form, "refresh_token"))
                actor, kind = principal.subject, principal.kind
                principal = await asyncio.to_thread(self._current, principal)
        except MauzoError as refusal:
            reason = refusal.reason if isinstance(refusal, Refused) else refusal.code
            await asyncio.to_thread(
                self.audit.record, origin, actor=actor, actor_kind=kind, action="auth.token",
                outcome="refused", detail={"grant_type": grant_type, "reason": reason},
            )  # fmt: skip
            raise
        await asyncio.to_thread(
            self.audit.record, origin, actor=principal.subject, actor_kind=principal.kind,
            action="auth.token", outcome="ok",
            detail={"grant_type": grant_type, "role": principal.role.label},
        )  # fmt: skip
        return principal

    async def _password(self, username: str, password: str) -> Principal:
        principal = await asyncio.to_thread(self.accounts.check_password, username, password)
        if principal is None:
            raise Refused(WRONG_PASSWORD, "wrong user name or password, or disabled")
        return principal

    async def _key(self, client_id: str, secret: str) -> Principal:
        principal = await asyncio.to_thread(self.accounts.check_key, client_id, secret)
        if principal is None:
            raise Refused(WRONG_KEY, "unknown, wrong or revoked key")
        return principal

    def _verify_refresh(self, token: str) -> Principal:
        try:
            return self.tokens.verify(token, "refresh")
        except Unauthenticated as exc:
            raise Refused(STALE_REFRESH, "refresh token not valid") from exc

    def _current(self, principal: Principal) -> Principal:
        if principal.kind == "user":
            now = self.accounts.current_user(principal.subject)
        elif principal.kind == "machine":
            now = self.accounts.current_key(principal.subject)
        else:
            now = None  # services mint their own tokens; they never refresh
        if now is None:
            raise Refused(STALE_REFRESH, "user or key removed, disabled or revoked")
        return now


@router.post("/token")
async def token(request: Request) -> JSONResponse:
    """Sign in (OAuth 2.0 token endpoint). Form fields as RFC 6749 names them."""
    signin: SignIn = request.app.state.signin
    principal = await signin.grant(request)
    # RFC 6749 §5.1: token responses must not be cached.
    return JSONResponse(
        signin.tokens.pair(principal), headers={"Cache-Control": "no-store", "Pragma": "no-cache"}
    )
