"""The one HTTP error body, checked the same way in every service's tests."""

from __future__ import annotations

from typing import Any

import httpx

ERROR_KEYS = {"code", "message", "hint", "request_id"}


def assert_error_body(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """`{"error": {code, message, hint, request_id}}` with this status and code, the request id
    being the X-Request-Id header's; returns the error object for further checks."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["code"] == code, error
    assert error["message"], error
    assert error["request_id"] == response.headers["x-request-id"], error
    return error
