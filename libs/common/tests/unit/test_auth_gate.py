"""The gate and the role check on a small app built like a service's: who gets through, what a
refusal looks like, and the credentials a service presents to another (re-minted in time)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI, Request

from mauzo_common.auth.dependencies import guarded, principal_of, require
from mauzo_common.auth.middleware import install_authentication
from mauzo_common.auth.on_behalf import OnBehalf, acting_for
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.service import MintedBearer, service_auth
from mauzo_common.http_errors import install_error_handlers
from mauzo_common.testing.auth import bearer, principal
from mauzo_common.testing.auth import test_tokens as signing_tokens


def build() -> FastAPI:
    app = FastAPI()

    @app.get("/api/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/whoami")
    async def whoami(request: Request) -> dict[str, object]:
        who = principal_of(request)
        branches = None if who.branches is None else sorted(who.branches)
        token = request.headers["authorization"].removeprefix("Bearer ")
        jti = jwt.decode(token, options={"verify_signature": False})["jti"]
        return {"sub": who.subject, "role": who.role.label, "branches": branches, "jti": jti}

    @app.delete("/api/things", dependencies=guarded(Role.ADMIN))
    async def retract() -> dict[str, str]:
        return {"done": "yes"}

    @app.post("/api/upload")
    async def upload(who: Annotated[Principal, Depends(require(Role.UPLOADER))]) -> dict[str, str]:
        return {"owner": who.subject}

    @app.get("/page")
    async def page() -> dict[str, str]:
        return {"page": "sign-in"}

    install_authentication(app, signing_tokens(), public=["/page"])
    install_error_handlers(app, "test")
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as c:
        yield c


async def test_health_and_listed_public_routes_need_no_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/health")).status_code == 200
    assert (await client.get("/page")).status_code == 200


async def test_no_token_is_401_with_the_standard_body_and_a_bearer_challenge(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/api/whoami", headers={"x-request-id": "req-7"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert answer.headers["x-request-id"] == "req-7"
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "hint", "request_id"}
    assert error["code"] == "unauthenticated"
    assert error["request_id"] == "req-7"
    assert "POST /api/auth/token" in error["hint"]


@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwdw==", "Bearer", "Bearer   ", "bearer not-a-jwt", "Token x"]
)
async def test_anything_but_a_valid_bearer_token_is_401(
    client: httpx.AsyncClient, authorization: str
) -> None:
    answer = await client.get("/api/whoami", headers={"authorization": authorization})
    assert answer.status_code == 401


async def test_a_valid_token_puts_its_principal_on_the_request(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/whoami", headers=bearer(Role.VIEWER, frozenset({"Kisumu"})))
    assert answer.status_code == 200
    assert answer.json() | {"jti": ""} == {
        "sub": "test-viewer",
        "role": "viewer",
        "branches": ["Kisumu"],
        "jti": "",
    }


async def test_the_role_check_refuses_lower_roles_with_403_and_names_the_role_needed(
    client: httpx.AsyncClient,
) -> None:
    for role in (Role.VIEWER, Role.UPLOADER):
        answer = await client.delete("/api/things", headers=bearer(role))
        assert answer.status_code == 403
        error = answer.json()["error"]
        assert error["code"] == "forbidden"
        assert "admin" in error["message"]
        assert role.label in error["message"]
    assert (await client.delete("/api/things", headers=bearer(Role.ADMIN))).status_code == 200
    assert (await client.post("/api/upload", headers=bearer(Role.VIEWER))).status_code == 403
    owner = await client.post("/api/upload", headers=bearer(Role.UPLOADER))
    assert owner.json() == {"owner": "test-uploader"}


async def test_a_service_passes_every_role_check(client: httpx.AsyncClient) -> None:
    auth = service_auth(signing_tokens(), "upload")
    answer = await client.delete("/api/things", auth=auth)
    assert answer.status_code == 200


async def test_a_cors_preflight_is_not_asked_for_credentials(client: httpx.AsyncClient) -> None:
    answer = await client.options("/api/things")
    assert answer.status_code != 401


async def test_minted_bearer_renews_its_token_before_it_expires(client: httpx.AsyncClient) -> None:
    auth = MintedBearer(signing_tokens(), principal(Role.UPLOADER), ttl=2)
    first = (await client.get("/api/whoami", auth=auth)).json()
    again = (await client.get("/api/whoami", auth=auth)).json()
    assert again["jti"] == first["jti"]  # still fresh: the same token
    await asyncio.sleep(1.1)  # past half its life (ttl 2 s, renewed from 1 s on)
    renewed = await client.get("/api/whoami", auth=auth)
    assert renewed.status_code == 200
    assert renewed.json()["jti"] != first["jti"]
    await asyncio.sleep(2.1)  # the first token has now expired; the client never sends it
    assert (await client.get("/api/whoami", auth=auth)).status_code == 200


async def test_a_forwarded_user_token_wins_over_the_service_token(
    client: httpx.AsyncClient,
) -> None:
    auth = service_auth(signing_tokens(), "query-api")
    answer = await client.get("/api/whoami", auth=auth, headers=bearer(Role.VIEWER))
    assert answer.json()["sub"] == "test-viewer"
    assert (await client.get("/api/whoami", auth=auth)).json()["sub"] == "service:query-api"


async def test_on_behalf_sends_the_served_callers_token_else_the_services(
    client: httpx.AsyncClient,
) -> None:
    auth = OnBehalf(service_auth(signing_tokens(), "query-api"))

    async def serving(authorization: str | None) -> str:
        acting_for(authorization)  # what query-api does for each request it serves
        answer = await client.get("/api/whoami", auth=auth)
        return str(answer.json()["sub"])

    user = bearer(Role.UPLOADER)["Authorization"]
    assert await asyncio.create_task(serving(user)) == "test-uploader"
    assert await asyncio.create_task(serving(None)) == "service:query-api"
    # Each request is a task of its own: one caller's token never leaks into another's calls.
    assert (await client.get("/api/whoami", auth=auth)).json()["sub"] == "service:query-api"
