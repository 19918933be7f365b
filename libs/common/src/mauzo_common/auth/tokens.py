"""Signing and verifying Mauzo's JWTs with PyJWT (a kept JOSE library, not hand-rolled HMAC).

Access tokens are short-lived (`auth_access_ttl_seconds`); refresh tokens live longer and are
accepted only by the sign-in route's refresh grant. Each token names its key in the `kid`
header, so verification picks the key directly and a rotated-out key fails closed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

import jwt

from mauzo_common.auth.principal import Principal, PrincipalKind, Role
from mauzo_common.errors import Unauthenticated
from mauzo_common.settings import MauzoSettings

TokenType = Literal["access", "refresh"]
ALGORITHM = "HS256"
MIN_KEY_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash
VERIFIED_CAPACITY = 10_000  # distinct live tokens remembered per process
KINDS: frozenset[str] = frozenset({"user", "machine", "service"})


class KeysMissing(RuntimeError):
    """A service started without signing keys: a setup fault, reported at start, not per call."""


def check_keys(keys: Mapping[str, bytes]) -> None:
    if not keys:
        raise KeysMissing(
            "MAUZO_AUTH_KEYS is empty: set it to a JSON object of key id -> secret (at least "
            f"{MIN_KEY_BYTES} bytes each), or start the stack with `mauzo up`, which makes one."
        )
    short = [kid for kid, secret in keys.items() if len(secret) < MIN_KEY_BYTES]
    if short:
        raise KeysMissing(f"MAUZO_AUTH_KEYS: key(s) {short} shorter than {MIN_KEY_BYTES} bytes")


class Tokens:
    """Issues and verifies tokens for one deployment's keys, issuer and audience."""

    def __init__(self, settings: MauzoSettings) -> None:
        self.keys = {kid: s.get_secret_value().encode() for kid, s in settings.auth_keys.items()}
        check_keys(self.keys)
        self.signing_kid = next(iter(self.keys))
        self.issuer = settings.auth_issuer
        self.audience = settings.auth_audience
        self.access_ttl = settings.auth_access_ttl_seconds
        self.refresh_ttl = settings.auth_refresh_ttl_seconds
        self.external = ExternalIssuer.from_settings(settings)
        self.clock: Callable[[], float] = time.time
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(self, principal: Principal, typ: TokenType = "access", ttl: int | None = None) -> str:
        now = int(time.time())
        lifetime = ttl or (self.access_ttl if typ == "access" else self.refresh_ttl)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": principal.subject,
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "typ": typ,
            "role": principal.role.label,
            "kind": principal.kind,
        }
        if principal.branches is not None:
            claims["branches"] = sorted(principal.branches)
        return jwt.encode(
            claims, self.keys[self.signing_kid], ALGORITHM, headers={"kid": self.signing_kid}
        )

    def pair(self, principal: Principal) -> dict[str, Any]:
        """The OAuth2 token response (RFC 6749 §5.1) for a principal that just signed in."""
        return {
            "access_token": self.issue(principal, "access"),
            "refresh_token": self.issue(principal, "refresh"),
            "token_type": "Bearer",
            "expires_in": self.access_ttl,
            "role": principal.role.label,
            "branches": None if principal.branches is None else sorted(principal.branches),
        }

    def verify(self, token: str, typ: TokenType = "access") -> Principal:
        """The token's principal, or `Unauthenticated`. An access token that verified once is
        remembered until it expires: a dashboard or script sends the same token on every
        request, and the HMAC check and claim parsing (about 60 µs) were most of the gate's
        cost on a cached answer. Keys are fixed for a process's life, so a remembered token
        stays exactly as valid as checking it again; only its expiry moves, and that is
        checked on every hit."""
        if typ == "access":
            hit = self._verified.get(token)
            if hit is not None:
                principal, expires = hit
                if self.clock() < expires:
                    return principal
                del self._verified[token]
                raise expired()
        principal, until = self._check(token, typ)
        if typ == "access" and until is not None:
            if len(self._verified) >= VERIFIED_CAPACITY:
                self._verified.clear()  # bounded; a full reset is rare and costs one check each
            self._verified[token] = (principal, until)
        return principal

    def _check(self, token: str, typ: TokenType) -> tuple[Principal, float | None]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise invalid("the token is not a JWT") from exc
        kid = header.get("kid")
        if kid not in self.keys:
            if self.external is not None and typ == "access":
                return self.external.verify(token), None  # its keys rotate: checked each time
            raise invalid("the token is signed with a key this deployment does not hold")
        try:
            claims = jwt.decode(
                token,
                self.keys[kid],
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise expired() from exc
        except jwt.PyJWTError as exc:
            raise invalid(str(exc)) from exc
        if claims.get("typ") != typ:
            raise invalid(f"this is a {claims.get('typ')} token; the route needs the {typ} token")
        until = float(claims["exp"])
        if self.clock() >= until:  # the same clock as a remembered token's expiry
            raise expired()
        return principal_from(claims, "role", "branches"), until


def expired() -> Unauthenticated:
    return Unauthenticated(
        "The token has expired.", hint="Sign in again, or use the refresh token."
    )


def invalid(why: str) -> Unauthenticated:
    return Unauthenticated(
        f"The token is not valid: {why}.", hint="Sign in again at POST /api/auth/token."
    )


def principal_from(claims: Mapping[str, Any], role_claim: str, branches_claim: str) -> Principal:
    try:
        role = Role.parse(str(claims.get(role_claim, "")))
    except ValueError as exc:
        raise invalid(f"claim {role_claim!r}: {exc}") from exc
    kind = str(claims.get("kind", "user"))
    branches = claims.get(branches_claim)
    if branches is not None and not (
        isinstance(branches, list) and all(isinstance(b, str) for b in branches)
    ):
        raise invalid(f"claim {branches_claim!r} must be a list of branch names")
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        kind=_kind(kind),
        branches=None if branches is None else frozenset(branches),
    )


def _kind(text: str) -> PrincipalKind:
    if text == "machine":
        return "machine"
    if text == "service":
        return "service"
    return "user"


class ExternalIssuer:
    """An OIDC provider's access tokens (Keycloak in docker-compose), checked against its JWKS.
    Such tokens can never claim to be a service: only our own keys sign those."""

    def __init__(self, settings: MauzoSettings) -> None:
        self.jwks = jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True, lifespan=300)
        self.issuer = settings.auth_oidc_issuer or None
        self.audience = settings.auth_audience
        self.role_claim = settings.auth_role_claim
        self.branches_claim = settings.auth_branches_claim

    @classmethod
    def from_settings(cls, settings: MauzoSettings) -> ExternalIssuer | None:
        return cls(settings) if settings.auth_jwks_url else None

    def verify(self, token: str) -> Principal:
        try:
            key = self.jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256", "EdDSA"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("The token has expired.", hint="Sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise invalid(str(exc)) from exc
        principal = principal_from(claims, self.role_claim, self.branches_claim)
        if principal.kind == "service":
            raise invalid("an external issuer cannot sign for a Mauzo service")
        return principal
