"""scan (Druid's querying/scan-query.md): raw rows in batches per segment, `list` (objects) or
`compactedList` (arrays), with columns, limit, offset, order by __time or `orderBy` columns.
`__time` comes out as epoch milliseconds; a multi-value column as its list of values."""

from __future__ import annotations

import bisect
from typing import Any

from mauzo_olap_lite.catalog import DRUID_OF
from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute, plain
from mauzo_olap_lite.native.table import TIME, Segment

_ROW_TIME = "__scan_time"


def _columns(scope: Scope) -> list[str]:
    requested = scope.query.get("columns")
    if requested:
        return [str(c) for c in requested]
    stored = [c.name for c in scope.table.columns]
    return [TIME] + [n for n in stored if n != TIME]


def _order(scope: Scope) -> str:
    query = scope.query
    terms = []
    for spec in query.get("orderBy") or []:
        direction = (
            "DESC" if str(spec.get("order", "ascending")).lower().startswith("desc") else "ASC"
        )
        terms.append(f"{quote_ident(str(spec['columnName']))} {direction}")
    order = str(query.get("order") or "none").lower()
    if not terms and order in ("ascending", "descending"):
        terms.append(f"{quote_ident(TIME)} {'DESC' if order == 'descending' else 'ASC'}")
    return f" ORDER BY {', '.join(terms)}" if terms else ""


def _signature(scope: Scope, names: list[str]) -> list[dict[str, str]]:
    types = scope.table.types
    out = []
    for n in names:
        duck = types.get(n, "VARCHAR")
        kind = (
            "LONG"
            if n == TIME
            else DRUID_OF.get(duck, "ARRAY<STRING>" if duck.endswith("[]") else "STRING")
        )
        out.append({"name": n, "type": kind})
    return out


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    query = scope.query
    result_format = str(query.get("resultFormat") or "list")
    if result_format not in ("list", "compactedList"):
        raise bad_query(f"Unknown resultFormat [{result_format}]")
    names = _columns(scope)
    selected = [f"epoch_ms({quote_ident(TIME)})" if n == TIME else quote_ident(n) for n in names]
    sql = (
        f"SELECT {quote_ident(TIME)} AS {_ROW_TIME}, {', '.join(selected)} "
        f"FROM {scope.source} WHERE {scope.where}{_order(scope)}"
    )
    if query.get("limit") is not None:
        sql += f" LIMIT {int(query['limit'])}"
    if query.get("offset"):
        sql += f" OFFSET {int(query['offset'])}"
    result = execute(sql)
    batches: dict[str, dict[str, Any]] = {}
    segments = list(scope.table.segments)
    starts = [s.start for s in segments]
    for row in result.rows:
        seg = _segment_of(segments, starts, row[0])
        batch = batches.get(seg)
        if batch is None:
            batch = batches[seg] = {
                "segmentId": seg,
                "columns": names,
                "events": [],
                "rowSignature": _signature(scope, names),
            }
        values = [plain(v) for v in row[1:]]
        if result_format == "list":
            batch["events"].append(dict(zip(names, values, strict=True)))
        else:
            batch["events"].append(values)
    return list(batches.values())


def _segment_of(segments: list[Segment], starts: list[Any], moment: Any) -> str:
    i = bisect.bisect_right(starts, moment) - 1
    while i >= 0:
        if segments[i].start <= moment < segments[i].end:
            return segments[i].id
        i -= 1
    return segments[0].id if segments else ""
