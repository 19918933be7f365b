from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_query_api.errors import InvalidArgument, UnknownColumn
from mauzo_query_api.olap.catalog import DatasourceSchema, quote_identifier
from mauzo_query_api.olap.client import Param
from mauzo_query_api.sql.filters import Dimension, SalesFilter
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.statements import (
    KpiStatement,
    Ordering,
    distinct_values_query,
    kpi_query,
    zone_literal,
)
from mauzo_query_api.sql.timewindow import Granularity, business_zone

NAIROBI = business_zone("Africa/Nairobi")
COLUMNS = {
    "__time": "TIMESTAMP",
    "branch": "VARCHAR",
    "product": "VARCHAR",
    "product_line": "VARCHAR",
    "salesperson": "VARCHAR",
    "customer": "VARCHAR",
    "invoice_id": "VARCHAR",
    "upload_id": "VARCHAR",
    "gross_revenue": "DOUBLE",
    "returns_value": "DOUBLE",
    "units_sold": "DOUBLE",
    "units_returned": "DOUBLE",
    "cost": "DOUBLE",
}
SALES = DatasourceSchema("sales", COLUMNS)


def test_date_range_is_bound_as_utc_timestamps_of_nairobi_midnights() -> None:
    flt = SalesFilter(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    query = kpi_query(SALES, flt, NAIROBI, KpiStatement())
    assert "__time >= ? AND __time < ?" in query.text
    assert query.params == (
        Param("TIMESTAMP", "2023-12-31 21:00:00"),
        Param("TIMESTAMP", "2024-01-31 21:00:00"),
    )


def test_open_ended_ranges_bind_one_bound() -> None:
    since = kpi_query(SALES, SalesFilter(date_from=date(2024, 5, 1)), NAIROBI, KpiStatement())
    assert "__time >= ?" in since.text
    assert "__time <" not in since.text
    assert since.params == (Param("TIMESTAMP", "2024-04-30 21:00:00"),)
    until = kpi_query(SALES, SalesFilter(date_to=date(2024, 5, 1)), NAIROBI, KpiStatement())
    assert until.params == (Param("TIMESTAMP", "2024-05-01 21:00:00"),)


def test_filter_values_are_parameters_never_sql_text() -> None:
    hostile = "Nairobi' OR '1'='1"
    flt = SalesFilter.of(branches=[hostile, "Mombasa"], customers=['"; DROP TABLE sales; --'])
    query = kpi_query(SALES, flt, NAIROBI, KpiStatement())
    assert hostile not in query.text
    assert "DROP" not in query.text
    assert '"branch" IN (?, ?)' in query.text
    assert '"customer" IN (?)' in query.text
    assert Param("VARCHAR", hostile) in query.params
    assert Param("VARCHAR", '"; DROP TABLE sales; --') in query.params


@given(
    st.lists(st.text(min_size=1), min_size=1, max_size=5, unique=True),
    st.lists(st.text(min_size=1), min_size=1, max_size=5, unique=True),
)
def test_sql_text_depends_only_on_the_number_of_values(a: list[str], b: list[str]) -> None:
    first = kpi_query(SALES, SalesFilter.of(products=a), NAIROBI, KpiStatement())
    second = kpi_query(SALES, SalesFilter.of(products=b), NAIROBI, KpiStatement())
    assert (first.text == second.text) == (len(a) == len(b))
    assert {p.value for p in first.params} == set(a)


def test_filter_on_a_column_the_datasource_lacks_is_rejected() -> None:
    with pytest.raises(UnknownColumn, match="region"):
        kpi_query(SALES, SalesFilter.of(regions=["Coast"]), NAIROBI, KpiStatement())


def test_grouping_by_an_unknown_column_is_rejected() -> None:
    with pytest.raises(UnknownColumn):
        kpi_query(SALES, SalesFilter(), NAIROBI, KpiStatement(group_by=("item_group",)))


def test_identifiers_are_quoted() -> None:
    assert quote_identifier('we"ird') == '"we""ird"'
    odd = DatasourceSchema('sa"les', COLUMNS)
    assert 'FROM "sa""les"' in kpi_query(odd, SalesFilter(), NAIROBI, KpiStatement()).text


def test_exact_distinct_counts_and_cost_presence_are_selected() -> None:
    text = kpi_query(SALES, SalesFilter(), NAIROBI, KpiStatement()).text
    assert 'COUNT(DISTINCT "invoice_id") AS invoices' in text
    assert 'COUNT(DISTINCT "customer") AS customers' in text
    assert 'COUNT("cost") AS cost_lines' in text
    assert "APPROX" not in text


def test_without_cost_or_invoice_columns_nothing_is_invented() -> None:
    bare = DatasourceSchema(
        "bare", {k: v for k, v in COLUMNS.items() if k not in ("cost", "invoice_id")}
    )
    text = kpi_query(bare, SalesFilter(), NAIROBI, KpiStatement()).text
    assert "cost" not in text
    assert "invoice_id" not in text
    assert "sale_lines" in text


def test_a_datasource_without_sales_metrics_is_not_sales_shaped() -> None:
    other = DatasourceSchema("weather", {"__time": "TIMESTAMP", "city": "VARCHAR"})
    with pytest.raises(InvalidArgument, match="not sales-shaped"):
        kpi_query(other, SalesFilter(), NAIROBI, KpiStatement())


def test_trend_buckets_use_time_floor_in_the_business_zone() -> None:
    query = kpi_query(SALES, SalesFilter(), NAIROBI, KpiStatement(bucket=Granularity.QUARTER))
    floor = "TIME_FLOOR(__time, 'P3M', NULL, 'Africa/Nairobi')"
    assert f"{floor} AS bucket" in query.text
    assert f"GROUP BY {floor}" in query.text
    assert "ORDER BY bucket ASC" in query.text


def test_ranking_sorts_missing_values_last_then_by_value_then_key() -> None:
    spec = KpiStatement(
        group_by=("product",), order=Ordering(Measure.GROSS_MARGIN, descending=False), limit=10
    )
    text = kpi_query(SALES, SalesFilter(), NAIROBI, spec).text
    assert 'SELECT "product" AS k0' in text
    assert "ORDER BY sort_missing ASC, sort_value ASC, k0 ASC LIMIT 10" in text
    assert 'COUNT("cost") > 0' in text


def test_distinct_values_skip_nulls_and_are_limited() -> None:
    query = distinct_values_query(SALES, "branch", SalesFilter(), NAIROBI, 50)
    assert '"branch" IS NOT NULL' in query.text
    assert query.text.endswith("LIMIT 50")


def test_zone_literal_accepts_tz_database_names_only() -> None:
    assert zone_literal(NAIROBI) == "'Africa/Nairobi'"
    assert zone_literal(business_zone("America/Argentina/Buenos_Aires")).startswith("'America")


def test_filters_are_normalised_so_equal_questions_build_equal_sql() -> None:
    a = SalesFilter.of(branches=["b", "a", "a"], products=["x"])
    b = SalesFilter.of(products=["x"], branches=["a", "b"])
    assert kpi_query(SALES, a, NAIROBI, KpiStatement()) == kpi_query(
        SALES, b, NAIROBI, KpiStatement()
    )
    assert a.values[Dimension.BRANCH] == ("a", "b")


def test_too_many_filter_values_are_rejected() -> None:
    with pytest.raises(InvalidArgument, match="more than 3"):
        SalesFilter.of(max_values=3, customers=["a", "b", "c", "d"])
