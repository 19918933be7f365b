"""dataSourceMetadata (Druid's querying/datasourcemetadataquery.md): the latest event time."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.native.query import Scope
from mauzo_olap_lite.native.runs import Execute
from mauzo_olap_lite.native.table import TIME
from mauzo_olap_lite.timeutil.periods import format_instant


def run(scope: Scope, execute: Execute) -> list[dict[str, Any]]:
    result = execute(f"SELECT max({quote_ident(TIME)}) FROM {quote_ident(scope.table.name)}")
    latest = result.rows[0][0]
    if latest is None:
        return []
    stamp = format_instant(latest)
    return [{"timestamp": stamp, "result": {"maxIngestedEventTime": stamp}}]
