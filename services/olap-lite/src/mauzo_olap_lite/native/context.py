"""The native query context (Druid's querying/query-context.md): the keys olap-lite honours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NativeContext:
    query_id: str
    timeout_ms: int | None
    skip_empty_buckets: bool = False
    grand_total: bool = False
    result_as_array: bool = False
    sort_by_dims_first: bool = False


def _flag(raw: dict[str, Any], key: str) -> bool:
    return str(raw.get(key, False)).lower() == "true"


def parse_context(raw: Any, default_timeout_ms: int) -> NativeContext:
    context: dict[str, Any] = raw if isinstance(raw, dict) else {}
    timeout = context.get("timeout", default_timeout_ms)
    return NativeContext(
        query_id=str(context.get("queryId") or uuid.uuid4()),
        # Druid reads timeout 0 as "no timeout"
        timeout_ms=int(timeout) if timeout not in (None, 0, "0") else None,
        skip_empty_buckets=_flag(context, "skipEmptyBuckets"),
        grand_total=_flag(context, "grandTotal"),
        result_as_array=_flag(context, "resultAsArray"),
        sort_by_dims_first=_flag(context, "sortByDimsFirst"),
    )
