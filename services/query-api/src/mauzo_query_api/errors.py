"""Errors a client may see: a stable code, a safe message, a hint, and the HTTP status REST
answers with. Codes are GraphQL-style (UPPER_CASE) in REST and GraphQL alike.

Nothing here carries SQL text or a stack trace; the OLAP's own message is logged, never returned.
"""

from __future__ import annotations

from mauzo_common.errors import MauzoError


class QueryError(MauzoError):
    """A question that cannot be answered; `code` is what clients branch on."""

    code = "INTERNAL"


class InvalidArgument(QueryError):
    code = "BAD_USER_INPUT"
    status = 400
    hint = "Fix the argument named in the message; the schema lists the accepted values."


class UnknownDatasource(QueryError):
    code = "DATASOURCE_NOT_FOUND"
    status = 404
    hint = "The `datasources` query lists the datasources that exist."


class UnknownColumn(QueryError):
    code = "COLUMN_NOT_FOUND"
    status = 400
    hint = "The `datasources` query lists each datasource's columns."


class OlapUnavailable(QueryError):
    code = "OLAP_UNAVAILABLE"
    status = 503
    hint = "Retry in a moment."


class OlapTimeout(QueryError):
    code = "OLAP_TIMEOUT"
    status = 504
    hint = "Narrow the date range or the filters, then retry."


class OlapFailed(QueryError):
    code = "OLAP_ERROR"
    status = 502
    hint = "Retry; if it keeps failing, report the request id."


class TrackerUnavailable(QueryError):
    code = "TASK_TRACKER_UNAVAILABLE"
    status = 503
    hint = "Retry in a moment."


class UploadRejected(QueryError):
    code = "UPLOAD_REJECTED"
    status = 400
    hint = "Fix the file as the message says, then upload it again."


class UploadUnavailable(QueryError):
    code = "UPLOAD_UNAVAILABLE"
    status = 503
    hint = "Retry in a moment."


class ServiceUnavailable(QueryError):
    """A service the dashboard's gateway passes requests to did not answer."""

    code = "SERVICE_UNAVAILABLE"
    status = 502
    hint = "Diagnostics shows which services are up; retry once it is."


class QueryTooCostly(QueryError):
    """The operation's static cost estimate (graphql/cost.py) is over the limit."""

    code = "QUERY_TOO_COSTLY"
    status = 400

    def __init__(self, cost: int, max_cost: int) -> None:
        super().__init__(
            f"The query's estimated cost is {cost}, over the limit of {max_cost}.",
            hint="Ask for fewer rows (smaller `limit`), fewer fields or fewer aliases, or split "
            "the query; each field costs 1 and a list multiplies what it selects by its limit.",
        )
        self.extensions = {"cost": cost, "maxCost": max_cost}


class BadGraphQLRequest(QueryError):
    """The GraphQL transport refused the request before any operation (batch, mutation over
    GET, a body that is not a GraphQL request)."""

    code = "BAD_REQUEST"
    status = 400
    hint = "Send one operation as a JSON object {query, variables, operationName} by POST."

    @classmethod
    def of(cls, status: int, reason: str) -> BadGraphQLRequest:
        kind = {404: GraphQLNotFound, 405: GraphQLMethodNotAllowed}.get(status, cls)
        return kind(reason)


class GraphQLNotFound(BadGraphQLRequest):
    code = "NOT_FOUND"
    status = 404


class GraphQLMethodNotAllowed(BadGraphQLRequest):
    code = "METHOD_NOT_ALLOWED"
    status = 405
