"""transformSpec.transforms: expression transforms applied after the timestamp is parsed.

Every transform reads the parsed input row (transforms cannot refer to each other, as in Druid);
a transform named like an input column replaces it, and one named `__time` replaces the row time
(its value is epoch milliseconds).
"""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.database import quote_ident
from mauzo_olap_lite.ingest.expressions import expression_sql


def transformed_relation(
    parsed: str, transforms: list[dict[str, Any]], types: dict[str, str] | None = None
) -> str:
    if not transforms:
        return parsed
    replaced: list[str] = []
    added: list[str] = []
    names = set(types or {})
    for transform in transforms:
        if transform.get("type", "expression") != "expression":
            raise ValueError(f"Unsupported transform type [{transform.get('type')}]")
        name = str(transform["name"])
        sql = expression_sql(str(transform["expression"]), types)
        if name == "__time":
            replaced.append(f'make_timestamp(CAST({sql} AS BIGINT) * 1000) AS "__olap_ts"')
        elif name in names:
            replaced.append(f"{sql} AS {quote_ident(name)}")
        else:
            added.append(f"{sql} AS {quote_ident(name)}")
    star = "*"
    if replaced:
        star = f"* REPLACE ({', '.join(replaced)})"
    return f"(SELECT {', '.join([star, *added])} FROM {parsed})"
