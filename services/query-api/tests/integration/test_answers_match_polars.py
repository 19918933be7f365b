"""GraphQL answers from olap-lite against an independent Polars computation of the same rows.

The reference works on local calendar days (converting __time to Africa/Nairobi) rather than on
UTC bounds, so the date-range arithmetic of the API is checked, not repeated.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from mauzo_query_api.settings import QueryApiSettings
from mauzo_query_api.sql.kpis import NO_INVOICE_IDS

TZ = "Africa/Nairobi"
DS = "qa_sales"
NOCOST_DS = "qa_nocost"
BRANCHES = ["Nairobi CBD", "Mombasa", "Kisumu", "Nakuru"]
LINES = {
    "Beverages": ["Soda 500ml", "Juice 1L", "Water 1L"],
    "Dairy": ["Milk 500ml", "Yoghurt"],
    "Bakery": ["Bread", "Scones"],
    "Household": ["Soap", "Detergent", "Matches"],
}
PRODUCTS = [(p, line) for line, items in LINES.items() for p in items]
SALESPEOPLE = ["Achieng", "Kamau", "Wanjiru", "Otieno", "Mutua"]
CUSTOMERS = [f"Customer {i:02d}" for i in range(30)]


def exact_sum(values: pl.Series) -> Decimal:
    """The sum of stored amounts as decimals (each has at most 4 places), computed exactly."""
    places = Decimal("0.0001")
    return sum((Decimal(repr(v)).quantize(places) for v in values.drop_nulls()), Decimal(0))


def cents(amount: Decimal) -> float:
    """What the API shows for money: rounded half up to KES cents."""
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def ms(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def line(
    t: datetime,
    amount: float,
    qty: float,
    cost: float | None,
    *,
    branch: str = "Mombasa",
    product: tuple[str, str] = ("Bread", "Bakery"),
    salesperson: str = "Kamau",
    customer: str | None = "Customer 01",
    invoice: str | None = "INV-X",
) -> dict[str, Any]:
    sale = amount >= 0 and qty >= 0
    return {
        "__time": t,
        "branch": branch,
        "product": product[0],
        "product_line": product[1],
        "salesperson": salesperson,
        "customer": customer,
        "invoice_id": invoice,
        "upload_id": "test-upload",
        "gross_revenue": amount if sale else 0.0,
        "returns_value": 0.0 if sale else amount,
        "units_sold": qty if sale else 0.0,
        "units_returned": 0.0 if sale else abs(qty),
        "cost": cost,
    }


def sales_rows() -> list[dict[str, Any]]:
    rng = random.Random(20240601)
    rows = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(600):
        invoice = f"INV-{n:05d}"
        when = start + timedelta(milliseconds=rng.randrange(0, 182 * 86_400_000))
        branch, person, customer = (
            rng.choice(BRANCHES),
            rng.choice(SALESPEOPLE),
            rng.choice(CUSTOMERS),
        )
        for _ in range(rng.randint(1, 4)):
            product = rng.choice(PRODUCTS)
            qty = float(rng.randint(1, 12))
            amount = round(qty * rng.uniform(40, 900), 2)
            cost = round(amount * rng.uniform(0.5, 0.9), 2) if rng.random() > 0.05 else None
            if rng.random() < 0.08:
                amount, qty, cost = -amount, -qty, (-cost if cost is not None else None)
            rows.append(
                line(
                    when,
                    amount,
                    qty,
                    cost,
                    branch=branch,
                    product=product,
                    salesperson=person,
                    customer=customer,
                    invoice=invoice,
                )
            )
    # Across Nairobi midnight: 23:59:59.999 on 10 July local, then 00:00 on 11 July local.
    rows.append(line(ms("2024-07-10T20:59:59.999Z"), 100.0, 1, 60.0, invoice="INV-M1"))
    rows.append(line(ms("2024-07-10T21:00:00.000Z"), 300.0, 3, 150.0, invoice="INV-M2"))
    # A day with returns only.
    rows.append(line(ms("2024-07-20T08:00:00Z"), -250.0, -2, -120.0, invoice="CN-1"))
    rows.append(line(ms("2024-07-20T09:00:00Z"), -50.0, -1, None, invoice="CN-2"))
    # A day whose net sales are 0 (sale and full return), with cost.
    rows.append(line(ms("2024-07-25T07:00:00Z"), 400.0, 2, 250.0, invoice="INV-Z1"))
    rows.append(line(ms("2024-07-25T10:00:00Z"), -400.0, -2, -250.0, invoice="CN-Z1"))
    # A day without any cost data.
    rows.append(line(ms("2024-07-28T06:00:00Z"), 500.0, 5, None, invoice="INV-N1"))
    rows.append(
        line(ms("2024-07-28T07:00:00Z"), 80.0, 1, None, invoice="INV-N2", customer="Customer 02")
    )
    return rows


STRINGS = (
    "branch",
    "product",
    "product_line",
    "salesperson",
    "customer",
    "invoice_id",
    "upload_id",
)
DOUBLES = ("gross_revenue", "returns_value", "units_sold", "units_returned", "cost")


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {
        "__time": pl.Datetime("ms", "UTC"),
        **dict.fromkeys(STRINGS, pl.String),
        **dict.fromkeys(DOUBLES, pl.Float64),
    }
    return pl.DataFrame(rows, schema=schema)


def nocost_rows() -> list[dict[str, Any]]:
    t = datetime(2024, 3, 5, 9, tzinfo=UTC)
    return [
        line(t, 100.0, 1, None, invoice=None, customer="A"),
        line(t + timedelta(hours=1), 200.0, 2, None, invoice=None, customer="B"),
        line(t + timedelta(hours=2), -30.0, -1, None, invoice=None, customer="A"),
    ]


# --- the independent reference --------------------------------------------------------------


def select(
    df: pl.DataFrame, date_from: date | None = None, date_to: date | None = None, **lists: list[str]
) -> pl.DataFrame:
    local_day = pl.col("__time").dt.convert_time_zone(TZ).dt.date()
    out = df
    if date_from is not None:
        out = out.filter(local_day >= date_from)
    if date_to is not None:
        out = out.filter(local_day <= date_to)
    for column, values in lists.items():
        out = out.filter(pl.col(column).is_in(values))
    return out


def reference(df: pl.DataFrame) -> dict[str, Any]:
    gross = exact_sum(df["gross_revenue"])
    returns = exact_sum(df["returns_value"])
    net = gross + returns
    costs = df["cost"].drop_nulls()
    profit = net - exact_sum(costs) if len(costs) else None
    invoices = df["invoice_id"].drop_nulls()
    # Rows without invoice ids (an aggregated export) are not transactions: null.
    transactions = invoices.n_unique() if len(invoices) or df.height == 0 else None
    return {  # money as the API gives it: rounded to KES cents
        "netSales": cents(net),
        "grossRevenue": cents(gross),
        "returnsValue": cents(returns),
        "grossProfit": cents(profit) if profit is not None else None,
        "grossMargin": float(profit / net) if profit is not None and net != 0 else None,
        "transactions": transactions,
        "unitsSold": float(df["units_sold"].sum()),
        "uniqueCustomers": df["customer"].drop_nulls().n_unique(),
        "lines": df.height,
    }


def assert_kpis(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if value is None:
            assert actual[key] is None, key
        else:
            assert actual[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key


KPI_FIELDS = (
    "netSales grossRevenue returnsValue grossProfit grossMargin transactions unitsSold "
    "uniqueCustomers lines currency notes"
)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(olap_lite: Any) -> dict[str, pl.DataFrame]:
    sales, nocost = frame(sales_rows()), frame(nocost_rows())
    olap_lite.load(DS, sales)
    olap_lite.load(NOCOST_DS, nocost)
    return {DS: sales, NOCOST_DS: nocost}


@pytest.fixture
def settings(olap_lite: Any, loaded: dict[str, pl.DataFrame]) -> QueryApiSettings:
    return QueryApiSettings(
        druid_router_url=olap_lite.url, consume_events=False, default_datasource=DS
    )


async def gql(client: Any, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


OVERVIEW = f"""query($f: SalesFilterInput, $ds: String) {{
  salesOverview(filter: $f, datasource: $ds) {{ {KPI_FIELDS}
    previous {{ {KPI_FIELDS} }} growth {{ netSales transactions }} }} }}"""


# --- the walking skeleton: salesOverview --------------------------------------------------------


@pytest.mark.parametrize(
    ("date_from", "date_to", "lists"),
    [
        pytest.param(date(2024, 1, 1), date(2024, 6, 30), {}, id="half-year"),
        pytest.param(
            date(2024, 3, 1),
            date(2024, 3, 31),
            {"branch": ["Mombasa", "Kisumu"]},
            id="month-two-branches",
        ),
        pytest.param(date(2024, 2, 10), date(2024, 2, 10), {}, id="one-day"),
        pytest.param(date(2024, 7, 10), date(2024, 7, 10), {}, id="day-before-nairobi-midnight"),
        pytest.param(date(2024, 7, 11), date(2024, 7, 11), {}, id="day-after-nairobi-midnight"),
        pytest.param(date(2024, 7, 20), date(2024, 7, 20), {}, id="returns-only"),
        pytest.param(date(2024, 7, 25), date(2024, 7, 25), {}, id="net-sales-zero"),
        pytest.param(date(2024, 7, 28), date(2024, 7, 28), {}, id="no-cost-data"),
        pytest.param(date(2023, 1, 1), date(2023, 1, 31), {}, id="empty-range"),
        pytest.param(
            None,
            None,
            {"product_line": ["Dairy"], "salesperson": ["Kamau", "Mutua"]},
            id="all-time-dairy-two-people",
        ),
    ],
)
async def test_sales_overview_matches_polars(
    serve, settings, loaded, date_from, date_to, lists
) -> None:
    names = {"branch": "branches", "product_line": "productLines", "salesperson": "salespeople"}
    flt: dict[str, Any] = {names[k]: v for k, v in lists.items()}
    if date_from:
        flt |= {"dateFrom": date_from.isoformat(), "dateTo": date_to.isoformat()}
    async with serve(settings) as (_, client):
        data = await gql(client, OVERVIEW, {"f": flt})
    overview = data["salesOverview"]
    assert_kpis(overview, reference(select(loaded[DS], date_from, date_to, **lists)))
    if date_from:
        length = (date_to - date_from).days + 1
        before = select(
            loaded[DS],
            date_from - timedelta(days=length),
            date_to - timedelta(days=length),
            **lists,
        )
        assert_kpis(overview["previous"], reference(before))
        prev_net = float(before["gross_revenue"].sum() + before["returns_value"].sum())
        expected_growth = ((overview["netSales"] - prev_net) / abs(prev_net)) if prev_net else None
        assert overview["growth"]["netSales"] == (
            pytest.approx(expected_growth) if expected_growth is not None else None
        )
    else:
        assert overview["previous"] is None


async def test_edge_days_have_the_null_rules_of_the_sales_model(serve, settings) -> None:
    async with serve(settings) as (_, client):
        zero = await gql(
            client, OVERVIEW, {"f": {"dateFrom": "2024-07-25", "dateTo": "2024-07-25"}}
        )
        nocost = await gql(
            client, OVERVIEW, {"f": {"dateFrom": "2024-07-28", "dateTo": "2024-07-28"}}
        )
        empty = await gql(
            client, OVERVIEW, {"f": {"dateFrom": "2023-01-01", "dateTo": "2023-01-02"}}
        )
    assert zero["salesOverview"]["netSales"] == 0
    assert zero["salesOverview"]["grossProfit"] == pytest.approx(0.0)
    assert zero["salesOverview"]["grossMargin"] is None
    assert nocost["salesOverview"]["grossProfit"] is None
    assert nocost["salesOverview"]["grossMargin"] is None
    assert empty["salesOverview"]["netSales"] == 0
    assert empty["salesOverview"]["transactions"] == 0
    assert empty["salesOverview"]["grossProfit"] is None


async def test_datasource_without_cost_or_invoice_ids(serve, settings, loaded) -> None:
    async with serve(settings) as (_, client):
        data = await gql(client, OVERVIEW, {"ds": NOCOST_DS})
    overview = data["salesOverview"]
    assert overview["grossProfit"] is None
    assert overview["transactions"] is None  # no invoice ids: rows are not transactions
    assert overview["notes"] == [NO_INVOICE_IDS]
    assert overview["currency"] == "KES"
    assert_kpis(overview, reference(loaded[NOCOST_DS]))


# --- deeper questions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("granularity", "truncate"), [("MONTH", "1mo"), ("WEEK", "1w"), ("DAY", "1d")]
)
async def test_trend_buckets_are_local_and_match_polars(
    serve, settings, loaded, granularity, truncate
) -> None:
    query = """query($f: SalesFilterInput, $g: Granularity!) {
      salesTrend(filter: $f, granularity: $g) {
        bucket netSales transactions grossProfit netSalesGrowth } }"""
    flt = {"dateFrom": "2024-01-01", "dateTo": "2024-03-31"}
    async with serve(settings) as (_, client):
        points = (await gql(client, query, {"f": flt, "g": granularity}))["salesTrend"]
    df = select(loaded[DS], date(2024, 1, 1), date(2024, 3, 31)).with_columns(
        bucket=pl.col("__time").dt.convert_time_zone(TZ).dt.date().dt.truncate(truncate)
    )
    expected = {
        row["bucket"].isoformat(): row["net"]
        for row in df.group_by("bucket")
        .agg(net=pl.col("gross_revenue").sum() + pl.col("returns_value").sum())
        .to_dicts()
    }
    got = {p["bucket"]: p["netSales"] for p in points}
    assert {k: v for k, v in got.items() if v != 0} == pytest.approx(expected)
    assert points == sorted(points, key=lambda p: p["bucket"])
    assert points[0]["netSalesGrowth"] is None
    for before, after in itertools.pairwise(points):
        prev = before["netSales"]
        expected_growth = (after["netSales"] - prev) / abs(prev) if prev else None
        assert after["netSalesGrowth"] == (
            pytest.approx(expected_growth) if expected_growth is not None else None
        )


@pytest.mark.parametrize(
    "selection",
    [
        pytest.param("bucket uniqueCustomers transactions", id="field"),
        pytest.param("...on TrendPoint { bucket uniqueCustomers } transactions", id="fragment"),
    ],
)
async def test_trend_counts_customers_when_asked_and_skips_them_otherwise(
    serve, settings, loaded, selection
) -> None:
    """The customer count per bucket is left out of the statement only when nothing reads it;
    the other figures are the same either way."""
    flt = {"dateFrom": "2024-01-01", "dateTo": "2024-03-31"}
    trend = "query($f: SalesFilterInput) { salesTrend(filter: $f, granularity: MONTH) { %s } }"
    asked, plain = trend % selection, trend % "bucket transactions"
    async with serve(settings) as (_, client):
        with_customers = (await gql(client, asked, {"f": flt}))["salesTrend"]
        without = (await gql(client, plain, {"f": flt}))["salesTrend"]
    df = select(loaded[DS], date(2024, 1, 1), date(2024, 3, 31)).with_columns(
        bucket=pl.col("__time").dt.convert_time_zone(TZ).dt.date().dt.truncate("1mo")
    )
    expected = {
        row["bucket"].isoformat(): row["customers"]
        for row in df.group_by("bucket")
        .agg(customers=pl.col("customer").drop_nulls().n_unique())
        .to_dicts()
    }
    assert {p["bucket"]: p["uniqueCustomers"] for p in with_customers} == expected
    assert [(p["bucket"], p["transactions"]) for p in with_customers] == [
        (p["bucket"], p["transactions"]) for p in without
    ]


def ranked(df: pl.DataFrame, key: str, descending: bool = True) -> list[tuple[str, float]]:
    grouped = df.group_by(key).agg(
        net=pl.col("gross_revenue").sum() + pl.col("returns_value").sum()
    )
    rows = sorted(grouped.iter_rows(), key=lambda r: r[0])
    rows.sort(key=lambda r: r[1], reverse=descending)
    return [(str(k), float(v)) for k, v in rows]


async def test_leaderboard_with_targets(serve, settings, loaded) -> None:
    query = """query($f: SalesFilterInput, $t: [SalesTargetInput!]) {
      salespersonLeaderboard(filter: $f, targets: $t) {
        rank key netSales transactions uniqueCustomers uniqueBranches target attainment } }"""
    flt = {"dateFrom": "2024-04-01", "dateTo": "2024-06-30"}
    async with serve(settings) as (_, client):
        rows = await gql(
            client, query, {"f": flt, "t": [{"salesperson": "Kamau", "target": 100000.0}]}
        )
    board = rows["salespersonLeaderboard"]
    df = select(loaded[DS], date(2024, 4, 1), date(2024, 6, 30))
    expected = ranked(df, "salesperson")
    assert [(r["key"], r["netSales"]) for r in board] == [
        (k, pytest.approx(v)) for k, v in expected
    ]
    assert [r["rank"] for r in board] == list(range(1, len(expected) + 1))
    kamau = next(r for r in board if r["key"] == "Kamau")
    assert kamau["attainment"] == pytest.approx(kamau["netSales"] / 100000.0)
    assert next(r for r in board if r["key"] == "Otieno")["attainment"] is None
    otieno = df.filter(pl.col("salesperson") == "Otieno")
    assert next(r for r in board if r["key"] == "Otieno")["transactions"] == (
        otieno["invoice_id"].n_unique()
    )


async def test_products_top_and_bottom_by_product_line(serve, settings, loaded) -> None:
    query = """query($g: ProductGrouping!, $d: RankDirection!, $n: Int) {
      productPerformance(groupBy: $g, direction: $d, limit: $n) { key netSales grossMargin } }"""
    async with serve(settings) as (_, client):
        top = await gql(client, query, {"g": "PRODUCT_LINE", "d": "TOP", "n": 2})
        bottom = await gql(client, query, {"g": "PRODUCT", "d": "BOTTOM", "n": 3})
    lines = ranked(loaded[DS], "product_line")[:2]
    assert [(r["key"], r["netSales"]) for r in top["productPerformance"]] == [
        (k, pytest.approx(v)) for k, v in lines
    ]
    worst = ranked(loaded[DS], "product", descending=False)[:3]
    assert [(r["key"], r["netSales"]) for r in bottom["productPerformance"]] == [
        (k, pytest.approx(v)) for k, v in worst
    ]


async def test_branches_with_growth(serve, settings, loaded) -> None:
    query = """{ branchPerformance(filter: {dateFrom: "2024-04-01", dateTo: "2024-04-30"}) {
      key netSales previousNetSales netSalesGrowth } }"""
    async with serve(settings) as (_, client):
        rows = (await gql(client, query))["branchPerformance"]
    now = dict(ranked(select(loaded[DS], date(2024, 4, 1), date(2024, 4, 30)), "branch"))
    before = dict(ranked(select(loaded[DS], date(2024, 3, 2), date(2024, 3, 31)), "branch"))
    assert {r["key"] for r in rows} == set(now)
    for r in rows:
        assert r["netSales"] == pytest.approx(now[r["key"]])
        assert r["previousNetSales"] == pytest.approx(before[r["key"]])
        assert r["netSalesGrowth"] == pytest.approx(
            (now[r["key"]] - before[r["key"]]) / abs(before[r["key"]])
        )


async def test_top_customers_with_first_last_purchase_and_recency(serve, settings, loaded) -> None:
    query = """{ topCustomers(filter: {dateFrom: "2024-01-01", dateTo: "2024-06-30"}, limit: 5) {
      key netSales purchases firstPurchase lastPurchase recencyDays } }"""
    async with serve(settings) as (_, client):
        rows = (await gql(client, query))["topCustomers"]
    df = select(loaded[DS], date(2024, 1, 1), date(2024, 6, 30))
    expected = ranked(df, "customer")[:5]
    assert [(r["key"], r["netSales"]) for r in rows] == [(k, pytest.approx(v)) for k, v in expected]
    top = df.filter(pl.col("customer") == rows[0]["key"])
    last = top["__time"].max()
    assert ms(rows[0]["lastPurchase"]) == last
    assert ms(rows[0]["firstPurchase"]) == top["__time"].min()
    local_last = last.astimezone(ZoneInfo(TZ)).date()
    assert rows[0]["recencyDays"] == (date(2024, 6, 30) - local_last).days
    assert rows[0]["purchases"] == top["invoice_id"].n_unique()


async def test_returns_by_product(serve, settings, loaded) -> None:
    query = """{ returnsAnalysis(dimension: PRODUCT, limit: 3) {
      total { returnsValue returnRate } rows { key returnsValue unitsReturned } } }"""
    async with serve(settings) as (_, client):
        data = (await gql(client, query))["returnsAnalysis"]
    df = loaded[DS]
    per = df.group_by("product").agg(pl.col("returns_value").sum(), pl.col("units_returned").sum())
    expected = sorted(per.iter_rows(), key=lambda r: (r[1], r[0]))[:3]
    assert [(r["key"], r["returnsValue"], r["unitsReturned"]) for r in data["rows"]] == [
        (k, pytest.approx(v), pytest.approx(u)) for k, v, u in expected
    ]
    assert data["total"]["returnsValue"] == pytest.approx(float(df["returns_value"].sum()))
    assert data["total"]["returnRate"] == pytest.approx(
        -float(df["returns_value"].sum()) / float(df["gross_revenue"].sum())
    )


async def test_matrix_of_branch_by_product_line(serve, settings, loaded) -> None:
    query = """{ salesMatrix(rows: BRANCH, columns: PRODUCT_LINE, measure: NET_SALES) {
      row column value } }"""
    async with serve(settings) as (_, client):
        cells = (await gql(client, query))["salesMatrix"]
    expected = {
        (b, pl_, float(v))
        for b, pl_, v in loaded[DS]
        .group_by("branch", "product_line")
        .agg(pl.col("gross_revenue").sum() + pl.col("returns_value").sum())
        .iter_rows()
    }
    got = {(c["row"], c["column"]): c["value"] for c in cells}
    assert len(got) == len(expected)
    for b, line_, v in expected:
        assert got[(b, line_)] == pytest.approx(v)


async def test_filter_options_and_data_range_come_from_the_data(serve, settings, loaded) -> None:
    query = """{ filterOptions { branches productLines salespeople regions
      dataRange { first last rowCount lastDate } } datasources { name columns { name role } } }"""
    async with serve(settings) as (_, client):
        data = await gql(client, query)
    options, df = data["filterOptions"], loaded[DS]
    assert options["branches"] == sorted(df["branch"].unique().to_list())
    assert options["productLines"] == sorted(df["product_line"].unique().to_list())
    assert options["regions"] == []
    assert options["dataRange"]["rowCount"] == df.height
    assert ms(options["dataRange"]["first"]) == df["__time"].min()
    assert ms(options["dataRange"]["last"]) == df["__time"].max()
    by_name = {d["name"]: d for d in data["datasources"]}
    assert {DS, NOCOST_DS} <= set(by_name)
    roles = {c["name"]: c["role"] for c in by_name[DS]["columns"]}
    assert roles["__time"] == "time"
    assert roles["branch"] == "dimension"
    assert roles["gross_revenue"] == "metric"


async def test_rest_overview_uses_the_envelope(serve, settings, loaded) -> None:
    async with serve(settings) as (_, client):
        response = await client.get(
            "/api/kpis/overview",
            params=[("dateFrom", "2024-03-01"), ("dateTo", "2024-03-31"), ("branches", "Mombasa")],
        )
        unknown = await client.get("/api/kpis/overview", params={"datasource": "nope"})
    body = response.json()
    assert response.status_code == 200
    assert body["error"] is None
    assert body["metadata"]["requestId"] == response.headers["x-request-id"]
    expected = reference(
        select(loaded[DS], date(2024, 3, 1), date(2024, 3, 31), branch=["Mombasa"])
    )
    assert_kpis(body["data"], expected)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "DATASOURCE_NOT_FOUND"


async def test_unknown_filter_column_is_a_coded_error(serve, settings) -> None:
    async with serve(settings) as (_, client):
        response = await client.post(
            "/graphql",
            json={"query": '{ salesOverview(filter: {regions: ["Coast"]}) { netSales } }'},
        )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "COLUMN_NOT_FOUND"
    assert "requestId" in error["extensions"]


async def test_identical_concurrent_questions_share_one_olap_call(serve, settings) -> None:
    query = """{ salesOverview(compare: false,
      filter: {dateFrom: "2024-05-01", dateTo: "2024-05-31"}) { netSales } }"""
    async with serve(settings) as (app, client):
        await client.post("/graphql", json={"query": "{ dataRange { rowCount } }"})  # warm catalog
        before = app.state.services.runner.olap_calls
        answers = await asyncio.gather(
            *(client.post("/graphql", json={"query": query}) for _ in range(8))
        )
        # one call per statement of one overview (sql/split.py: sums, distinct counts), however
        # many ask
        assert app.state.services.runner.olap_calls - before == 2
        again = await client.post("/graphql", json={"query": query})
        assert app.state.services.runner.olap_calls - before == 2  # served from the cache
    values = {a.json()["data"]["salesOverview"]["netSales"] for a in answers}
    assert values == {again.json()["data"]["salesOverview"]["netSales"]}


async def test_explore_any_columns_by_month(serve, settings, loaded) -> None:
    query = """{ explore(query: {datasource: "qa_sales", dimensions: ["branch"],
      aggregates: [{function: SUM, column: "units_sold"}, {function: COUNT_DISTINCT,
      column: "invoice_id"}], granularity: MONTH, dateFrom: "2024-02-01", dateTo: "2024-03-31",
      filters: [{column: "product_line", values: ["Dairy"]}]}) { columns rows } }"""
    async with serve(settings) as (_, client):
        result = (await gql(client, query))["explore"]
    assert result["columns"] == [
        "bucket",
        "branch",
        "sum(units_sold)",
        "count_distinct(invoice_id)",
    ]
    df = select(loaded[DS], date(2024, 2, 1), date(2024, 3, 31), product_line=["Dairy"])
    df = df.with_columns(
        bucket=pl.col("__time").dt.convert_time_zone(TZ).dt.date().dt.truncate("1mo")
    )
    expected = {
        (b.isoformat(), br): (float(u), n)
        for b, br, u, n in df.group_by("bucket", "branch")
        .agg(pl.col("units_sold").sum(), pl.col("invoice_id").n_unique())
        .iter_rows()
    }
    got = {(r[0], r[1]): (r[2], r[3]) for r in result["rows"]}
    assert got.keys() == expected.keys()
    for key, (units, invoices) in expected.items():
        assert got[key][0] == pytest.approx(units)
        assert got[key][1] == invoices


async def test_another_time_zone_with_daylight_saving(olap_lite, serve, loaded) -> None:
    berlin = QueryApiSettings(
        druid_router_url=olap_lite.url,
        consume_events=False,
        default_datasource=DS,
        business_timezone="Europe/Berlin",
    )
    query = """{ salesOverview(compare: false,
      filter: {dateFrom: "2024-03-31", dateTo: "2024-04-02"}) { netSales lines }
      salesTrend(granularity: MONTH,
      filter: {dateFrom: "2024-01-01", dateTo: "2024-06-30"}) { bucket start netSales } }"""
    async with serve(berlin) as (_, client):
        data = await gql(client, query)
    local = pl.col("__time").dt.convert_time_zone("Europe/Berlin").dt.date()
    df = loaded[DS]
    days = df.filter(local.is_between(date(2024, 3, 31), date(2024, 4, 2)))
    assert data["salesOverview"]["lines"] == days.height
    assert data["salesOverview"]["netSales"] == pytest.approx(
        float(days["gross_revenue"].sum() + days["returns_value"].sum())
    )
    months = (
        df.filter(local.is_between(date(2024, 1, 1), date(2024, 6, 30)))
        .with_columns(bucket=local.dt.truncate("1mo"))
        .group_by("bucket")
        .agg(net=pl.col("gross_revenue").sum() + pl.col("returns_value").sum())
    )
    expected = {b.isoformat(): float(v) for b, v in months.iter_rows()}
    assert {p["bucket"]: p["netSales"] for p in data["salesTrend"]} == pytest.approx(expected)
    april = next(p for p in data["salesTrend"] if p["bucket"] == "2024-04-01")
    assert april["start"] == "2024-03-31T22:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("trend", {"granularity": "month"}),
        ("salespeople", {"limit": 3}),
        ("products", {"groupBy": "product_line", "direction": "bottom"}),
        ("branches", {"dateFrom": "2024-04-01", "dateTo": "2024-04-30"}),
        ("customers", {"limit": 2, "orderBy": "gross_profit"}),
        ("profitability", {"dimension": "salesperson"}),
        ("returns", {"dimension": "branch"}),
    ],
)
async def test_rest_kpi_endpoints_answer_in_the_envelope(serve, settings, path, params) -> None:
    async with serve(settings) as (_, client):
        response = await client.get(f"/api/kpis/{path}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is None
    assert body["metadata"]["requestId"] == response.headers["x-request-id"]
    assert body["data"]
