"""GraphQL errors as clients see them: a code and the requestId in `extensions`, nothing more.

- QueryError (bad input, unknown datasource/column, OLAP busy/timeout/failed): its code and message;
- errors before execution (syntax, validation, limits, bad variables): GRAPHQL_VALIDATION_FAILED;
- anything else is a bug: logged with its traceback and replaced by a bare INTERNAL error, so no
  stack trace, SQL text or OLAP message ever reaches a client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult

from mauzo_query_api.errors import QueryError

log = structlog.get_logger(__name__)


def shape_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    original = error.original_error
    ids: dict[str, Any] = {"requestId": request_id} if request_id else {}
    if isinstance(original, QueryError):
        log.info("query_rejected", code=original.code, message=original.message)
        message, extensions = original.message, {"code": original.code, **ids}
    elif error.path is None:
        message, extensions = error.message, {"code": "GRAPHQL_VALIDATION_FAILED", **ids}
    else:
        log.error("resolver_failed", path=error.path, exc_info=original or error)
        message, extensions = "Internal error", {"code": "INTERNAL", **ids}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class ErrorShaping(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            request_id = getattr(self.execution_context.context, "request_id", None)
            result.errors = [shape_error(error, request_id) for error in result.errors]
