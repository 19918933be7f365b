"""Native query failures in the body Druid documents for them (Druid's querying/querying.md):
`{"error": code, "errorMessage", "errorClass", "host"}`, with the code's HTTP status."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.errors import DruidError


class NativeQueryError(Exception):
    def __init__(self, status: int, code: str, message: str, error_class: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.error_class = error_class

    def body(self) -> dict[str, Any]:
        return {
            "error": self.code,
            "errorMessage": self.message,
            "errorClass": self.error_class,
            "host": None,
        }


def bad_query(message: str) -> NativeQueryError:
    """A query Druid cannot deserialize or validate: it fails in Jackson, answered as 400."""
    return NativeQueryError(
        400,
        "Json parse failed",
        message,
        "com.fasterxml.jackson.databind.exc.ValueInstantiationException",
    )


def unsupported(message: str) -> NativeQueryError:
    return NativeQueryError(
        501, "Unsupported operation", message, "org.apache.druid.query.QueryUnsupportedException"
    )


def from_druid(exc: DruidError) -> NativeQueryError:
    """The SQL engine's errors (timeout, cancellation, DuckDB failures) in the native shape."""
    if exc.legacy_code is not None:
        return NativeQueryError(exc.status, exc.legacy_code, exc.message, exc.error_class)
    if exc.category == "INVALID_INPUT":
        return bad_query(exc.message)
    return NativeQueryError(500, "Unknown exception", exc.message, "java.lang.RuntimeException")
