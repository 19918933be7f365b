"""Explore any datasource: rows of chosen dimensions, bucket and aggregates."""

from __future__ import annotations

from typing import Any, cast

from strawberry.scalars import JSON

from mauzo_query_api.deps import Ask
from mauzo_query_api.graphql.types import ExploreResult
from mauzo_query_api.sql.explore import ExploreSpec, column_names, explore_query
from mauzo_query_api.sql.timewindow import parse_olap_timestamp


async def explore(ask: Ask, datasource: str | None, spec: ExploreSpec) -> ExploreResult:
    schema = await ask.schema(datasource)
    rows = await ask.rows(explore_query(schema, spec, ask.zone, ask.scope))
    aliases = (["bucket"] if spec.bucket is not None else []) + [
        f"d{i}" for i in range(len(spec.dimensions))
    ]
    aliases += [f"m{i}" for i in range(len(spec.aggregates))]
    out: list[list[Any]] = []
    for row in rows:
        values = [row.get(alias) for alias in aliases]
        if spec.bucket is not None:
            instant = parse_olap_timestamp(values[0])
            values[0] = instant.astimezone(ask.zone).date().isoformat() if instant else None
        out.append(values)
    return ExploreResult(columns=column_names(spec), rows=cast(list[JSON], out))
