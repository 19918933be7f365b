"""queryType -> how it runs, and which query types need `intervals` (Druid requires them
everywhere but the metadata queries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mauzo_olap_lite.native import (
    datasource_metadata,
    groupby,
    scan,
    search,
    segment_metadata,
    time_boundary,
    timeseries,
    topn,
)
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute

Runner = Callable[[Scope, Execute], list[Any]]

QUERY_TYPES: dict[str, tuple[Runner, bool]] = {
    "timeseries": (timeseries.run, True),
    "topN": (topn.run, True),
    "groupBy": (groupby.run, True),
    "scan": (scan.run, True),
    "search": (search.run, True),
    "timeBoundary": (time_boundary.run, False),
    "segmentMetadata": (segment_metadata.run, False),
    "dataSourceMetadata": (datasource_metadata.run, False),
}
