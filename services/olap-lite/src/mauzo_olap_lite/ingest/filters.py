"""transformSpec.filter: Druid's JSON filters as a SQL condition over the parsed row.

Druid matches `selector`/`in`/`bound`/`like`/`regex` against the string form of a value;
`equals`/`range`/`null` are typed. Nulls follow SQL three-valued logic, and a row is kept only
when the filter is true. A numeric column matches a `selector`/`in` value by number ("300" matches
300.0); a multi-value column (VARCHAR[]) matches when any of its values does. The native query API
(native/) shares these filters, with `interval` and `search` besides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.ingest.expressions import expression_sql
from mauzo_olap_lite.timeutil.periods import parse_interval

_NUMERIC = frozenset({"BIGINT", "DOUBLE", "FLOAT", "INTEGER", "HUGEINT"})


def _text(dimension: str) -> str:
    if dimension == "__time":
        return 'CAST(epoch_ms("__olap_ts") AS VARCHAR)'
    return f"CAST({quote_ident(dimension)} AS VARCHAR)"


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return quote_str(str(value))


def _match(dimension: str, types: dict[str, str], test: Callable[[str], str]) -> str:
    """`test` applied to the dimension's string form; any value of a multi-value column."""
    if types.get(dimension, "").endswith("[]"):
        return f"(len(list_filter({quote_ident(dimension)}, lambda x: {test('x')})) > 0)"
    return f"({test(_text(dimension))})"


def _is_null(dimension: str, types: dict[str, str]) -> str:
    ref = quote_ident(dimension)
    if types.get(dimension, "").endswith("[]"):
        nulls = f"list_bool_or(list_transform({ref}, lambda x: x IS NULL))"
        return f"({ref} IS NULL OR len({ref}) = 0 OR {nulls})"
    return f"({ref} IS NULL)"


def _equals_any(dimension: str, values: list[Any], types: dict[str, str]) -> str:
    present = [str(v) for v in values if v is not None]
    parts = []
    if present and types.get(dimension) in _NUMERIC:
        numbers = ", ".join(f"TRY_CAST({quote_str(v)} AS DOUBLE)" for v in present)
        parts.append(f"(CAST({quote_ident(dimension)} AS DOUBLE) IN ({numbers}))")
    elif present:
        listed = ", ".join(_literal(v) for v in present)
        parts.append(_match(dimension, types, lambda x: f"{x} IN ({listed})"))
    if len(present) < len(values):
        parts.append(_is_null(dimension, types))
    return "(" + (" OR ".join(parts) or "FALSE") + ")"


def _interval(f: dict[str, Any]) -> str:
    dimension = str(f.get("dimension") or "__time")
    column = '"__olap_ts"' if dimension == "__time" else quote_ident(dimension)
    parts = []
    for text in f.get("intervals") or []:
        i = parse_interval(str(text))
        parts.append(
            f"({column} >= TIMESTAMP '{i.start.isoformat(sep=' ')}' "
            f"AND {column} < TIMESTAMP '{i.end.isoformat(sep=' ')}')"
        )
    return "(" + (" OR ".join(parts) or "FALSE") + ")"


def search_sql(spec: dict[str, Any], value: str) -> str:
    """A search query spec (contains, insensitive_contains, fragment, regex) over a string."""
    kind = str(spec.get("type") or "insensitive_contains")
    if kind == "regex":
        return f"regexp_matches({value}, {_literal(str(spec['pattern']))})"
    if kind == "fragment":
        fragments = [str(v) for v in spec.get("values") or []]
    else:
        fragments = [str(spec.get("value", ""))]
    sensitive = kind != "insensitive_contains" and bool(spec.get("caseSensitive", False))
    subject = value if sensitive else f"lower({value})"
    tests = [
        f"contains({subject}, {_literal(frag if sensitive else frag.lower())})"
        for frag in fragments
    ]
    return "(" + (" AND ".join(tests) or "TRUE") + ")"


def _bound(f: dict[str, Any]) -> str:
    ordering = str(f.get("ordering") or "lexicographic").lower()
    numeric = ordering == "numeric" or ordering == "version"
    value = _text(f["dimension"])
    if numeric:
        value = f"TRY_CAST({value} AS DOUBLE)"
    parts = []
    for key, strict_key, op, strict_op in (
        ("lower", "lowerStrict", ">=", ">"),
        ("upper", "upperStrict", "<=", "<"),
    ):
        if f.get(key) is None:
            continue
        bound = (
            f"TRY_CAST({quote_str(str(f[key]))} AS DOUBLE)" if numeric else _literal(str(f[key]))
        )
        parts.append(f"{value} {strict_op if f.get(strict_key) else op} {bound}")
    return "(" + (" AND ".join(parts) or f"{value} IS NOT NULL") + ")"


def _range(f: dict[str, Any]) -> str:
    column = quote_ident(f["column"])
    kind = str(f.get("matchValueType") or "STRING").upper()
    cast = {"LONG": "BIGINT", "DOUBLE": "DOUBLE", "FLOAT": "FLOAT"}.get(kind, "VARCHAR")
    value = f"TRY_CAST({column} AS {cast})"
    parts = []
    if f.get("lower") is not None:
        parts.append(
            f"{value} {'>' if f.get('lowerOpen') else '>='} CAST({_literal(f['lower'])} AS {cast})"
        )
    if f.get("upper") is not None:
        parts.append(
            f"{value} {'<' if f.get('upperOpen') else '<='} CAST({_literal(f['upper'])} AS {cast})"
        )
    return "(" + (" AND ".join(parts) or f"{value} IS NOT NULL") + ")"


def filter_sql(f: dict[str, Any] | None, types: dict[str, str] | None = None) -> str:
    if f is None:
        return "TRUE"
    types = types or {}
    kind = f.get("type")
    if kind == "selector":
        return _equals_any(str(f["dimension"]), [f.get("value")], types)
    if kind == "in":
        return _equals_any(str(f["dimension"]), list(f.get("values") or []), types)
    if kind == "bound":
        return _bound(f)
    if kind == "like":
        escape = f.get("escape")
        tail = f" ESCAPE {_literal(escape)}" if escape else ""
        pattern = _literal(f["pattern"])
        return _match(str(f["dimension"]), types, lambda x: f"{x} LIKE {pattern}{tail}")
    if kind == "regex":
        pattern = _literal(f["pattern"])
        return _match(str(f["dimension"]), types, lambda x: f"regexp_matches({x}, {pattern})")
    if kind == "search":
        query = dict(f.get("query") or {})
        return _match(str(f["dimension"]), types, lambda x: search_sql(query, x))
    if kind == "interval":
        return _interval(f)
    if kind == "columnComparison":
        texts = [_text(str(d if isinstance(d, str) else d["dimension"])) for d in f["dimensions"]]
        return "(" + " AND ".join(f"{texts[0]} = {t}" for t in texts[1:]) + ")"
    if kind == "not":
        return f"(NOT {filter_sql(f['field'], types)})"
    if kind in ("and", "or"):
        joined = f" {kind.upper()} ".join(filter_sql(x, types) for x in f.get("fields") or [])
        return f"({joined or ('TRUE' if kind == 'and' else 'FALSE')})"
    if kind == "expression":
        return f"CAST({expression_sql(str(f['expression']), types)} AS BOOLEAN)"
    if kind == "equals":
        return f"({quote_ident(f['column'])} = {_literal(f['matchValue'])})"
    if kind == "null":
        return f"({quote_ident(f['column'])} IS NULL)"
    if kind == "range":
        return _range(f)
    if kind == "true":
        return "TRUE"
    if kind == "false":
        return "FALSE"
    raise ValueError(f"Unsupported filter type [{kind}]")
