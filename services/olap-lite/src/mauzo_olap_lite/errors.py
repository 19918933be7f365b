"""Druid's error bodies and the overlord's plain `{"error": ...}` answers.

See docs/druid.md#error-bodies.

Modern shape (`DruidException` via `ErrorResponse.getAsMap`):
    {"error": "druidException", "errorCode", "persona", "category", "errorMessage", "context"}
Legacy QueryException wrapped the same way (`QueryExceptionCompat`): `error` holds the legacy code
("Query timeout", "Query cancelled"), `errorCode` is "legacyQueryException", and `errorClass` /
`host`are added both at the top level and in `context`. The HTTP status follows the category.
"""

from __future__ import annotations

from typing import Any

CATEGORY_STATUS = {
    "INVALID_INPUT": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "CAPACITY_EXCEEDED": 429,
    "DEFENSIVE": 500,
    "RUNTIME_FAILURE": 500,
    "CANCELED": 500,
    "UNCATEGORIZED": 500,
    "UNSUPPORTED": 501,
    "SERVICE_UNAVAILABLE": 503,
    "TIMEOUT": 504,
}


class DruidError(Exception):
    """A SQL/API failure rendered in Druid's body shape."""

    def __init__(
        self,
        category: str,
        error_code: str,
        message: str,
        *,
        persona: str = "USER",
        context: dict[str, Any] | None = None,
        legacy_code: str | None = None,
        error_class: str | None = None,
    ) -> None:
        super().__init__(message)
        self.category = category
        self.error_code = error_code
        self.message = message
        self.persona = persona
        self.context = context or {}
        self.legacy_code = legacy_code
        self.error_class = error_class

    @property
    def status(self) -> int:
        return CATEGORY_STATUS.get(self.category, 500)

    def body(self) -> dict[str, Any]:
        if self.legacy_code is None:
            return {
                "error": "druidException",
                "errorCode": self.error_code,
                "persona": self.persona,
                "category": self.category,
                "errorMessage": self.message,
                "context": {k: str(v) for k, v in self.context.items()},
            }
        context = {
            "host": None,
            "errorClass": self.error_class,
            "legacyErrorCode": self.legacy_code,
        }
        return {
            "error": self.legacy_code,
            "errorClass": self.error_class,
            "host": None,
            "errorCode": "legacyQueryException",
            "persona": "OPERATOR",
            "category": self.category,
            "errorMessage": self.message,
            "context": context,
        }


def invalid_input(message: str, **context: Any) -> DruidError:
    return DruidError("INVALID_INPUT", "invalidInput", message, context=context)


class UnknownObject(DruidError):
    """A table the query names does not exist (Druid's wording): its own type, because the SQL
    engine reads the datasource list again before giving up."""


def object_not_found(name: str, **context: Any) -> UnknownObject:
    return UnknownObject(
        "INVALID_INPUT", "invalidInput", f"Object '{name}' not found", context=context
    )


def planning_error(reason: str) -> DruidError:
    """A query the SQL planner cannot plan: Druid's QueryHandler answers with this wording, the
    ADMIN persona and errorCode "general" (400)."""
    return DruidError(
        "INVALID_INPUT",
        "general",
        f"Query could not be planned. A possible reason is [{reason}]",
        persona="ADMIN",
    )


def query_timeout(message: str) -> DruidError:
    return DruidError(
        "TIMEOUT",
        "legacyQueryException",
        message,
        legacy_code="Query timeout",
        error_class="org.apache.druid.query.QueryTimeoutException",
    )


def query_cancelled(query_id: str) -> DruidError:
    return DruidError(
        "CANCELED",
        "legacyQueryException",
        f"Query [{query_id}] was canceled",
        legacy_code="Query cancelled",
        error_class="org.apache.druid.query.QueryInterruptedException",
    )


def runtime_failure(message: str) -> DruidError:
    return DruidError("RUNTIME_FAILURE", "general", message, persona="OPERATOR")


class OverlordError(Exception):
    """An Overlord answer `{"error": message}` with an HTTP status.

    See docs/druid.md#overlord-task-api.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SpecError(OverlordError):
    """The ingestion spec cannot be accepted (400, like Druid's Jackson/validation failures)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)
