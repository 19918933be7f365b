"""The Druid client presents the services' Basic credentials from the settings, as Druid's
basic-security extension (and olap-lite) asks; without the right ones the answer is Druid's 401,
told as an UNAUTHORIZED refusal and never retried."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidError
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.auth import druid_credentials


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def settings_for(url: str, **values: object) -> MauzoSettings:
    return MauzoSettings(druid_overlord_url=url, druid_router_url=url, **values)  # type: ignore[arg-type]


async def test_the_client_from_settings_sends_the_services_credentials(
    olap_lite_url: str, http: httpx.AsyncClient
) -> None:
    druid = DruidClient.from_settings(http, settings_for(olap_lite_url), timeout=10)
    assert await druid.sql("SELECT 1 AS one") == [{"one": 1}]


async def test_a_wrong_password_is_druids_unauthorized_refusal(
    olap_lite_url: str, http: httpx.AsyncClient
) -> None:
    wrong = settings_for(olap_lite_url, druid_password=SecretStr("not-the-password"))
    druid = DruidClient.from_settings(http, wrong, timeout=10)
    with pytest.raises(DruidError) as refused:
        await druid.sql("SELECT 1")
    assert refused.value.answer.status == 401
    assert refused.value.answer.category == "UNAUTHORIZED"


async def test_the_credentials_never_ride_on_the_shared_client(
    olap_lite_url: str,
) -> None:
    """The client's own auth (a service token for Mauzo services) is not what Druid gets."""
    seen: list[str] = []

    async def record(request: httpx.Request) -> None:
        seen.append(request.headers.get("authorization", ""))

    shared = httpx.AsyncClient(
        auth=("someone-else", "their-password"), event_hooks={"request": [record]}
    )
    async with shared:
        druid = DruidClient.from_settings(shared, settings_for(olap_lite_url), timeout=10)
        assert await druid.sql("SELECT 2 AS two") == [{"two": 2}]
    user, password = druid_credentials()
    assert seen == ["Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()]
