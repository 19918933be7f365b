from datetime import date

import pytest

from mauzo_query_api.errors import InvalidArgument, UnknownColumn
from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.olap.client import Param
from mauzo_query_api.sql.explore import (
    Aggregate,
    AggregateSpec,
    ExploreSpec,
    column_names,
    explore_query,
)
from mauzo_query_api.sql.timewindow import Granularity, business_zone

NAIROBI = business_zone("Africa/Nairobi")
WEATHER = DatasourceSchema(
    "weather", {"__time": "TIMESTAMP", "city": "VARCHAR", "rain_mm": "DOUBLE"}
)


def spec(**changes: object) -> ExploreSpec:
    base: dict[str, object] = {
        "dimensions": ("city",),
        "aggregates": (
            AggregateSpec("rain_mm", Aggregate.SUM),
            AggregateSpec(None, Aggregate.COUNT),
        ),
        "bucket": Granularity.MONTH,
        "date_from": date(2024, 1, 1),
        "date_to": date(2024, 1, 31),
        "filters": (("city", ("Kisumu", "x' OR 1=1")),),
        "limit": 100,
    }
    return ExploreSpec(**{**base, **changes})  # type: ignore[arg-type]


def test_explore_any_datasource_with_bound_values() -> None:
    query = explore_query(WEATHER, spec(), NAIROBI)
    assert query.text.startswith(
        "SELECT TIME_FLOOR(__time, 'P1M', NULL, 'Africa/Nairobi') AS bucket, \"city\" AS d0, "
        'SUM("rain_mm") AS m0, COUNT(*) AS m1 FROM "weather"'
    )
    assert "x' OR" not in query.text
    assert query.params == (
        Param("TIMESTAMP", "2023-12-31 21:00:00"),
        Param("TIMESTAMP", "2024-01-31 21:00:00"),
        Param("VARCHAR", "Kisumu"),
        Param("VARCHAR", "x' OR 1=1"),
    )
    assert query.text.endswith("LIMIT 100")
    assert column_names(spec()) == ["bucket", "city", "sum(rain_mm)", "count(*)"]


def test_explore_checks_every_column() -> None:
    with pytest.raises(UnknownColumn):
        explore_query(WEATHER, spec(dimensions=("town",)), NAIROBI)
    with pytest.raises(UnknownColumn):
        explore_query(WEATHER, spec(aggregates=(AggregateSpec("x", Aggregate.MAX),)), NAIROBI)
    with pytest.raises(UnknownColumn):
        explore_query(WEATHER, spec(filters=(("country", ("KE",)),)), NAIROBI)


def test_explore_needs_something_to_compute() -> None:
    with pytest.raises(InvalidArgument):
        explore_query(WEATHER, spec(dimensions=(), aggregates=(), bucket=None), NAIROBI)
    with pytest.raises(InvalidArgument, match="needs a column"):
        explore_query(WEATHER, spec(aggregates=(AggregateSpec(None, Aggregate.SUM),)), NAIROBI)
