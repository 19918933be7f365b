"""Tokens for tests: the session's key is put in the environment (by the pytest plugin), so
every service a test starts, in process or as a child, verifies what these helpers mint."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Generator, Iterable

import httpx

from mauzo_common.auth.principal import Principal, PrincipalKind, Role
from mauzo_common.auth.service import MintedBearer
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings

TEST_KEY_ID = "test-1"
TEST_KEY = "mauzo-test-signing-key-0123456789abcdef"  # a test fixture, never a deployment's
TEST_DRUID_PASSWORD = "mauzo-test-druid-password"  # noqa: S105 - the same: tests only


def install_test_keys() -> None:
    os.environ.setdefault("MAUZO_AUTH_KEYS", json.dumps({TEST_KEY_ID: TEST_KEY}))
    os.environ.setdefault("MAUZO_DRUID_PASSWORD", TEST_DRUID_PASSWORD)
    # Suites fire hundreds of requests a second as one test identity (load, chaos, benches):
    # off unless a test turns the limits on in its own settings (tests/security does).
    os.environ.setdefault("MAUZO_LIMITS_ENABLED", "false")


def test_tokens() -> Tokens:
    install_test_keys()
    return Tokens(MauzoSettings())


def principal(
    role: Role = Role.ADMIN,
    branches: frozenset[str] | None = None,
    subject: str | None = None,
    kind: PrincipalKind = "user",
) -> Principal:
    return Principal(subject or f"test-{role.label}", role, kind, branches)


def token(role: Role = Role.ADMIN, branches: frozenset[str] | None = None, **kw: str) -> str:
    return test_tokens().issue(principal(role, branches, kw.get("subject")))


def bearer(role: Role = Role.ADMIN, branches: frozenset[str] | None = None) -> dict[str, str]:
    """Headers of a request from a user with `role` (and, if given, only those branches)."""
    return {"Authorization": f"Bearer {token(role, branches)}"}


def auth(role: Role = Role.ADMIN, branches: frozenset[str] | None = None) -> httpx.Auth:
    """An httpx auth for long-lived test clients: re-mints before the token expires."""
    return MintedBearer(test_tokens(), principal(role, branches))


def druid_basic() -> httpx.BasicAuth:
    """The services' credentials for the Druid API (olap-lite, or a Druid with basic security)."""
    install_test_keys()
    settings = MauzoSettings()
    assert settings.druid_password is not None
    return httpx.BasicAuth(settings.druid_username, settings.druid_password.get_secret_value())


def druid_credentials() -> tuple[str, str]:
    """(user, password) for Druid clients that take them apart (pydruid, its DB-API)."""
    basic = MauzoSettings()
    assert basic.druid_password is not None
    return basic.druid_username, basic.druid_password.get_secret_value()


def druid_headers() -> dict[str, str]:
    """The same as headers, for clients that take headers only (http.client, wrk)."""
    install_test_keys()
    pair = ":".join(druid_credentials()).encode()
    return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}


class ByDestination(httpx.Auth):
    """One client's credentials for a whole stack: olap-lite's Basic login on its port, a
    user's bearer token on every other service."""

    def __init__(self, olap_ports: Iterable[int], bearer: httpx.Auth, basic: httpx.Auth) -> None:
        self.olap_ports = frozenset(olap_ports)
        self.bearer = bearer
        self.basic = basic

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        chosen = self.basic if request.url.port in self.olap_ports else self.bearer
        yield from chosen.auth_flow(request)
