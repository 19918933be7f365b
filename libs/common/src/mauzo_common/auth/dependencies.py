"""Per-route checks on the principal the `Authenticate` gate put on the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends
from starlette.requests import HTTPConnection

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.errors import Forbidden, Unauthenticated


def principal_of(request: HTTPConnection) -> Principal:
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        # The gate was bypassed (a route listed as public by mistake): refuse, never guess.
        raise Unauthenticated("This route needs a bearer token.")
    return principal


def require(role: Role) -> Callable[[HTTPConnection], Principal]:
    """A FastAPI dependency: the caller's principal when its role is at least `role`, else 403."""

    # HTTPConnection, not Request: the same check guards WebSocket routes (GraphQL over WS).
    def check(request: HTTPConnection) -> Principal:
        principal = principal_of(request)
        if not principal.may(role):
            raise Forbidden(
                f"This needs the {role.label} role; {principal.subject} is a "
                f"{principal.role.label}.",
                hint="Ask an admin for the role, or sign in as a user who has it.",
            )
        return principal

    check.__name__ = f"require_{role.label}"
    return check


def service_only(request: HTTPConnection) -> Principal:
    """A FastAPI dependency for routes only Mauzo's services call (a user of any role: 403).
    As a dependency it refuses before the body is validated, so a user learns nothing of it."""
    principal = principal_of(request)
    if not principal.is_service:
        raise Forbidden(
            "Only Mauzo's services call this route.",
            hint="It is part of the stack's own work, not of the API.",
        )
    return principal


def guarded(role: Role) -> list[Any]:
    """`dependencies=guarded(Role.ADMIN)` for a router or route: the role check, unused value."""
    return [Depends(require(role))]
