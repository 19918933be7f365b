"""segmentMetadata (Druid's querying/segmentmetadataquery.md): per segment (or merged), each
column's type, whether it has multiple values and nulls, and for string columns the cardinality
and min/max value; numRows, the intervals.

olap-lite's rows carry no segment of their own, so segments sharing a time chunk (appended
partitions) are answered together under the chunk's first segment id. `size` is 0, and the
aggregators / timestampSpec / queryGranularity / rollup analyses answer null (not recorded).
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.catalog import DRUID_OF
from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute, plain
from mauzo_olap_lite.native.table import TIME
from mauzo_olap_lite.timeutil.periods import Interval

DEFAULT_ANALYSES = ("cardinality", "interval", "minmax")


def _chunks(scope: Scope) -> list[tuple[str, Interval]]:
    seen: dict[tuple[Any, Any], str] = {}
    for seg in scope.table.segments:
        whole = Interval(seg.start, seg.end)
        if scope.intervals is None or any(whole.overlaps(i) for i in scope.intervals):
            seen.setdefault((seg.start, seg.end), seg.id)
    return [(sid, Interval(start, end)) for (start, end), sid in seen.items()]


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    query = scope.query
    analyses = set(query.get("analysisTypes") or DEFAULT_ANALYSES)
    chunks = _chunks(scope)
    if not chunks:
        return []
    columns = list(scope.table.columns)
    measures = ["count(*)"]
    for c in columns:
        ref = quote_ident(c.name)
        measures.append(f"bool_or({ref} IS NULL)")
        strings = c.duck_type == "VARCHAR"
        measures.append(f"count(DISTINCT {ref})" if strings else "NULL")
        measures.append(f"min({ref})" if strings else "NULL")
        measures.append(f"max({ref})" if strings else "NULL")
    merge = bool(query.get("merge"))
    spans = ", ".join(
        f"({i}, TIMESTAMP '{iv.start.isoformat(sep=' ')}', TIMESTAMP '{iv.end.isoformat(sep=' ')}')"
        for i, (_, iv) in enumerate(chunks)
    )
    key = "0" if merge else "s.k"
    sql = (
        f"SELECT {key} AS k, {', '.join(measures)} FROM {scope.source} AS t "
        f"JOIN (VALUES {spans}) AS s(k, lo, hi) ON t.{quote_ident(TIME)} >= s.lo "
        f"AND t.{quote_ident(TIME)} < s.hi GROUP BY 1 ORDER BY 1"
    )
    result = execute(sql)
    out = []
    for row in result.rows:
        k = int(row[0])
        ids = [chunks[k][0]] if not merge else ["merged"]
        intervals = [chunks[k][1]] if not merge else [iv for _, iv in chunks]
        described: dict[str, Any] = {}
        for n, c in enumerate(columns):
            has_nulls, cardinality, low, high = row[2 + 4 * n : 6 + 4 * n]
            multi = c.duck_type.endswith("[]")
            kind = "LONG" if c.name == TIME else DRUID_OF.get(c.duck_type, "STRING")
            described[c.name] = {
                "typeSignature": kind,
                "type": kind,
                "hasMultipleValues": multi,
                "hasNulls": bool(has_nulls),
                "size": 0,
                "cardinality": plain(cardinality) if "cardinality" in analyses else None,
                "minValue": low if "minmax" in analyses else None,
                "maxValue": high if "minmax" in analyses else None,
                "errorMessage": None,
            }
        out.append(
            {
                "id": ids[0],
                "intervals": [i.druid() for i in intervals] if "interval" in analyses else None,
                "columns": described,
                "size": 0,
                "numRows": int(row[1]),
                "aggregators": None,
                "projections": None,
                "timestampSpec": None,
                "queryGranularity": None,
                "rollup": None,
            }
        )
    return out
