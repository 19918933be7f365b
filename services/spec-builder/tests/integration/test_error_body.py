"""spec-builder serves only its health over HTTP; what else reaches it gets Mauzo's one error body.

It has no route with fields to validate and no domain error that reaches HTTP (its failures are
the event handler's), so an unknown route and a wrong method are what a client can meet.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_common.testing.errors import assert_error_body
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.settings import SpecBuilderSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token


async def test_unknown_route_and_wrong_method_get_the_error_body(tmp_path: Path) -> None:
    app = create_app(SpecBuilderSettings(data_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    rid = {"x-request-id": "spec-rid-1"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://spec-builder", auth=ADMIN
    ) as http:
        unknown = await http.get("/druid/indexer/v1/task", headers=rid)
        wrong_method = await http.post("/api/health", headers=rid)
    assert_error_body(unknown, 404, "not_found")
    assert_error_body(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "GET"
    for response in (unknown, wrong_method):
        assert response.headers["x-request-id"] == "spec-rid-1"
