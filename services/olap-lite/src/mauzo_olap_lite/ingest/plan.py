"""The SQL plan of one ingestion task, built from the spec and the source's real column types.

Layers (each a subquery, so DuckDB reads only the columns used):
  relation      the input format's rows
  parsed        relation + "__olap_ts" (timestampSpec, missingValue) [+ transforms]
  kept          parsed rows with a time, inside granularitySpec.intervals, passing the filter
Rows without a time are "unparseable"; rows outside the intervals or filtered out are
"thrownAway" (docs/druid.md#timestamps,
docs/druid.md#completion-report).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.ingest import columns as cols
from mauzo_olap_lite.ingest.filters import filter_sql
from mauzo_olap_lite.ingest.spec import TaskSpec
from mauzo_olap_lite.ingest.timestamps import missing_sql, timestamp_sql
from mauzo_olap_lite.ingest.transforms import transformed_relation
from mauzo_olap_lite.timeutil.granularity import Granularity, parse_granularity
from mauzo_olap_lite.timeutil.periods import Interval, parse_interval

TS = '"__olap_ts"'


@dataclass(frozen=True)
class Plan:
    parsed: str  # subquery with __olap_ts and every (transformed) input column
    keep: str  # condition on a parsed row: stored
    in_range: str  # condition: inside intervals and passing the filter
    error: str  # condition: a value failed to convert
    columns: list[cols.StoredColumn]
    rollup: bool
    query_granularity: Granularity
    segment_granularity: Granularity
    intervals: list[Interval]

    def chunk_sql(self, ts: str = TS) -> str:
        return self.segment_granularity.floor_sql(ts)

    def rows_sql(self) -> str:
        """The rows to store: __time, dimensions, metrics (rolled up when rollup is on)."""
        inner = [f'{self.query_granularity.floor_sql(TS)} AS "__time"']
        inner += [f'{c.value_sql} AS "__c{i}"' for i, c in enumerate(self.columns)]
        source = f"(SELECT {', '.join(inner)} FROM {self.parsed} WHERE {self.keep})"
        outer = ['"__time"']
        groups = ['"__time"']
        for i, c in enumerate(self.columns):
            alias = f'"__c{i}"'
            if self.rollup and c.role == "metric":
                outer.append(f"{c.rollup_sql(alias)} AS {quote_ident(c.name)}")
            else:
                value = "CAST(1 AS BIGINT)" if c.aggregate == "count" else alias
                outer.append(f"{value} AS {quote_ident(c.name)}")
                groups.append(alias)
        sql = f"SELECT {', '.join(outer)} FROM {source}"
        if self.rollup:
            sql += f" GROUP BY {', '.join(groups)}"
        return sql


def build_plan(task: TaskSpec, relation: str, cur: duckdb.DuckDBPyConnection) -> Plan:
    schema = task.spec.data_schema
    source = _describe(cur, f"SELECT * FROM {relation}")
    ts_spec = schema.timestamp_spec
    ts = timestamp_sql(quote_ident(ts_spec.column), source.get(ts_spec.column), ts_spec.format)
    missing = missing_sql(ts_spec.missing_value)
    if missing:
        ts = f"coalesce({ts}, {missing})"
    parsed = f"(SELECT *, {ts} AS {TS} FROM {relation})"
    try:
        transforms = schema.transform_spec.transforms
        parsed = transformed_relation(parsed, transforms, {**source, "__olap_ts": "TIMESTAMP"})
        kinds = _describe(cur, f"SELECT * FROM {parsed}") if transforms else source
        where = filter_sql(schema.transform_spec.filter, kinds)
        gran = schema.granularity_spec
        segment = parse_granularity(gran.segment_granularity, "day")
        query = parse_granularity(gran.query_granularity, "none")
        intervals = [parse_interval(i) for i in gran.intervals or []]
        stored = _stored_columns(task, kinds, set(source))
    except ValueError as exc:
        raise SpecError(str(exc)) from exc
    ranges = " OR ".join(
        f"({TS} >= TIMESTAMP '{i.start}' AND {TS} < TIMESTAMP '{i.end}')" for i in intervals
    )
    in_range = f"({ranges or 'TRUE'}) AND coalesce({where}, FALSE)"
    errors = [c.error_sql for c in stored if c.error_sql]
    return Plan(
        parsed=parsed,
        keep=f"{TS} IS NOT NULL AND {in_range}",
        in_range=in_range,
        error=" OR ".join(errors) if errors else "FALSE",
        columns=stored,
        rollup=gran.rollup,
        query_granularity=query,
        segment_granularity=segment,
        intervals=intervals,
    )


def _describe(cur: duckdb.DuckDBPyConnection, sql: str) -> dict[str, str]:
    rows = cur.execute(f"DESCRIBE {sql}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _stored_columns(
    task: TaskSpec, source: dict[str, str], discoverable: set[str]
) -> list[cols.StoredColumn]:
    """Typed columns; schemaless mode discovers input fields only, never transform outputs."""
    schema = task.spec.data_schema
    dims_spec = schema.dimensions_spec
    metrics = [
        cols.metric(m.type, m.name, m.field_name, source.get(m.field_name or ""))
        for m in schema.metrics_spec
    ]
    dims = [
        cols.dimension(d.name, d.type, source.get(d.name), d.multi_value_handling)
        for d in dims_spec.schemas()
    ]
    if not dims or dims_spec.include_all_dimensions or dims_spec.use_schema_discovery:
        taken = {d.name for d in dims} | {m.name for m in schema.metrics_spec}
        taken |= {m.field_name for m in schema.metrics_spec if m.field_name}
        taken |= {schema.timestamp_spec.column, "__olap_ts", "__time"}
        taken |= set(dims_spec.dimension_exclusions)
        for name, duck_type in source.items():
            if name in taken or name not in discoverable:
                continue
            kind = cols.discovered_kind(duck_type) if dims_spec.use_schema_discovery else "string"
            dims.append(cols.dimension(name, kind, duck_type))
    return dims + metrics
