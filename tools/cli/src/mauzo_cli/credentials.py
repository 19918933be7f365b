"""How the `mauzo` command authenticates to the stack's HTTP APIs.

With an API key (`--api-key` or MAUZO_API_KEY, "<client_id>.<secret>") it signs in with the
client-credentials grant at task-tracker. Without one it is the operator on the stack's own
machine: it mints a short-lived admin token with the signing keys `mauzo up` keeps in
<data_dir>/secrets (or MAUZO_AUTH_KEYS), as subject "cli:<os user>".
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Generator

import httpx
from pydantic import SecretStr

from mauzo_common.auth.local_secrets import auth_keys_path, read_auth_keys
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.service import MintedBearer
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings

CLI_TOKEN_SECONDS = 600
RENEW_BEFORE_SECONDS = 30


class NoCredentials(RuntimeError):
    """Neither an API key nor the stack's signing keys: the CLI cannot authenticate."""


def local_tokens(settings: MauzoSettings) -> Tokens:
    if settings.auth_keys:
        return Tokens(settings)
    keys = read_auth_keys(settings.data_dir)
    if not keys:
        raise NoCredentials(
            f"no signing keys in MAUZO_AUTH_KEYS or {auth_keys_path(settings.data_dir)}: start the "
            "stack with `mauzo up` (it makes them), or pass --api-key / set MAUZO_API_KEY."
        )
    updated = {"auth_keys": {kid: SecretStr(secret) for kid, secret in keys.items()}}
    return Tokens(settings.model_copy(update=updated))


def operator() -> Principal:
    return Principal(f"cli:{getpass.getuser()}", Role.ADMIN, "user")


class ClientCredentials(httpx.Auth):
    """Signs in with an API key (RFC 6749 §4.4) and sends the access token, signing in again
    shortly before it expires."""

    def __init__(self, token_url: str, api_key: str) -> None:
        client_id, sep, secret = api_key.strip().partition(".")
        if not sep or not client_id or not secret:
            raise NoCredentials("an API key looks like <client_id>.<secret> (as `mauzo apikey "
                                "add` printed it)")  # fmt: skip
        self.token_url = token_url
        self.client_id = client_id
        self.secret = secret
        self._token = ""
        self._renew_at = 0.0

    def token(self) -> str:
        if time.monotonic() < self._renew_at:
            return self._token
        try:
            response = httpx.post(
                self.token_url,
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.secret),
                timeout=30,
            )
        except httpx.HTTPError as exc:
            raise NoCredentials(f"cannot sign in at {self.token_url}: {exc}") from exc
        if response.status_code != 200:
            raise NoCredentials(f"the API key was refused: {error_text(response)}")
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 60))
        self._renew_at = time.monotonic() + max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2)
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        yield request


def cli_auth(settings: MauzoSettings, api_key: str | None = None) -> httpx.Auth:
    if api_key:
        return ClientCredentials(f"{settings.tracker_url}/api/auth/token", api_key)
    return MintedBearer(local_tokens(settings), operator(), CLI_TOKEN_SECONDS)


def error_text(response: httpx.Response) -> str:
    """The standard error body's message and hint, or the status when there is none."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    if not isinstance(error, dict) or not error.get("message"):
        return f"HTTP {response.status_code}"
    hint = f" ({error['hint']})" if error.get("hint") else ""
    return f"{error['message']}{hint}"
