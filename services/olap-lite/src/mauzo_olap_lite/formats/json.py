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
        lines = f"read_ndjson_objects({file_list(files)})"
        return self.over(f"(SELECT json FROM {lines} WHERE json_type(json) = 'OBJECT')", cur)

    def over(self, source: str, cur: duckdb.DuckDBPyConnection) -> str:
        """The fields of `source`, a relation whose `json` column holds only objects."""
        fields: list[tuple[str, str, str]] = []  # (name, path, DuckDB type)
        if self.discover:
            fields = _discovered(cur, source)
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
        return f"(SELECT {columns} FROM (SELECT {values} FROM {source}))"


def _discovered(cur: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str, str]]:
    """Every top-level field of the objects with the type of its values, in two passes: the
    keys, then the distinct lists of their values' types, one list per object from one parse
    (a lookup per key and object would parse each object once per key; a row per value and
    field, or an aggregate per field, cost more than the parse)."""
    found = cur.execute(f"SELECT DISTINCT unnest(json_keys(json)) FROM {source}").fetchall()
    keys = sorted(str(r[0]) for r in found)
    if not keys:
        return []
    paths = [f"$.{_path_key(k)}" for k in keys]
    listed = ", ".join(quote_str(p) for p in paths)
    lists = cur.execute(f"SELECT DISTINCT json_type(json, [{listed}]) FROM {source}").fetchall()
    kinds: list[set[str]] = [set() for _ in keys]
    for (types,) in lists:
        for i, kind in enumerate(types or []):
            if kind is not None:
                kinds[i].add(str(kind))
    return [
        (k, p, _json_type(sorted(kinds[i])))
        for i, (k, p) in enumerate(zip(keys, paths, strict=True))
    ]


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
