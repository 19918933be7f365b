"""CSV/TSV lines as Druid's text readers take them: a line with more fields than the header keeps
its leading fields (Druid zips names with values and drops the excess), a short line keeps the
missing fields null, and a line the reader cannot split (a broken quote) is one unparseable row
with its line saved, not a failed task; maxParseExceptions decides, as in Druid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

BROKEN = 'ts,k,n\n2024-01-01,a,1\n2024-01-02,"b,2\n'


def _spec(
    make_spec: Any, ds: str, path: Path, tuning: dict[str, Any], kind: str = "csv"
) -> dict[str, Any]:
    body: dict[str, Any] = make_spec(
        ds,
        {"type": "local", "files": [str(path)]},
        input_format={"type": kind, "findColumnsFromHeader": True},
        timestamp={"column": "ts", "format": "auto"},
        dimensions=["k", {"type": "long", "name": "n"}],
        tuning=tuning,
    )
    return body


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (
            "csv",
            'ts,k,n\n2024-01-01,a,1\n2024-01-02,b,2,extra,"x,y"\n2024-01-03,c\n'
            '2024-01-04,"",4,\n2024-01-05,,5,z\n',
        ),
        (
            "tsv",
            "ts\tk\tn\n2024-01-01\ta\t1\n2024-01-02\tb\t2\textra\tx,y\n2024-01-03\tc\n"
            "2024-01-05\t\t5\tz\n",
        ),
    ],
)
def test_extra_fields_are_dropped_and_missing_ones_are_null(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str, kind: str, text: str
) -> None:
    path = tmp_path / f"d.{kind}"
    path.write_text(text)
    status = druid.run(_spec(make_spec, unique_name, path, {"maxParseExceptions": 0}, kind))
    assert status["statusCode"] == "SUCCESS"
    report = druid.report(status["id"])
    stats = report["rowStats"]["buildSegments"]
    lines = len(text.splitlines()) - 1
    assert (stats["processed"], stats["unparseable"]) == (lines, 0)
    rows = druid.sql(f'SELECT __time AS t, k, n FROM "{unique_name}" ORDER BY __time')
    expected = [
        {"t": "2024-01-01T00:00:00.000Z", "k": "a", "n": 1},
        {"t": "2024-01-02T00:00:00.000Z", "k": "b", "n": 2},
        {"t": "2024-01-03T00:00:00.000Z", "k": "c", "n": None},
    ]
    if kind == "csv":  # a quoted "" in a recovered line is the empty string, as in other lines
        expected.append({"t": "2024-01-04T00:00:00.000Z", "k": "", "n": 4})
    expected.append({"t": "2024-01-05T00:00:00.000Z", "k": None, "n": 5})
    assert rows == expected


def test_max_parse_exceptions_fails_the_task_on_a_malformed_line(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(BROKEN)
    status = druid.run(_spec(make_spec, unique_name, path, {"maxParseExceptions": 0}))
    assert status["statusCode"] == "FAILED"
    assert status["errorMsg"] == "Max parse exceptions[0] exceeded"
    response = druid.http.post("/druid/v2/sql", json={"query": f'SELECT * FROM "{unique_name}"'})
    assert response.status_code == 400  # nothing was published


def test_a_broken_quote_is_unparseable(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(BROKEN)
    tuning = {"maxParseExceptions": 5, "maxSavedParseExceptions": 5}
    task = druid.submit(_spec(make_spec, unique_name, path, tuning))
    assert druid.wait(task)["statusCode"] == "SUCCESS"
    report = druid.report(task)
    assert report["rowStats"]["buildSegments"]["unparseable"] == 1
    assert report["unparseableEvents"]["buildSegments"][0]["input"] == '2024-01-02,"b,2'
    assert druid.sql(f'SELECT k FROM "{unique_name}"') == [{"k": "a"}]
