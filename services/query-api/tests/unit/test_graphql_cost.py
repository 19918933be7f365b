"""The static cost estimate: what a query would cost, and that it is refused before running."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from graphql import parse
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_query_api.graphql.cost import operation_cost
from mauzo_query_api.graphql.schema import build_schema
from mauzo_query_api.settings import QueryApiSettings

SCHEMA = build_schema()._schema
DEFAULT = QueryApiSettings.model_fields["graphql_default_list_size"].default
FIELDS = ["key", "netSales", "grossProfit", "grossMargin", "unitsSold", "transactions"]


def cost(query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    return operation_cost(SCHEMA, parse(query), variables, name, DEFAULT)


@given(limit=st.integers(0, 10_000), width=st.integers(1, len(FIELDS)))
def test_a_list_costs_its_limit_times_what_it_selects(limit: int, width: int) -> None:
    selected = " ".join(FIELDS[:width])
    assert cost(f"{{ productPerformance(limit: {limit}) {{ {selected} }} }}") == 1 + limit * width


@given(limit=st.integers(0, 10_000), aliases=st.integers(1, 30))
def test_aliases_add_up(limit: int, aliases: int) -> None:
    one = cost(f"{{ productPerformance(limit: {limit}) {{ key }} }}")
    many = " ".join(f"a{i}: productPerformance(limit: {limit}) {{ key }}" for i in range(aliases))
    assert cost(f"{{ {many} }}") == aliases * one


@given(limit=st.integers(0, 10_000))
def test_a_variable_limit_counts_like_a_literal(limit: int) -> None:
    literal = cost(f"{{ topCustomers(limit: {limit}) {{ key netSales }} }}")
    variable = cost("query($n: Int) { topCustomers(limit: $n) { key netSales } }", {"n": limit})
    assert variable == literal


@settings(max_examples=50)
@given(width=st.integers(1, len(FIELDS)), limit=st.integers(0, 500))
def test_fragments_cost_what_they_would_inline(width: int, limit: int) -> None:
    selected = " ".join(FIELDS[:width])
    inline = cost(f"{{ profitability(dimension: BRANCH, limit: {limit}) {{ {selected} }} }}")
    spread = cost(
        f"fragment F on GroupKpis {{ {selected} }} "
        f"{{ profitability(dimension: BRANCH, limit: {limit}) {{ ...F }} }}"
    )
    assert spread == inline


def test_lists_without_a_limit_count_the_default_size_and_nesting_multiplies() -> None:
    trend = "{ branchTrend { branch points { bucket netSales } } }"
    assert cost(trend) == 1 + DEFAULT * (1 + 1 + DEFAULT * 2)


def test_introspection_and_typename_cost_nothing() -> None:
    assert cost("{ __schema { types { name fields { name args { name } } } } }") == 0
    assert cost("{ __typename salesOverview { netSales } }") == 2


def test_only_the_operation_that_runs_is_counted() -> None:
    doc = (
        "query Small { salesOverview { netSales } } "
        "query Big { productPerformance(limit: 10000) { key } }"
    )
    assert cost(doc, name="Small") == 2
    assert cost(doc, name="Big") == 10_001


def dashboard_queries() -> list[str]:
    source = Path(__file__).resolve().parents[2] / "dashboard" / "src" / "queries.ts"
    return re.findall(r"graphql\(`(.*?)`\)", source.read_text(), re.DOTALL)


def test_one_question_at_the_largest_row_limit_with_every_field_fits() -> None:
    limit = QueryApiSettings.model_fields["graphql_max_cost"].default
    rows = QueryApiSettings.model_fields["max_row_limit"].default
    every = " ".join(SCHEMA.get_type("GroupKpis").fields)  # type: ignore[union-attr]
    assert cost(f"{{ productPerformance(limit: {rows}) {{ {every} }} }}") <= limit


def test_every_question_the_dashboard_asks_is_well_under_the_limit() -> None:
    limit = QueryApiSettings.model_fields["graphql_max_cost"].default
    queries = dashboard_queries()
    assert len(queries) >= 10
    # The largest page sizes the dashboard offers (Products: 100, Tasks: 50).
    variables = {"limit": 100}
    costs = {q.split("(")[0].split("{")[0].strip(): cost(q, variables) for q in queries}
    # The dearest (Branches: each branch's monthly points, both lists of the default size)
    # must leave room for the page to grow.
    assert max(costs.values()) <= 0.1 * limit, costs
