"""What every native query shares once parsed: the table (with its virtual columns), intervals,
the WHERE, the granularity and the context; and where an `all` bucket's timestamp comes from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from mauzo_olap_lite.ingest.expressions import expression_sql
from mauzo_olap_lite.native.context import NativeContext
from mauzo_olap_lite.native.errors import bad_query, unsupported
from mauzo_olap_lite.native.filters import parse_intervals, where_sql
from mauzo_olap_lite.native.granularity import QueryGranularity
from mauzo_olap_lite.native.table import Table
from mauzo_olap_lite.timeutil.periods import Interval

_VIRTUAL_TYPES = {"STRING": "VARCHAR", "LONG": "BIGINT", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT"}


@dataclass(frozen=True)
class Scope:
    query: dict[str, Any]
    table: Table
    intervals: list[Interval] | None
    where: str
    granularity: QueryGranularity
    context: NativeContext

    @property
    def source(self) -> str:
        return self.table.source_sql()

    def spans(self) -> list[Interval]:
        """The query's intervals clipped to the used segments: where Druid has cursors to read,
        hence the time buckets it can answer (an empty bucket inside them is filled)."""
        out: list[Interval] = []
        for seg in self.table.segments:
            for i in self.intervals or [Interval(seg.start, seg.end)]:
                start, end = max(seg.start, i.start), min(seg.end, i.end)
                if start < end:
                    out.append(Interval(start, end))
        out.sort(key=lambda i: i.start)
        merged: list[Interval] = []
        for i in out:
            if merged and i.start <= merged[-1].end:
                merged[-1] = Interval(merged[-1].start, max(merged[-1].end, i.end))
            else:
                merged.append(i)
        return merged

    def all_timestamp(self) -> datetime | None:
        """The timestamp of the one `all` bucket: the start of the first span read."""
        spans = self.spans()
        return spans[0].start if spans else None

    def stamp(self, bucket: datetime | None) -> str | None:
        moment = bucket if bucket is not None else self.all_timestamp()
        return self.granularity.format(moment) if moment is not None else None


def _virtual(raw: Any, table: Table) -> Table:
    if not raw:
        return table
    if not isinstance(raw, list):
        raise bad_query("virtualColumns must be a list")
    virtual: dict[str, tuple[str, str]] = {}
    for spec in raw:
        if not isinstance(spec, dict) or spec.get("type") != "expression":
            raise unsupported(f"Virtual column [{spec}] is not supported (only type expression)")
        current = replace(table, virtual=dict(virtual))
        try:
            sql = expression_sql(str(spec["expression"]), current.types)
        except (ValueError, KeyError) as exc:
            raise bad_query(f"Invalid virtual column: {exc}") from exc
        duck = _VIRTUAL_TYPES.get(str(spec.get("outputType") or "").upper())
        if duck:
            sql = f"TRY_CAST({sql} AS {duck})"
        virtual[str(spec["name"])] = (sql, duck or "")
    return replace(table, virtual=virtual)


def scope(
    query: dict[str, Any], table: Table, context: NativeContext, *, intervals_required: bool
) -> Scope:
    table = _virtual(query.get("virtualColumns"), table)
    intervals = parse_intervals(query.get("intervals"), intervals_required)
    return Scope(
        query,
        table,
        intervals,
        where_sql(query, table, intervals),
        QueryGranularity(query.get("granularity")),
        context,
    )
