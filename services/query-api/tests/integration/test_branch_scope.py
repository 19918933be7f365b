"""Branch scope end to end: a viewer limited to some branches gets, for every question the API
answers, exactly what Polars computes over the source rows of those branches; no argument,
alias, REST parameter or explore filter widens it; cached answers never cross scopes.

The source is `mauzo demo-data` (eight Kenyan branches), mapped onto the sales model here and
loaded into olap-lite; the expected answers are computed from the same frame with Polars,
independently of the API's SQL (docs/branch-scope.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import bearer
from mauzo_query_api.settings import QueryApiSettings

TZ = "Africa/Nairobi"
DATASOURCE = "scope_demo"
MINE = frozenset({"Mombasa", "Nakuru"})
OUTSIDE = "Nairobi CBD"
DIMENSIONS = ("branch", "product", "product_line", "salesperson", "customer")
KPI_FIELDS = (
    "netSales grossRevenue returnsValue cost grossProfit transactions unitsSold unitsReturned "
    "uniqueCustomers lines"
)
local_day = pl.col("__time").dt.convert_time_zone(TZ).dt.date()


# --- the source and the independent reference ------------------------------------------------


def demo_frame(tmp: Path) -> pl.DataFrame:
    command = shutil.which("mauzo")
    if command is None:
        pytest.skip("the `mauzo` CLI is not installed (demo-data)")
    path = tmp / "demo.csv"
    subprocess.run([command, "demo-data", str(path), "--rows", "6000"], check=True)
    raw = pl.read_csv(path, infer_schema=False)
    amount, quantity = pl.col("amount").cast(pl.Float64), pl.col("quantity").cast(pl.Float64)
    is_return = (amount < 0) | (quantity < 0)
    return raw.select(
        __time=pl.col("time")
        .str.to_datetime("%Y-%m-%d %H:%M:%S")
        .dt.replace_time_zone(TZ, ambiguous="earliest")
        .dt.convert_time_zone("UTC")
        .dt.cast_time_unit("ms"),
        **{d: pl.col(d) for d in DIMENSIONS},
        invoice_id=pl.col("invoice_id"),
        upload_id=pl.lit("scope-test"),
        gross_revenue=pl.when(is_return).then(0.0).otherwise(amount),
        returns_value=pl.when(is_return).then(-amount.abs()).otherwise(0.0),
        units_sold=pl.when(is_return).then(0.0).otherwise(quantity),
        units_returned=pl.when(is_return).then(quantity.abs()).otherwise(0.0),
        cost=pl.col("cost").cast(pl.Float64),
    )


def exact_sum(values: pl.Series) -> Decimal:
    places = Decimal("0.0001")
    return sum((Decimal(repr(v)).quantize(places) for v in values.drop_nulls()), Decimal(0))


def cents(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def kpis(df: pl.DataFrame) -> dict[str, Any]:
    gross, returns = exact_sum(df["gross_revenue"]), exact_sum(df["returns_value"])
    net, cost = gross + returns, exact_sum(df["cost"])
    return {
        "netSales": cents(net),
        "grossRevenue": cents(gross),
        "returnsValue": cents(returns),
        "cost": cents(cost) if df.height else None,
        "grossProfit": cents(net - cost) if df.height else None,
        "transactions": df["invoice_id"].drop_nulls().n_unique(),
        "unitsSold": float(df["units_sold"].sum()),
        "unitsReturned": float(df["units_returned"].sum()),
        "uniqueCustomers": df["customer"].drop_nulls().n_unique(),
        "lines": df.height,
    }


def by(df: pl.DataFrame, column: str) -> dict[Any, dict[str, Any]]:
    return {key[0]: kpis(part) for key, part in df.group_by(column)}


def same_kpis(actual: dict[str, Any], expected: dict[str, Any], what: str) -> None:
    for key, value in expected.items():
        if key in actual:
            if value is None:
                assert actual[key] is None, f"{what}.{key}"
            else:
                assert actual[key] == pytest.approx(value, rel=1e-9, abs=1e-6), f"{what}.{key}"


def rfm(df: pl.DataFrame, reference: date) -> dict[str, tuple[int, int, int, int]]:
    """customer -> (recency days, R, F, M), scored by quintile as the API documents."""
    rows = []
    for (customer,), part in df.group_by("customer"):
        k = kpis(part)
        last = part.select(local_day.max()).item()
        rows.append((customer, (reference - last).days, k["transactions"], k["netSales"]))
    frame = pl.DataFrame(rows, schema=["c", "days", "freq", "money"], orient="row")
    n = frame.height

    def score(rank: pl.Expr) -> pl.Expr:
        return 1 + (5 * (rank.cast(pl.Int64) - 1)) // n

    frame = frame.with_columns(
        r=score(pl.col("days").rank("min", descending=True)),
        f=score(pl.col("freq").rank("min")),
        m=score(pl.col("money").round(6).rank("min")),
    )
    return {c: (days, r, f, m) for c, days, _, _, r, f, m in frame.iter_rows()}


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(olap_lite: Any, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    frame = demo_frame(tmp_path_factory.mktemp("scope"))
    assert set(frame["branch"]) > MINE
    assert OUTSIDE in set(frame["branch"])
    olap_lite.load(DATASOURCE, frame)
    # A datasource that is not about branches at all: a scoped caller must not read it.
    weather = pl.DataFrame(
        {"__time": [frame["__time"][0]], "city": ["Kisumu"], "rain_mm": [3.5]}
    ).with_columns(pl.col("__time").dt.cast_time_unit("ms"))
    olap_lite.load("scope_weather", weather)
    return frame


@pytest.fixture
def mine(source: pl.DataFrame) -> pl.DataFrame:
    return source.filter(pl.col("branch").is_in(list(MINE)))


@pytest.fixture
def settings(olap_lite: Any, source: pl.DataFrame) -> QueryApiSettings:
    return QueryApiSettings(
        druid_router_url=olap_lite.url, consume_events=False, default_datasource=DATASOURCE
    )


SCOPED = "scoped"


def who(role: Role = Role.VIEWER, branches: frozenset[str] | None = MINE) -> dict[str, str]:
    return bearer(role, branches)


async def ask(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or who()
    )
    body: dict[str, Any] = response.json()
    return body


async def answer(client: httpx.AsyncClient, query: str, **kw: Any) -> dict[str, Any]:
    body = await ask(client, query, **kw)
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def last_month(df: pl.DataFrame) -> tuple[date, date]:
    last = df.select(local_day.max()).item()
    return last - timedelta(days=29), last


# --- every question, scoped -----------------------------------------------------------------


async def test_overview_trend_and_previous_period_are_the_scope_s(serve, settings, mine) -> None:
    start, end = last_month(mine)
    query = f"""query($f: SalesFilterInput) {{
      all: salesOverview {{ {KPI_FIELDS} uniqueBranches uniqueProducts }}
      month: salesOverview(filter: $f) {{ {KPI_FIELDS} previous {{ {KPI_FIELDS} }} }}
      trend: salesTrend(granularity: MONTH) {{ bucket {KPI_FIELDS} }} }}"""
    async with serve(settings) as (_, client):
        data = await answer(
            client, query, variables={"f": {"dateFrom": str(start), "dateTo": str(end)}}
        )
    same_kpis(data["all"], kpis(mine), "all")
    assert data["all"]["uniqueBranches"] == len(MINE)
    assert data["all"]["uniqueProducts"] == mine["product"].n_unique()
    month = mine.filter(local_day.is_between(start, end))
    before = mine.filter(
        local_day.is_between(start - timedelta(days=30), start - timedelta(days=1))
    )
    same_kpis(data["month"], kpis(month), "month")
    same_kpis(data["month"]["previous"], kpis(before), "previous")
    expected = by(mine.with_columns(bucket=local_day.dt.truncate("1mo")), "bucket")
    got = {date.fromisoformat(p["bucket"]): p for p in data["trend"]}
    assert set(expected) <= set(got)
    for bucket, point in got.items():
        if bucket in expected:
            same_kpis(point, expected[bucket], str(bucket))
        else:
            assert point["lines"] == 0


async def test_every_breakdown_holds_only_the_scope_s_rows(serve, settings, mine) -> None:
    fields = " ".join(
        f"{d}: profitability(dimension: {d.upper()}, limit: 10000) {{ key {KPI_FIELDS} }}"
        for d in DIMENSIONS
    )
    async with serve(settings) as (_, client):
        data = await answer(client, f"{{ {fields} }}")
    for d in DIMENSIONS:
        expected = by(mine, d)
        assert {r["key"] for r in data[d]} == set(expected), d
        for row in data[d]:
            same_kpis(row, expected[row["key"]], f"{d}={row['key']}")


async def test_rankings_matrix_and_branch_trend(serve, settings, mine) -> None:
    start, end = last_month(mine)
    query = """query($f: SalesFilterInput) {
      board: salespersonLeaderboard(limit: 10000) { key netSales uniqueBranches }
      top: productPerformance(groupBy: PRODUCT, limit: 5) { key netSales }
      lines: productPerformance(groupBy: PRODUCT_LINE, limit: 10000) { key unitsSold }
      branches: branchPerformance(filter: $f, limit: 10000) {
        key netSales previousNetSales netSalesGrowth }
      customers: topCustomers(limit: 10) { key netSales purchases lastPurchase }
      returns: returnsAnalysis(dimension: BRANCH, limit: 100) {
        total { returnsValue unitsReturned } rows { key returnsValue } }
      matrix: salesMatrix(rows: BRANCH, columns: PRODUCT_LINE, limit: 10000) {
        row column value }
      branchTrend(granularity: QUARTER) { branch points { bucket netSales } }
    }"""
    async with serve(settings) as (_, client):
        data = await answer(
            client, query, variables={"f": {"dateFrom": str(start), "dateTo": str(end)}}
        )
    people = by(mine, "salesperson")
    assert {r["key"] for r in data["board"]} == set(people)
    for row in data["board"]:
        assert row["netSales"] == pytest.approx(people[row["key"]]["netSales"])
        assert row["uniqueBranches"] <= len(MINE)
    products = sorted((v["netSales"] for v in by(mine, "product").values()), reverse=True)
    assert [r["netSales"] for r in data["top"]] == pytest.approx(products[:5])
    lines = by(mine, "product_line")
    assert {r["key"]: r["unitsSold"] for r in data["lines"]} == pytest.approx(
        {k: v["unitsSold"] for k, v in lines.items()}
    )
    month = mine.filter(local_day.is_between(start, end))
    before = mine.filter(
        local_day.is_between(start - timedelta(days=30), start - timedelta(days=1))
    )
    now, then = by(month, "branch"), by(before, "branch")
    assert {r["key"] for r in data["branches"]} == set(now) <= MINE
    for row in data["branches"]:
        assert row["netSales"] == pytest.approx(now[row["key"]]["netSales"])
        assert row["previousNetSales"] == pytest.approx(then[row["key"]]["netSales"])
    customers = sorted((v["netSales"] for v in by(mine, "customer").values()), reverse=True)
    assert [r["netSales"] for r in data["customers"]] == pytest.approx(customers[:10])
    same_kpis(data["returns"]["total"], kpis(mine), "returns total")
    assert {r["key"] for r in data["returns"]["rows"]} == MINE
    expected = {
        (a, b): kpis(part)["netSales"] for (a, b), part in mine.group_by("branch", "product_line")
    }
    assert {(c["row"], c["column"]): c["value"] for c in data["matrix"]} == pytest.approx(expected)
    assert [t["branch"] for t in data["branchTrend"]] == sorted(MINE)
    for trend in data["branchTrend"]:
        total = sum(p["netSales"] for p in trend["points"])
        assert total == pytest.approx(by(mine, "branch")[trend["branch"]]["netSales"])


async def test_customer_segments_score_only_the_scope_s_customers(serve, settings, mine) -> None:
    query = """{ customerSegments(limit: 10000) { referenceDate
      customers { customer recencyDays recencyScore frequencyScore monetaryScore } } }"""
    async with serve(settings) as (_, client):
        data = (await answer(client, query))["customerSegments"]
    reference = mine.select(local_day.max()).item()
    assert data["referenceDate"] == reference.isoformat()
    expected = rfm(mine, reference)
    got = {
        c["customer"]: (
            c["recencyDays"],
            c["recencyScore"],
            c["frequencyScore"],
            c["monetaryScore"],
        )
        for c in data["customers"]
    }
    assert got == expected


async def test_filter_lists_and_data_range_name_only_the_scope(serve, settings, mine) -> None:
    """A scoped viewer does not even see other branches' names, products or customers."""
    query = """{ filterOptions(limit: 10000) { branches products salespeople customers
        dataRange { rowCount firstDate lastDate } }
      dataRange { rowCount }
      datasources { name dataRange { rowCount } } }"""
    async with serve(settings) as (_, client):
        data = await answer(client, query)
    options = data["filterOptions"]
    assert options["branches"] == sorted(MINE)
    for column, field in [
        ("product", "products"),
        ("salesperson", "salespeople"),
        ("customer", "customers"),
    ]:
        assert options[field] == sorted(mine[column].unique().to_list()), field
    assert options["dataRange"]["rowCount"] == data["dataRange"]["rowCount"] == mine.height
    assert options["dataRange"]["firstDate"] == mine.select(local_day.min()).item().isoformat()
    listed = {d["name"]: d["dataRange"]["rowCount"] for d in data["datasources"]}
    assert "scope_weather" not in listed  # no branch column: nothing a scoped viewer may read
    assert listed[DATASOURCE] == mine.height


async def test_rest_answers_are_scoped_too(serve, settings, mine) -> None:
    async with serve(settings) as (_, client):
        overview = await client.get("/api/kpis/overview", headers=who())
        branches = await client.get("/api/kpis/branches", headers=who())
        widened = await client.get(
            "/api/kpis/branches",
            params={"branches": [OUTSIDE, "Mombasa"]},
            headers=who(),
        )
        outside = await client.get(
            "/api/kpis/overview", params={"branches": OUTSIDE}, headers=who()
        )
        nobody = await client.get("/api/kpis/overview", auth=None)  # no token at all
        anonymous = await client.post(
            "/graphql", json={"query": "{ dataRange { rowCount } }"}, auth=None
        )
    same_kpis(overview.json()["data"], kpis(mine), "rest overview")
    assert {r["key"] for r in branches.json()["data"]} == MINE
    assert [r["key"] for r in widened.json()["data"]] == ["Mombasa"]
    assert outside.json()["data"]["lines"] == 0
    assert nobody.status_code == anonymous.status_code == 401


# --- attempts to widen the scope --------------------------------------------------------------


async def test_filters_and_aliases_cannot_widen_the_scope(serve, settings, source, mine) -> None:
    """A branch outside the scope matches nothing (empty answer, not an error); asking the same
    question twice under aliases with different filters gives two scoped answers."""
    query = f"""{{
      outside: salesOverview(filter: {{branches: ["{OUTSIDE}"]}}) {{ lines netSales }}
      mixed: salesOverview(filter: {{branches: ["{OUTSIDE}", "Mombasa"]}}) {{ lines }}
      plain: salesOverview {{ lines }}
      everyBranch: profitability(dimension: BRANCH,
        filter: {{branches: {sorted(set(source["branch"]))!r}}}) {{ key }}
      options: filterOptions(filter: {{branches: ["{OUTSIDE}"]}}) {{ branches products }}
      trend: branchTrend(filter: {{branches: ["{OUTSIDE}"]}}) {{ branch }}
      segments: customerSegments(filter: {{branches: ["{OUTSIDE}"]}}) {{ customers {{ customer }} }}
    }}""".replace("'", '"')
    async with serve(settings) as (_, client):
        data = await answer(client, query)
    assert data["outside"] == {"lines": 0, "netSales": 0.0}
    assert data["mixed"]["lines"] == mine.filter(pl.col("branch") == "Mombasa").height
    assert data["plain"]["lines"] == mine.height
    assert {r["key"] for r in data["everyBranch"]} == MINE
    assert data["options"] == {"branches": [], "products": []}
    assert data["trend"] == []
    assert data["segments"]["customers"] == []


async def test_an_empty_scope_sees_nothing(serve, settings) -> None:
    nothing = who(Role.VIEWER, frozenset())
    query = """{ salesOverview { lines netSales } filterOptions { branches }
      dataRange { rowCount } profitability(dimension: PRODUCT) { key } }"""
    async with serve(settings) as (_, client):
        data = await answer(client, query, headers=nothing)
    assert data["salesOverview"]["lines"] == 0
    assert data["filterOptions"]["branches"] == []
    assert data["dataRange"]["rowCount"] == 0
    assert data["profitability"] == []


async def test_explore_is_admin_only_and_scoped_for_a_scoped_admin(serve, settings, mine) -> None:
    query = """query($q: ExploreInput!) { explore(query: $q) { columns rows } }"""
    by_branch = {"datasource": DATASOURCE, "dimensions": ["branch"],
                 "aggregates": [{"function": "COUNT"}]}  # fmt: skip
    outside = {**by_branch, "filters": [{"column": "branch", "values": [OUTSIDE]}]}
    weather = {"datasource": "scope_weather", "dimensions": ["city"]}
    scoped_admin = who(Role.ADMIN, MINE)
    async with serve(settings) as (_, client):
        refused = await ask(client, query, {"q": by_branch})  # a scoped viewer
        unscoped_viewer = await ask(client, query, {"q": by_branch}, who(Role.VIEWER, None))
        rows = await answer(client, query, variables={"q": by_branch}, headers=scoped_admin)
        none = await answer(client, query, variables={"q": outside}, headers=scoped_admin)
        other = await ask(client, query, {"q": weather}, scoped_admin)
        admin = await answer(client, query, variables={"q": weather}, headers=who(Role.ADMIN, None))
    for body in (refused, unscoped_viewer):
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    counts = dict(mine.group_by("branch").len().iter_rows())
    assert {r[0]: r[1] for r in rows["explore"]["rows"]} == counts
    assert none["explore"]["rows"] == []
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "branch" in other["errors"][0]["message"]
    assert admin["explore"]["rows"] == [["Kisumu"]]


async def test_operator_fields_need_their_role(serve, settings) -> None:
    async with serve(settings) as (_, client):
        for field in ("streams { datasource }", "ingestionTasks { taskId }"):
            body = await ask(client, f"{{ {field} }}", headers=who(Role.VIEWER, None))
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", field
        upload = "mutation($file: Upload!) { uploadSalesData(file: $file) { taskId } }"
        operations = {"query": upload, "variables": {"file": None}}
        refused = await client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("sales.csv", b"branch,amount\nMombasa,1\n", "text/csv")},
            headers={**who(Role.VIEWER, None), "apollo-require-preflight": "true"},
        )
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        uploader = await ask(client, "{ streams { datasource } }", headers=who(Role.UPLOADER, None))
        assert uploader["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- the caches -------------------------------------------------------------------------------


async def test_cached_answers_never_cross_scopes_or_roles(serve, settings, source, mine) -> None:
    """The same request body from callers with different scopes: each gets its own answer,
    whichever asked first; an admin's cached explore is not handed to a viewer."""
    query = "{ salesOverview { lines } filterOptions { branches } }"
    other = frozenset({OUTSIDE})
    callers = [
        ("every branch", who(Role.VIEWER, None), source),
        ("mine", who(), mine),
        ("other", who(Role.VIEWER, other), source.filter(pl.col("branch") == OUTSIDE)),
        ("mine again, another user", bearer(Role.ADMIN, MINE), mine),
    ]
    explore = (
        '{ explore(query: {datasource: "scope_demo", aggregates: [{function: COUNT}]}) { rows } }'
    )
    async with serve(settings) as (app, client):
        services: Any = app.state.services
        assert services.responses is not None  # the in-process response cache is on
        for _ in range(2):  # the second round is answered from the caches
            for name, headers, rows in callers:
                data = await answer(client, query, headers=headers)
                assert data["salesOverview"]["lines"] == rows.height, name
                assert data["filterOptions"]["branches"] == sorted(set(rows["branch"])), name
        assert services.responses.hits >= 3
        admin = await answer(client, explore, headers=who(Role.ADMIN, None))
        assert admin["explore"]["rows"] == [[source.height]]
        viewer = await ask(client, explore, headers=who(Role.VIEWER, None))
        assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_shared_redis_result_cache_keeps_scopes_apart(
    serve, olap_lite, source, mine
) -> None:
    from mauzo_common.testing.components import port_open

    if not port_open(6379):
        pytest.skip("Redis is not listening on 127.0.0.1:6379")
    settings = QueryApiSettings(
        druid_router_url=olap_lite.url,
        consume_events=False,
        default_datasource=DATASOURCE,
        redis_url="redis://127.0.0.1:6379/0",
    )
    query = "{ salesOverview { lines } }"
    async with serve(settings) as (app, client):
        try:
            for _ in range(2):
                everything = await answer(client, query, headers=who(Role.VIEWER, None))
                scoped = await answer(client, query)
                assert everything["salesOverview"]["lines"] == source.height
                assert scoped["salesOverview"]["lines"] == mine.height
        finally:
            await app.state.services.invalidate(DATASOURCE)
