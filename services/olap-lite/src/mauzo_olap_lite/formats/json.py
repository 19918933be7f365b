"""`json` input format: newline-delimited objects; top-level fields (and flattenSpec paths).

Every field is exposed as its JSON text (strings unquoted), like Druid's readers hand values to
the parsers: numbers are parsed again by the column type they are stored as. With
`flattenSpec.useFieldDiscovery` (the default) all top-level fields are discovered; `path` and
`root` fields add columns from JSONPath expressions (`$.a.b`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.formats.base import file_list


@dataclass(frozen=True)
class JsonFormat:
    discover: bool
    paths: tuple[tuple[str, str], ...]  # (column name, JSONPath)

    def relation(self, files: list[Path], cur: duckdb.DuckDBPyConnection) -> str:
        source = f"read_ndjson_objects({file_list(files)})"
        fields: list[tuple[str, str, str]] = []  # (name, path, DuckDB type)
        if self.discover:
            rows = cur.execute(
                "SELECT k, list(DISTINCT json_type(json_extract(json, '$.\"' || k || '\"'))) "
                f"FROM (SELECT json, unnest(json_keys(json)) AS k FROM {source} "
                "WHERE json_type(json) = 'OBJECT') GROUP BY k ORDER BY k"
            ).fetchall()
            fields = [(str(r[0]), "$." + _path_key(str(r[0])), _json_type(r[1])) for r in rows]
        declared = {name for name, _ in self.paths}
        fields = [f for f in fields if f[0] not in declared]
        fields += [(name, path, "VARCHAR") for name, path in self.paths]
        if not fields:
            return f"(SELECT NULL AS __no_fields FROM {source})"
        # One extraction of every path parses each object once (one per path would parse it
        # once per field).
        paths = ", ".join(quote_str(path) for _, path, _ in fields)
        columns = ", ".join(
            f"TRY_CAST(__values[{i}] AS {kind}) AS {quote_ident(name)}"
            if kind != "VARCHAR"
            else f"__values[{i}] AS {quote_ident(name)}"
            for i, (name, _, kind) in enumerate(fields, start=1)
        )
        values = f"json_extract_string(json, [{paths}]) AS __values"
        return (
            f"(SELECT {columns} FROM (SELECT {values} FROM {source} "
            "WHERE json_type(json) = 'OBJECT'))"
        )


def _json_type(kinds: list[str]) -> str:
    """JSON numbers stay numbers (integers BIGINT, others DOUBLE); anything else is text."""
    found = {k for k in kinds if k not in (None, "NULL")}
    if found and found <= {"BIGINT", "UBIGINT"}:
        return "BIGINT"
    if found and found <= {"BIGINT", "UBIGINT", "DOUBLE"}:
        return "DOUBLE"
    return "VARCHAR"


def _path_key(key: str) -> str:
    return '"' + key.replace('"', '\\"') + '"'


def json_format(config: dict[str, Any]) -> JsonFormat:
    flatten = config.get("flattenSpec") or {}
    paths = []
    for field in flatten.get("fields") or []:
        kind = field.get("type", "path")
        name = str(field["name"])
        if kind == "root":
            paths.append((name, "$." + _path_key(str(field.get("expr") or name))))
        elif kind == "path":
            paths.append((name, str(field["expr"])))
        else:
            raise ValueError(f"flattenSpec field type [{kind}] is not supported")
    return JsonFormat(bool(flatten.get("useFieldDiscovery", True)), tuple(paths))
