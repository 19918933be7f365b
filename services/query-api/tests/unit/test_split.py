from datetime import date

from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.measures import Measure
from mauzo_query_api.sql.split import joined_rows, key_aliases, kpi_queries
from mauzo_query_api.sql.statements import KpiStatement, Ordering, kpi_query
from mauzo_query_api.sql.timewindow import Granularity, business_zone

NAIROBI = business_zone("Africa/Nairobi")
SALES = DatasourceSchema(
    "sales",
    {
        "__time": "TIMESTAMP",
        "branch": "VARCHAR",
        "product": "VARCHAR",
        "salesperson": "VARCHAR",
        "customer": "VARCHAR",
        "invoice_id": "VARCHAR",
        "gross_revenue": "DOUBLE",
        "returns_value": "DOUBLE",
        "units_sold": "DOUBLE",
        "units_returned": "DOUBLE",
        "cost": "DOUBLE",
    },
)
MAY = SalesFilter(date(2025, 5, 1), date(2025, 5, 31))
OVERVIEW = KpiStatement(distinct=("product", "branch", "salesperson"))


def test_no_statement_mixes_a_distinct_count_with_other_aggregates() -> None:
    plain, counts = (q.text for q in kpi_queries(SALES, MAY, NAIROBI, OVERVIEW))
    assert "DISTINCT" not in plain
    assert 'SUM(CAST(ROUND("gross_revenue"' in plain
    assert 'COUNT("invoice_id") AS invoice_lines' in plain
    assert counts.startswith('SELECT COUNT(DISTINCT "invoice_id") AS invoices, ')
    assert 'COUNT(DISTINCT "customer") AS customers' in counts
    assert 'COUNT(DISTINCT "salesperson") AS salespeople' in counts
    assert "SUM(" not in counts
    assert "COUNT(*)" not in counts


def test_every_part_selects_the_same_rows_and_groups() -> None:
    trend = KpiStatement(bucket=Granularity.DAY, limit=10_001, customers=False)
    parts = kpi_queries(SALES, MAY, NAIROBI, trend)
    assert len(parts) == 2  # no customer count asked: sums and invoices only
    tails = {q.text.split(" FROM ", 1)[1] for q in parts}
    assert len(tails) == 1  # same table, filter, GROUP BY, ORDER BY and LIMIT
    assert {q.params for q in parts} == {parts[0].params}


def test_a_ranking_by_a_measure_stays_one_statement() -> None:
    spec = KpiStatement(group_by=("product",), order=Ordering(Measure.TRANSACTIONS), limit=10)
    assert kpi_queries(SALES, MAY, NAIROBI, spec) == [kpi_query(SALES, MAY, NAIROBI, spec)]


def test_without_invoice_ids_or_distincts_there_is_one_statement() -> None:
    bare = DatasourceSchema(
        "bare", {k: v for k, v in SALES.columns.items() if k not in ("invoice_id", "customer")}
    )
    assert len(kpi_queries(bare, MAY, NAIROBI, KpiStatement())) == 1


def test_rows_are_joined_by_group_key_in_the_first_parts_order() -> None:
    spec = KpiStatement(group_by=("branch",), bucket=Granularity.DAY)
    assert key_aliases(spec) == ("k0", "bucket")
    sums = [
        {"k0": "Mombasa", "bucket": "2025-05-01", "lines": 3},
        {"k0": None, "bucket": "2025-05-01", "lines": 1},
    ]
    invoices = [
        {"k0": None, "bucket": "2025-05-01", "invoices": 1},
        {"k0": "Mombasa", "bucket": "2025-05-01", "invoices": 2},
    ]
    assert joined_rows([sums, invoices], key_aliases(spec)) == [
        {"k0": "Mombasa", "bucket": "2025-05-01", "lines": 3, "invoices": 2},
        {"k0": None, "bucket": "2025-05-01", "lines": 1, "invoices": 1},
    ]


def test_totals_join_into_one_row() -> None:
    parts = [[{"lines": 0, "gross_revenue": None}], [{"invoices": 0, "customers": 0}]]
    assert joined_rows(parts, ()) == [
        {"lines": 0, "gross_revenue": None, "invoices": 0, "customers": 0}
    ]
