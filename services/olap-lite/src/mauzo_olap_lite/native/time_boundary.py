"""timeBoundary (Druid's querying/timeboundaryquery.md): the earliest and latest row time, or one
of them (`bound`), under the query's filter and intervals."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute
from mauzo_olap_lite.native.table import TIME
from mauzo_olap_lite.timeutil.periods import format_instant


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    t = quote_ident(TIME)
    result = execute(f"SELECT min({t}), max({t}) FROM {scope.source} WHERE {scope.where}")
    low, high = result.rows[0]
    if low is None:
        return []
    bound = scope.query.get("bound")
    body: dict[str, str] = {}
    if bound in (None, "minTime"):
        body["minTime"] = format_instant(low)
    if bound in (None, "maxTime"):
        body["maxTime"] = format_instant(high)
    stamp = high if bound == "maxTime" else low
    return [{"timestamp": format_instant(stamp), "result": body}]
