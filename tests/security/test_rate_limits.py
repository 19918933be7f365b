"""Per-identity rate limits and the sign-in brute-force guard, on the services' real apps."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.db import make_engine
from mauzo_common.testing.components import free_port, port_open
from mauzo_query_api.app import create_app as create_query_api
from mauzo_query_api.settings import QueryApiSettings
from mauzo_task_tracker.app import create_app as create_tracker
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.settings import TrackerSettings

from .conftest import client_of, gated, headers_of

ASK = {"query": "{ __typename }"}


def query_api(**overrides: object) -> QueryApiSettings:
    values: dict[str, object] = {
        "druid_router_url": f"http://127.0.0.1:{free_port()}",  # nothing listens: no OLAP needed
        "druid_max_retries": 0,
        "consume_events": False,
        "limits_enabled": True,
    }
    return QueryApiSettings(**(values | overrides))  # type: ignore[arg-type]


async def test_a_user_over_the_rate_gets_429_with_retry_after_and_recovers_after_the_window():
    app = gated(create_query_api(query_api(rate_limit_viewer="3/2 seconds")))
    amina, baraka = headers_of("amina"), headers_of("baraka")
    async with client_of(app, lifespan=True) as client:
        answers = [await client.post("/graphql", json=ASK, headers=amina) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert answers[0].json() == {"data": {"__typename": "Query"}}

        refused = await client.post("/graphql", json=ASK, headers=amina)
        assert refused.status_code == 429
        body = refused.json()
        assert body["data"] is None  # query-api's REST envelope around the standard error
        assert body["error"]["code"] == "rate_limited"
        assert "3 per 2 seconds" in body["error"]["message"]
        assert body["error"]["request_id"] == refused.headers["x-request-id"]
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 2
        assert refused.headers["x-content-type-options"] == "nosniff"

        # Another user has a counter of their own.
        assert (await client.post("/graphql", json=ASK, headers=baraka)).status_code == 200

        await asyncio.sleep(wait + 0.2)
        assert (await client.post("/graphql", json=ASK, headers=amina)).status_code == 200


async def test_each_role_has_its_own_rate_and_services_are_never_limited():
    settings = query_api(rate_limit_viewer="1/minute", rate_limit_admin="2/minute")
    app = gated(create_query_api(settings))
    viewer = headers_of("v", Role.VIEWER)
    admin = headers_of("a", Role.ADMIN)
    service = headers_of("service:upload", Role.ADMIN, kind="service")
    async with client_of(app, lifespan=True) as client:
        viewer_codes = [(await client.post("/graphql", json=ASK, headers=viewer)).status_code]
        viewer_codes.append((await client.post("/graphql", json=ASK, headers=viewer)).status_code)
        admin_codes = [
            (await client.post("/graphql", json=ASK, headers=admin)).status_code for _ in range(3)
        ]
        service_codes = {
            (await client.post("/graphql", json=ASK, headers=service)).status_code
            for _ in range(20)
        }
    assert viewer_codes == [200, 429]
    assert admin_codes == [200, 200, 429]
    assert service_codes == {200}


async def test_unauthenticated_requests_are_refused_by_the_gate_not_counted():
    app = gated(create_query_api(query_api(rate_limit_viewer="1/minute")))
    async with client_of(app, lifespan=True) as client:
        codes = {(await client.post("/graphql", json=ASK)).status_code for _ in range(5)}
        health = {(await client.get("/api/health")).status_code for _ in range(5)}
    assert codes == {401}
    assert health == {200}  # public probes are never limited


def tracker(tmp_path: Path, **overrides: object) -> TrackerSettings:
    settings = TrackerSettings(
        data_dir=tmp_path,
        limits_enabled=True,
        sign_in_rate_limit="3/minute",
        **overrides,  # type: ignore[arg-type]
    )
    # The tables the sign-in route reads (users), as the app's lifespan would create them.
    engine = make_engine(settings.sqlalchemy_url)
    upgrade_database(engine)
    engine.dispose()
    return settings


async def sign_in(app: object, ip: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    form = {"grant_type": "password", "username": "admin", "password": "guess"}
    async with client_of(app, ip=ip) as client:  # type: ignore[arg-type]
        answer = await client.post("/api/auth/token", data=form, headers=headers)
    if answer.status_code == 429:
        assert answer.json()["error"]["code"] == "rate_limited"
        assert "sign in" in answer.json()["error"]["message"]
        assert int(answer.headers["retry-after"]) > 0
    return answer.status_code


async def test_sign_in_attempts_are_limited_per_client_ip(tmp_path: Path):
    app = gated(create_tracker(tracker(tmp_path)))
    attempts = [await sign_in(app, "203.0.113.7") for _ in range(4)]
    assert 429 not in attempts[:3]
    assert attempts[3] == 429
    assert await sign_in(app, "203.0.113.8") != 429  # another address is unaffected
    # A client cannot pick a fresh address per attempt: its own X-Forwarded-For is not believed.
    assert await sign_in(app, "203.0.113.7", forwarded_for="198.51.100.1") == 429


async def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(tmp_path: Path):
    # query-api's gateway (loopback, trusted by default) forwards sign-ins to task-tracker.
    app = gated(create_tracker(tracker(tmp_path)))
    via = [await sign_in(app, "127.0.0.1", forwarded_for="198.51.100.9") for _ in range(4)]
    assert via[3] == 429
    assert await sign_in(app, "127.0.0.1", forwarded_for="198.51.100.10") != 429
    # The rightmost hop is the one the proxy saw; what the client prepended is ignored.
    spoofed = "10.9.9.9, 198.51.100.9"
    assert await sign_in(app, "127.0.0.1", forwarded_for=spoofed) == 429


@pytest.mark.skipif(not port_open(6379), reason="Redis is not listening on 127.0.0.1:6379")
async def test_replicas_sharing_redis_share_each_users_limit():
    settings = query_api(
        rate_limit_storage="redis://127.0.0.1:6379/0", rate_limit_viewer="3/minute"
    )
    first, second = (gated(create_query_api(settings)) for _ in range(2))
    user = headers_of(f"shared-{uuid.uuid4().hex}")
    async with client_of(first, lifespan=True) as a, client_of(second, lifespan=True) as b:
        codes = [(await a.post("/graphql", json=ASK, headers=user)).status_code for _ in range(2)]
        codes += [(await b.post("/graphql", json=ASK, headers=user)).status_code for _ in range(2)]
    assert codes == [200, 200, 200, 429]


async def test_limits_can_be_switched_off():
    app = gated(create_query_api(query_api(limits_enabled=False, rate_limit_viewer="1/minute")))
    user = headers_of("unlimited")
    async with client_of(app, lifespan=True) as client:
        codes = {
            (await client.post("/graphql", json=ASK, headers=user)).status_code for _ in range(5)
        }
    assert codes == {200}
