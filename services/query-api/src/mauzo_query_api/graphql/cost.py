"""A static cost estimate of a GraphQL operation, checked before anything runs.

Depth, token and alias limits bound the document's shape; this bounds the work it asks for.
Each field costs 1; a list field multiplies what is selected under it by its size argument
(`first`, `limit`, `top`, `last`: a literal or a variable) or, without one, by a default size;
nested lists multiply. Fragments count where they are spread; introspection (`__schema`,
`__typename`) counts nothing, as it reads the schema, never the OLAP.

So `productPerformance(limit: 10000) { key netSales }` costs 1 + 10000 × 2, and thirty aliases
of it cost thirty times that: refused with QUERY_TOO_COSTLY and the cost in the message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from mauzo_query_api.errors import QueryTooCostly

SIZE_ARGUMENTS = ("first", "limit", "top", "last")


class Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        default_list_size: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.default_list_size = default_list_size
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        return self.selections(root.name, operation.selection_set, frozenset())

    def selections(
        self, type_name: str, selection_set: SelectionSetNode | None, spreading: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for node, owner in self.fields(type_name, selection_set, spreading):
            total += self.field(owner, node, spreading)
        return total

    def fields(
        self, type_name: str, selection_set: SelectionSetNode, spreading: frozenset[str]
    ) -> Iterator[tuple[FieldNode, str]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, type_name
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = condition.name.value if condition else type_name
                yield from self.fields(on, selection.selection_set, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:  # a cycle: validation refuses it
                    continue
                on = fragment.type_condition.name.value
                yield from self.fields(on, fragment.selection_set, spreading | {name})

    def field(self, owner: str, node: FieldNode, spreading: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        definition = self.definition(owner, name)
        if definition is None:
            return 1
        child = get_named_type(definition.type).name
        below = self.selections(child, node.selection_set, spreading)
        return 1 + self.list_size(definition, node) * below

    def definition(self, owner: str, name: str) -> GraphQLField | None:
        kind = self.schema.get_type(owner)
        fields = getattr(kind, "fields", None)
        return fields.get(name) if fields else None

    def list_size(self, definition: GraphQLField, node: FieldNode) -> int:
        kind = definition.type
        if isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if not isinstance(kind, GraphQLList):
            return 1
        for argument in node.arguments or ():
            if argument.name.value not in SIZE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(0, given)
        return self.default_list_size


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    default_list_size: int,
) -> int:
    """The cost of the operation that would run (the named one, or the only one)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    estimate = Estimate(schema, document, variables or {}, default_list_size)
    return max((estimate.operation(o) for o in operations), default=0)


class CostLimit(SchemaExtension):
    """Refuses an operation whose estimate exceeds `max_cost`; it never reaches a resolver."""

    def __init__(self, max_cost: int, default_list_size: int) -> None:
        self.max_cost = max_cost
        self.default_list_size = default_list_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.result:
            cost = operation_cost(
                context.schema._schema,
                document,
                context.variables,
                context.operation_name,
                self.default_list_size,
            )
            if cost > self.max_cost:
                refusal = QueryTooCostly(cost, self.max_cost)
                error = GraphQLError(refusal.message, original_error=refusal)
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
