"""Errors a client may see: a stable code, a safe message, and the HTTP status REST answers with.

Nothing here carries SQL text or a stack trace; the OLAP's own message is logged, never returned.
"""

from __future__ import annotations


class QueryError(Exception):
    """A question that cannot be answered; `code` is what clients branch on."""

    code = "INTERNAL"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidArgument(QueryError):
    code = "BAD_USER_INPUT"
    http_status = 400


class UnknownDatasource(QueryError):
    code = "DATASOURCE_NOT_FOUND"
    http_status = 404


class UnknownColumn(QueryError):
    code = "COLUMN_NOT_FOUND"
    http_status = 400


class OlapUnavailable(QueryError):
    code = "OLAP_UNAVAILABLE"
    http_status = 503


class OlapTimeout(QueryError):
    code = "OLAP_TIMEOUT"
    http_status = 504


class OlapFailed(QueryError):
    code = "OLAP_ERROR"
    http_status = 502


class TrackerUnavailable(QueryError):
    code = "TASK_TRACKER_UNAVAILABLE"
    http_status = 503


class UploadRejected(QueryError):
    code = "UPLOAD_REJECTED"
    http_status = 400


class UploadUnavailable(QueryError):
    code = "UPLOAD_UNAVAILABLE"
    http_status = 503
