"""Positional parameters `[{type, value}]` -> DuckDB bind values (literals where Druid needs one).

TIMESTAMP values are strings like '2024-01-01 00:00:00' in the session time zone (an ISO value
with an offset is converted to it); DATE values are 'YYYY-MM-DD'.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mauzo_olap_lite.errors import invalid_input
from mauzo_olap_lite.sql.context import zone_info


def bind_value(param: Any, tz: str) -> Any:
    if not isinstance(param, dict) or "type" not in param:
        raise invalid_input('Each parameter needs a type and a value: {"type": ..., "value": ...}')
    kind = str(param["type"]).upper()
    value = param.get("value")
    if value is None:
        return None
    try:
        if kind in ("VARCHAR", "CHAR", "STRING"):
            return str(value)
        if kind in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "LONG"):
            return int(value)
        if kind in ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC"):
            return float(value)
        if kind == "BOOLEAN":
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if kind == "TIMESTAMP":
            return _timestamp(value, tz)
        if kind == "DATE":
            return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError) as exc:
        raise invalid_input(f"Cannot use value [{value}] as a parameter of type [{kind}]") from exc
    raise invalid_input(f"Unsupported parameter type [{kind}]")


def _timestamp(value: Any, tz: str) -> datetime:
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, zone_info("UTC"))
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T", 1))
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone_info(tz)).replace(tzinfo=None)
    return moment
