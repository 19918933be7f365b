"""A CSV line the reader cannot split into the header's fields (too many fields, a broken
quote) is one unparseable row with its line saved, not a failed task; maxParseExceptions
decides, as in Druid. A short line keeps its missing fields null."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CSV = "ts,k,n\n2024-01-01,a,1\n2024-01-02,b,2,extra\n2024-01-03,c\n"


def _spec(make_spec: Any, ds: str, path: Path, tuning: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = make_spec(
        ds,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "ts", "format": "auto"},
        dimensions=["k", {"type": "long", "name": "n"}],
        tuning=tuning,
    )
    return body


def test_a_line_with_too_many_fields_is_unparseable_and_the_rest_loads(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    tuning = {"maxParseExceptions": 1, "maxSavedParseExceptions": 5}
    task = druid.submit(_spec(make_spec, unique_name, path, tuning))
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    report = druid.report(task)
    stats = report["rowStats"]["buildSegments"]
    assert (stats["processed"], stats["unparseable"]) == (2, 1)
    [event] = report["unparseableEvents"]["buildSegments"]
    assert event["input"] == "2024-01-02,b,2,extra"
    assert event["details"] == ["Unable to parse row [2024-01-02,b,2,extra]"]
    rows = druid.sql(f'SELECT k, n FROM "{unique_name}" ORDER BY k')
    assert rows == [{"k": "a", "n": 1}, {"k": "c", "n": None}]


def test_max_parse_exceptions_fails_the_task_on_a_malformed_line(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    status = druid.run(_spec(make_spec, unique_name, path, {"maxParseExceptions": 0}))
    assert status["statusCode"] == "FAILED"
    assert status["errorMsg"] == "Max parse exceptions[0] exceeded"
    response = druid.http.post("/druid/v2/sql", json={"query": f'SELECT * FROM "{unique_name}"'})
    assert response.status_code == 400  # nothing was published


def test_a_broken_quote_is_unparseable(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text('ts,k,n\n2024-01-01,a,1\n2024-01-02,"b,2\n')
    tuning = {"maxParseExceptions": 5, "maxSavedParseExceptions": 5}
    task = druid.submit(_spec(make_spec, unique_name, path, tuning))
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    report = druid.report(task)
    assert report["rowStats"]["buildSegments"]["unparseable"] == 1
    assert report["unparseableEvents"]["buildSegments"][0]["input"] == '2024-01-02,"b,2'
    assert druid.sql(f'SELECT k FROM "{unique_name}"') == [{"k": "a"}]
