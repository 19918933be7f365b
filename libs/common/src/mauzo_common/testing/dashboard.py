"""A signed-in dashboard for browser tests and benchmarks that are not about signing in.

The dashboard keeps its session in sessionStorage under `mauzo.session` (see
services/query-api/dashboard/src/lib/auth.ts); an init script that stores one before the app
starts opens every page signed in, as after a real sign-in, without a user in the task DB.
"""

from __future__ import annotations

import json
import time
from typing import Any

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import token

SESSION_KEY = "mauzo.session"


def session_of(answer: dict[str, Any], username: str) -> dict[str, Any]:
    """The dashboard's stored session for a token response of POST /api/auth/token."""
    return {
        "username": username,
        "accessToken": answer["access_token"],
        "refreshToken": answer.get("refresh_token"),
        "expiresAt": int((time.time() + float(answer["expires_in"])) * 1000),
        "role": answer["role"],
        "branches": answer.get("branches"),
    }


def session_script(session: dict[str, Any]) -> str:
    """JavaScript for `context.add_init_script`: the session is there before the app reads it."""
    return f"sessionStorage.setItem({json.dumps(SESSION_KEY)}, {json.dumps(json.dumps(session))});"


def minted_session(
    role: Role = Role.ADMIN, branches: frozenset[str] | None = None
) -> dict[str, Any]:
    """A session with a test token (the stack must verify the test key: MAUZO_AUTH_KEYS).
    It has no refresh token, so it lasts the access token's lifetime (15 minutes)."""
    answer = {
        "access_token": token(role, branches),
        "refresh_token": None,
        "expires_in": 900,
        "role": role.label,
        "branches": None if branches is None else sorted(branches),
    }
    return session_of(answer, f"test-{role.label}")
