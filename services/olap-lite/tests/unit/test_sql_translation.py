"""Translation of Druid SQL, error bodies, parameters and result rendering (no server)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from mauzo_olap_lite.errors import DruidError, query_timeout
from mauzo_olap_lite.sql.context import QueryContext, format_timestamp, parse_context, zone_info
from mauzo_olap_lite.sql.parameters import bind_value
from mauzo_olap_lite.sql.results import ColumnType, ResultSet, render
from mauzo_olap_lite.sql.translate import translate

UTC_CTX = QueryContext()


def test_parameters_become_numbered_binds_and_literal_positions_are_inlined() -> None:
    params = [
        {"type": "VARCHAR", "value": "P1D"},
        {"type": "TIMESTAMP", "value": "2024-01-01 00:00:00"},
    ]
    result = translate(
        "SELECT TIME_FLOOR(__time, ?) FROM sales WHERE __time >= ?", {"sales"}, UTC_CTX, params
    )
    assert result.bind == [1]
    assert "$1" in result.sql
    assert "DATE_TRUNC('DAY'" in result.sql
    assert result.inlined == {0: "P1D"}


def test_unknown_objects_and_writes_raise_invalid_input() -> None:
    with pytest.raises(DruidError) as err:
        translate("SELECT * FROM nope", set(), UTC_CTX, [])
    assert err.value.body()["errorMessage"] == "Object 'nope' not found"
    assert err.value.status == 400
    with pytest.raises(DruidError, match="UPDATE"):
        translate("UPDATE sales SET a = 1", {"sales"}, UTC_CTX, [])


def test_non_utc_sessions_read_time_through_a_shifted_view() -> None:
    ctx = parse_context({"sqlTimeZone": "Africa/Nairobi"}, 1000)
    sql = translate("SELECT __time FROM sales", {"sales"}, ctx, []).sql
    assert "timezone('africa/nairobi'" in sql.lower()


def test_context_parsing() -> None:
    ctx = parse_context(
        {
            "sqlTimeZone": "+03:00",
            "useApproximateCountDistinct": "false",
            "timeout": 5,
            "sqlQueryId": "q",
        },
        1000,
    )
    assert (ctx.time_zone, ctx.exact_count_distinct, ctx.timeout_ms, ctx.query_id) == (
        "Etc/GMT-3",
        True,
        5,
        "q",
    )
    assert parse_context(None, 1000).timeout_ms == 1000


def test_timestamps_print_like_druid() -> None:
    moment = datetime(1999, 12, 31, 16, 0)
    assert (
        format_timestamp(moment, zone_info("America/Los_Angeles"))
        == "1999-12-31T16:00:00.000-08:00"
    )
    assert (
        format_timestamp(datetime(2024, 1, 1, 0, 0, 0, 5000), zone_info("UTC"))
        == "2024-01-01T00:00:00.005Z"
    )
    # Joda prints four-digit years, also before year 1000
    assert format_timestamp(datetime(1, 1, 1), zone_info("UTC")) == "0001-01-01T00:00:00.000Z"


def test_parameter_values() -> None:
    assert bind_value({"type": "TIMESTAMP", "value": "2024-01-01 10:00:00"}, "UTC") == datetime(
        2024, 1, 1, 10
    )
    assert bind_value(
        {"type": "TIMESTAMP", "value": "2024-01-01T10:00:00Z"}, "Africa/Nairobi"
    ) == datetime(2024, 1, 1, 13)
    assert bind_value({"type": "BIGINT", "value": "5"}, "UTC") == 5
    with pytest.raises(DruidError):
        bind_value({"type": "BIGINT", "value": "x"}, "UTC")


def test_legacy_error_body_shape() -> None:
    body = query_timeout("took too long").body()
    assert body["error"] == "Query timeout"
    assert body["errorCode"] == "legacyQueryException"
    assert body["context"]["legacyErrorCode"] == "Query timeout"
    assert query_timeout("x").status == 504


def test_render_csv_quotes_and_nulls() -> None:
    result = ResultSet(["a", "b"], [ColumnType("STRING", "VARCHAR")] * 2, [["x,y", None]])
    assert render(result, "csv", False, False, False) == b'"x,y",\n\n'
    assert json.loads(render(result, "array", True, True, False)) == [
        ["a", "b"],
        ["STRING", "STRING"],
        ["x,y", None],
    ]
    with pytest.raises(DruidError):
        render(result, "xml", False, False, False)
