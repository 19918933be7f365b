"""Every refusal answers one body, `{"error": {code, message, hint, request_id}}`, with a real
status and the request id header, whatever raised it; an API may wrap the same error object."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI

from mauzo_common.errors import Conflict, InputRejected, TooLarge, TransientError
from mauzo_common.http_errors import ErrorObject, ErrorStyle, install_error_handlers

KEYS = {"code", "message", "hint", "request_id"}


class ShelfLocked(Conflict):
    code = "shelf_locked"
    hint = "Unlock the shelf first."


def _app(style: ErrorStyle | None = None) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    @app.post("/shelf")
    async def shelf() -> None:
        raise ShelfLocked("The shelf is locked.")

    @app.post("/upload")
    async def upload() -> None:
        raise TooLarge("file_too_large", "Over the limit.", "Send less.")

    @app.post("/bad")
    async def bad() -> None:
        raise InputRejected("bad_field", "That field is wrong.")

    @app.get("/down")
    async def down() -> None:
        raise TransientError("The store is down.", code="store_unavailable")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail")

    install_error_handlers(app, "test service", style)
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == KEYS
    assert error["request_id"] == response.headers["x-request-id"]
    return error


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nowhere", 404, "not_found"),
        ("POST", "/items/1", 405, "method_not_allowed"),
        ("GET", "/items/one", 422, "invalid_request"),
        ("POST", "/shelf", 409, "shelf_locked"),
        ("POST", "/upload", 413, "file_too_large"),
        ("POST", "/bad", 422, "bad_field"),
        ("GET", "/down", 503, "store_unavailable"),
        ("GET", "/boom", 500, "internal_error"),
    ],
)
async def test_every_refusal_has_one_shape_and_its_status(
    method: str, path: str, status: int, code: str
) -> None:
    async with _client(_app()) as client:
        response = await client.request(method, path, headers={"x-request-id": "rid-7"})
    assert response.status_code == status
    error = await _error(response)
    assert error["code"] == code
    assert error["request_id"] == "rid-7"
    assert error["message"]


async def test_a_validation_error_names_the_field() -> None:
    async with _client(_app()) as client:
        response = await client.get("/items/one")
    error = await _error(response)
    assert "path.item_id" in error["message"]
    assert error["hint"]


async def test_a_domain_error_carries_its_hint() -> None:
    async with _client(_app()) as client:
        error = await _error(await client.post("/shelf"))
    assert error == {
        "code": "shelf_locked",
        "message": "The shelf is locked.",
        "hint": "Unlock the shelf first.",
        "request_id": error["request_id"],
    }


async def test_an_unexpected_failure_is_logged_not_shown() -> None:
    with structlog.testing.capture_logs() as logs:
        async with _client(_app()) as client:
            response = await client.get("/boom", headers={"x-request-id": "rid-500"})
    error = await _error(response)
    assert "test service" in error["message"]
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    (failed,) = [entry for entry in logs if entry["event"] == "request_failed"]
    assert failed["log_level"] == "error"
    assert failed["exc_info"] is True


async def test_an_api_with_an_envelope_wraps_the_same_error_object() -> None:
    def envelope(error: ErrorObject) -> dict[str, Any]:
        return {"data": None, "error": error, "metadata": {"requestId": error["request_id"]}}

    style = ErrorStyle(
        wrap=envelope, invalid_status=400, invalid_code="BAD_USER_INPUT", not_found_code="NOPE"
    )
    async with _client(_app(style)) as client:
        invalid = await client.get("/items/one")
        missing = await client.get("/nowhere")
        domain = await client.post("/shelf")
        boom = await client.get("/boom")
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (400, "BAD_USER_INPUT")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "NOPE")
    assert (domain.status_code, domain.json()["error"]["code"]) == (409, "shelf_locked")
    assert boom.status_code == 500
    for response in (invalid, missing, domain, boom):
        body = response.json()
        assert body["data"] is None
        assert set(body["error"]) == KEYS
        assert body["metadata"]["requestId"] == response.headers["x-request-id"]
