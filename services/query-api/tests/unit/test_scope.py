"""Branch scope in the SQL: a mandatory condition from the token that no argument can widen."""

from datetime import date
from typing import cast

import pytest

from mauzo_common.auth.principal import Principal, Role
from mauzo_query_api.deps import Ask, ScopeMismatch, Services
from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.olap.client import Param, SqlQuery
from mauzo_query_api.olap.result_cache import cache_key
from mauzo_query_api.scope import EVERY_BRANCH, BranchScope, OutOfScope
from mauzo_query_api.sql.explore import Aggregate, AggregateSpec, ExploreSpec, explore_query
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.statements import (
    KpiStatement,
    customer_facts_query,
    data_range_query,
    distinct_values_query,
    kpi_query,
)
from mauzo_query_api.sql.timewindow import business_zone

NAIROBI = business_zone("Africa/Nairobi")
SALES = DatasourceSchema(
    "sales",
    {
        "__time": "TIMESTAMP",
        "branch": "VARCHAR",
        "product": "VARCHAR",
        "customer": "VARCHAR",
        "invoice_id": "VARCHAR",
        "gross_revenue": "DOUBLE",
        "returns_value": "DOUBLE",
    },
)
WEATHER = DatasourceSchema("weather", {"__time": "TIMESTAMP", "city": "VARCHAR", "mm": "DOUBLE"})
TWO = BranchScope(frozenset({"Nairobi", "Mombasa"}))
ALL = SalesFilter()
SCOPE_PARAMS = (Param("VARCHAR", "Mombasa"), Param("VARCHAR", "Nairobi"))


def every_statement(scope: BranchScope, flt: SalesFilter = ALL) -> list[SqlQuery]:
    explore = ExploreSpec(
        dimensions=("branch",),
        aggregates=(AggregateSpec(None, Aggregate.COUNT),),
        bucket=None,
        date_from=None,
        date_to=None,
        filters=tuple((d.value, v) for d, v in flt.values.items()),
        limit=10,
    )
    return [
        kpi_query(SALES, flt, NAIROBI, KpiStatement(group_by=("product",)), scope),
        distinct_values_query(SALES, "branch", flt, NAIROBI, 100, scope),
        data_range_query(SALES, scope),
        customer_facts_query(SALES, flt, NAIROBI, 100, scope),
        explore_query(SALES, explore, NAIROBI, scope),
    ]


def test_every_statement_carries_the_scope_first_and_bound() -> None:
    for query in every_statement(TWO):
        assert 'WHERE ("branch" IN (?, ?))' in query.text, query.text
        assert query.params[:2] == SCOPE_PARAMS
        assert query.scope == TWO


def test_a_branch_filter_only_narrows_the_scope() -> None:
    """The caller's own branch list is a second condition, ANDed: naming a branch outside the
    scope matches nothing; it never replaces the scope's list."""
    wider = SalesFilter.of(branches=["Kisumu", "Nairobi"])
    for query in every_statement(TWO, wider)[:2]:
        assert query.text.count('"branch" IN (') == 2
        assert query.params[:2] == SCOPE_PARAMS
        assert Param("VARCHAR", "Kisumu") in query.params[2:]


def test_an_empty_scope_sees_nothing_and_every_branch_adds_nothing() -> None:
    for query in every_statement(BranchScope(frozenset())):
        assert "WHERE (1 = 0)" in query.text
    for query in every_statement(EVERY_BRANCH):
        assert '"branch" IN' not in query.text
        assert query.scope == EVERY_BRANCH


def test_a_scoped_caller_cannot_read_a_datasource_without_branches() -> None:
    flt = SalesFilter(date_from=date(2024, 1, 1))
    explore = ExploreSpec(("city",), (), None, None, None, (), 10)
    with pytest.raises(OutOfScope) as refused:
        explore_query(WEATHER, explore, NAIROBI, TWO)
    assert (refused.value.code, refused.value.status) == ("FORBIDDEN", 403)
    with pytest.raises(OutOfScope):
        data_range_query(WEATHER, BranchScope(frozenset()))
    explore_query(WEATHER, explore, NAIROBI)  # unscoped: fine
    kpi_query(SALES, flt, NAIROBI, KpiStatement())


def test_scopes_never_share_a_cached_result() -> None:
    keys = {
        cache_key(data_range_query(SALES, scope))
        for scope in (EVERY_BRANCH, TWO, BranchScope(frozenset()), BranchScope(frozenset({"X"})))
    }
    assert len(keys) == 4


async def test_a_statement_built_under_another_scope_is_refused() -> None:
    """The last line of defence: a resolver that forgot to pass the caller's scope gets an
    error, never rows."""
    ask = Ask(cast(Services, None), "r1", Principal("v", Role.VIEWER, branches=frozenset({"A"})))
    with pytest.raises(ScopeMismatch):
        await ask.rows(data_range_query(SALES))  # built for every branch
    with pytest.raises(ScopeMismatch):
        await ask.rows(data_range_query(SALES, TWO))
