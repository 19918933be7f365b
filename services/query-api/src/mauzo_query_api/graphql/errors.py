"""GraphQL errors as clients see them: GraphQL's own shape, with the code, hint and requestId
of Mauzo's one error object in `extensions`, nothing more.

- a MauzoError (bad input, unknown datasource/column, OLAP busy/timeout/failed): its code,
  message and hint;
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

from mauzo_common.errors import MauzoError
from mauzo_query_api.errors import QueryError

log = structlog.get_logger(__name__)

VALIDATION_HINT = "Fix the query against the schema (introspection or schema.graphql)."
INTERNAL_HINT = "Retry; if it keeps failing, report the requestId."


def shape_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    original = error.original_error
    ids: dict[str, Any] = {"requestId": request_id} if request_id else {}
    if isinstance(original, MauzoError):
        log.info("query_rejected", code=original.code, message=original.message)
        message, code, hint = original.message, original.code, original.hint
    elif error.path is None:
        message, code, hint = error.message, "GRAPHQL_VALIDATION_FAILED", VALIDATION_HINT
    else:
        log.error("resolver_failed", path=error.path, exc_info=original or error)
        message, code, hint = "Internal error", QueryError.code, INTERNAL_HINT
    extras = getattr(original, "extensions", None) if isinstance(original, MauzoError) else None
    extensions = {"code": code, "hint": hint, **(extras or {}), **ids}
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
