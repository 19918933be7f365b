"""The SQL the aggregating query types share: bucket, dimensions and aggregates grouped, then
post-aggregators computed over the grouped row."""

from __future__ import annotations

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.aggregators import Aggregate, aggregates
from mauzo_olap_lite.native.dimensions import Dimension, unnest_sql
from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.native.postaggregators import post_aggregates
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.table import TIME

BUCKET = "__bucket"


class Aggregation:
    def __init__(self, scope: Scope, dims: list[Dimension]) -> None:
        self.scope = scope
        self.dims = dims
        self.aggs: list[Aggregate] = aggregates(scope.query.get("aggregations"), scope.table)
        names = [d.output for d in dims] + [a.name for a in self.aggs]
        self.posts = post_aggregates(scope.query.get("postAggregations"), names, {})
        outputs = names + [name for name, _ in self.posts]
        if len(set(outputs)) != len(outputs):
            raise bad_query(f"Duplicate output name in {outputs}")

    @property
    def output_names(self) -> list[str]:
        return (
            [d.output for d in self.dims] + [a.name for a in self.aggs] + [n for n, _ in self.posts]
        )

    def grouped_sql(self, *, all_buckets: bool = False) -> str:
        """One row per (bucket, dimensions), aggregate columns named like the aggregators."""
        bucket = (
            "CAST(NULL AS TIMESTAMP)"
            if all_buckets
            else self.scope.granularity.bucket_sql(quote_ident(TIME))
        )
        source, where = unnest_sql(self.scope.source, self.dims, self.scope.where)
        cols = [f"{bucket} AS {BUCKET}"]
        cols += [f"{d.sql} AS {quote_ident(d.output)}" for d in self.dims]
        cols += [f"{a.sql} AS {quote_ident(a.name)}" for a in self.aggs]
        sql = f"SELECT {', '.join(cols)} FROM {source} WHERE {where}"
        if not self.dims and (all_buckets or self.scope.granularity.is_all):
            return sql  # one row even when nothing matched, as Druid's `all` bucket
        return sql + " GROUP BY " + ", ".join(str(i + 1) for i in range(1 + len(self.dims)))

    def with_posts(self, inner: str) -> str:
        if not self.posts:
            return inner
        extra = ", ".join(f"{sql} AS {quote_ident(name)}" for name, sql in self.posts)
        return f"SELECT *, {extra} FROM ({inner})"
