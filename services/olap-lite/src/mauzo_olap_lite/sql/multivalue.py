"""Druid SQL semantics of multi-value string dimensions (stored as DuckDB VARCHAR[]).

What SQL supports on a multi-value column (Druid's documented behaviour):
  - GROUP BY on it (directly, by alias or by position) groups by each value: a row counts once in
    the group of every value it holds; a null or empty row falls in the null group. Grouping on
    two multi-value columns groups by every combination of their values.
  - WHERE filters match a row when ANY of its values matches: `=`, `<>` (no value equals), `IN`,
    `LIKE`, `IS NULL` (null or empty). The row is filtered before grouping explodes it, so a
    filter on one value still shows every value of the matching rows, as in Druid.
  - MV_CONTAINS, MV_OVERLAP, MV_LENGTH, MV_OFFSET, MV_ORDINAL, MV_TO_ARRAY, MV_TO_STRING.
  - Selected without grouping, a row's values come back as a JSON array text.
Other uses (ordering on it, COUNT(DISTINCT) over it, functions other than the above) see the
array, not the values.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp

MV_FUNCTIONS = {
    "MV_CONTAINS": "list_has_all({0}, {1})",
    "MV_OVERLAP": "list_has_any({0}, {1})",
    "MV_LENGTH": "len({0})",
    "MV_OFFSET": "{0}[{1} + 1]",
    "MV_ORDINAL": "{0}[{1}]",
    "MV_TO_ARRAY": "{0}",
    "MV_TO_STRING": "array_to_string({0}, {1})",
}


def rewrite(tree: exp.Expr, multi: Mapping[str, frozenset[str]]) -> exp.Expr:
    """Rewrite every SELECT over a datasource that has multi-value columns."""
    if not any(multi.values()):
        return tree
    for select in list(tree.find_all(exp.Select)):
        table = select.args.get("from_")
        source = table.this if isinstance(table, exp.From) else None
        if not isinstance(source, exp.Table) or select.args.get("joins"):
            continue
        columns = multi.get(source.name, frozenset())
        if source.db not in ("", "druid") or not columns:
            continue
        _functions(select, columns)
        where = select.args.get("where")
        if where is not None:
            where.set("this", _filters(where.this, columns))
        exploded = _grouped_columns(select, columns)
        if exploded:
            _explode(select, source, exploded)
    return tree


def _is_mv(node: exp.Expr, columns: frozenset[str]) -> bool:
    return isinstance(node, exp.Column) and node.name in columns


def _functions(select: exp.Select, columns: frozenset[str]) -> None:
    for node in list(select.find_all(exp.Anonymous)):
        name = str(node.this).upper()
        template = MV_FUNCTIONS.get(name)
        if template is not None:
            args = [a.sql(dialect="duckdb") for a in node.expressions]
            if name in ("MV_CONTAINS", "MV_OVERLAP") and len(args) > 1:
                args[1] = args[1] if isinstance(node.expressions[1], exp.Array) else f"[{args[1]}]"
            node.replace(sqlglot.parse_one(template.format(*args), read="duckdb"))


def _filters(node: exp.Expr, columns: frozenset[str]) -> exp.Expr:
    if isinstance(node, exp.And | exp.Or):
        node.set("this", _filters(node.this, columns))
        node.set("expression", _filters(node.expression, columns))
        return node
    if isinstance(node, exp.Not | exp.Paren):
        node.set("this", _filters(node.this, columns))
        return node
    any_of = _any_value(node, columns)
    return node if any_of is None else sqlglot.parse_one(any_of, read="duckdb")


def _any_value(node: exp.Expr, columns: frozenset[str]) -> str | None:
    """The 'any value matches' form of a predicate on a multi-value column, or None."""
    if isinstance(node, exp.EQ | exp.NEQ):
        col, other = node.this, node.expression
        if _is_mv(other, columns):
            col, other = other, col
        if not _is_mv(col, columns):
            return None
        found = f"list_contains({col.sql()}, {other.sql(dialect='duckdb')})"
        return found if isinstance(node, exp.EQ) else f"NOT coalesce({found}, FALSE)"
    if isinstance(node, exp.In) and _is_mv(node.this, columns):
        values = ", ".join(v.sql(dialect="duckdb") for v in node.expressions)
        return f"list_has_any({node.this.sql()}, [{values}])"
    if isinstance(node, exp.Like) and _is_mv(node.this, columns):
        pattern = node.expression.sql(dialect="duckdb")
        return f"len(list_filter({node.this.sql()}, v -> v LIKE {pattern})) > 0"
    if isinstance(node, exp.Is) and _is_mv(node.this, columns):
        return f"({node.this.sql()} IS NULL OR len({node.this.sql()}) = 0)"
    return None


def _grouped_columns(select: exp.Select, columns: frozenset[str]) -> list[str]:
    group = select.args.get("group")
    if group is None:
        return []
    items = {i.alias_or_name: i for i in select.expressions}
    found: list[str] = []
    for key in group.expressions:
        target = key
        if isinstance(key, exp.Literal) and not key.is_string:
            position = int(key.this) - 1
            if 0 <= position < len(select.expressions):
                target = select.expressions[position]
        elif isinstance(key, exp.Column) and key.name not in columns and key.name in items:
            target = items[key.name]
        for col in target.find_all(exp.Column):
            if col.name in columns and col.name not in found:
                found.append(col.name)
    return found


def _explode(select: exp.Select, source: exp.Table, names: list[str]) -> None:
    """FROM ds WHERE w  ->  FROM (SELECT * REPLACE (unnest(..) AS c) FROM (.. ds WHERE w)) AS ds."""
    alias = source.alias_or_name
    inner: exp.Select = exp.select("*").from_(source.copy())
    where = select.args.get("where")
    if where is not None:
        inner.set("where", where.copy())
        select.set("where", None)
    for name in names:
        ref = exp.column(name, quoted=True).sql()
        values = f"unnest(CASE WHEN len({ref}) > 0 THEN {ref} ELSE [NULL] END)"
        wrapped = sqlglot.parse_one(
            f"SELECT * REPLACE ({values} AS {ref}) FROM __inner", read="duckdb"
        )
        assert isinstance(wrapped, exp.Select)
        wrapped.set("from_", exp.From(this=inner.subquery(exp.to_identifier(alias, quoted=True))))
        inner = wrapped
    select.set("from_", exp.From(this=inner.subquery(exp.to_identifier(alias, quoted=True))))
