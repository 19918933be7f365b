"""Druid SQL -> DuckDB SQL.

Why sqlglot: Druid SQL is Calcite SQL; sqlglot parses it (its "druid" dialect) into a typed AST,
which lets us rewrite exactly the nodes that differ - Druid's time functions, FLOOR(ts TO unit),
EXTRACT, EARLIEST/LATEST, table references and `?` parameters - and generate DuckDB SQL, without
fragile regular expressions over query text. Translations are cached (see executor), so the
parse cost is paid once per distinct query text.

Only read queries are accepted; tables resolve to datasources (schema `druid` or none),
INFORMATION_SCHEMA and sys views; anything else is "not found", as in Druid.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from mauzo_olap_lite.errors import DruidError, invalid_input, object_not_found
from mauzo_olap_lite.sql import exact_distinct, multivalue
from mauzo_olap_lite.sql.context import QueryContext, from_utc_sql
from mauzo_olap_lite.sql.functions import HANDLERS, extract_sql
from mauzo_olap_lite.sql.system_tables import SYSTEM_TABLES

PARAM = "__olap_param_"
_PARAM_REF = re.compile(r'"__olap_param_(\d+)"')
_BLOCKED = (
    "read_",
    "parquet_",
    "sniff_",
    "glob",
    "getenv",
    "query",
    "duckdb_",
    "pragma_",
    "current_setting",
    "iceberg",
    "delta_",
    "sqlite_",
    "postgres_",
    "mysql_",
    "json_execute",
    "which_secret",
    "load",
    "install",
    "checkpoint",
    "http",
    "enable_",
    "disable_",
    "write_",
)
_WRITES = {
    "Insert": "INSERT",
    "Update": "UPDATE",
    "Delete": "DELETE",
    "Merge": "MERGE",
    "Create": "CREATE",
    "Drop": "DROP",
    "Alter": "ALTER",
    "Copy": "COPY",
    "Set": "SET",
    "Pragma": "PRAGMA",
    "Command": "COMMAND",
    "Use": "USE",
    "TruncateTable": "TRUNCATE",
}


class Translation:
    def __init__(self, sql: str, bind: list[int], inlined: dict[int, Any]) -> None:
        self.sql = sql
        self.bind = bind  # original parameter index for $1, $2, ...
        self.inlined = inlined  # parameters that had to become literals, by index


class Translator:
    def __init__(
        self, datasources: Mapping[str, frozenset[str]], ctx: QueryContext, params: list[Any]
    ) -> None:
        self.datasources = datasources
        self.ctx = ctx
        self.params = params
        self.inlined: dict[int, Any] = {}
        self.ctes: set[str] = set()

    # -- helpers used by function handlers ------------------------------------------------
    def literal(self, arg: exp.Expr, name: str) -> Any:
        if isinstance(arg, exp.Cast):
            arg = arg.this
        if isinstance(arg, exp.Null):
            return None
        if isinstance(arg, exp.Literal):
            return arg.this
        if isinstance(arg, exp.Neg) and isinstance(arg.this, exp.Literal):
            return "-" + str(arg.this.this)
        if isinstance(arg, exp.Column) and arg.name.startswith(PARAM):
            index = int(arg.name[len(PARAM) :])
            value = (
                self.params[index].get("value") if isinstance(self.params[index], dict) else None
            )
            self.inlined[index] = value
            return value
        raise invalid_input(f"{name}: argument [{arg.sql(dialect='duckdb')}] must be a literal")

    def unit(self, arg: exp.Expr) -> str:
        if isinstance(arg, exp.Column | exp.Var | exp.Identifier):
            return arg.name
        return str(self.literal(arg, "unit"))

    # -- translation -----------------------------------------------------------------------
    def translate(self, query: str) -> Translation:
        parsed = self._parse(query)
        exact_distinct.check(parsed, self.ctx)
        tree = multivalue.rewrite(parsed, self.datasources)
        _name_expressions(tree)
        for index, node in enumerate(list(tree.find_all(exp.Placeholder, bfs=False))):
            node.replace(exp.column(f"{PARAM}{index}", quoted=True))
        self.ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        tree = self._rewrite(tree)
        sql = tree.sql(dialect="duckdb")
        bind: list[int] = []

        def renumber(match: re.Match[str]) -> str:
            index = int(match.group(1))
            if index >= len(self.params):
                raise invalid_input(f"Parameter at position [{index}] is not bound")
            bind.append(index)
            return f"${len(bind)}"

        sql = _PARAM_REF.sub(renumber, sql)
        return Translation(sql, bind, dict(self.inlined))

    def _parse(self, query: str) -> exp.Expr:
        try:
            statements = [s for s in sqlglot.parse(query, read="druid") if s is not None]
        except (ParseError, TokenError) as exc:
            raise invalid_input(f"Incorrect syntax: {_first_line(str(exc))}") from exc
        if len(statements) != 1:
            raise invalid_input("SQL query string must contain exactly one statement")
        tree = statements[0]
        kind = type(tree).__name__
        if kind in ("Insert",) or (kind == "Command" and str(tree.this).upper() == "REPLACE"):
            raise invalid_input(
                "INSERT operations are not supported by requested SQL engine [native], "
                "consider using MSQ."
            )
        if not isinstance(tree, exp.Query):
            raise invalid_input(f"Unsupported SQL statement [{_WRITES.get(kind, kind.upper())}]")
        return tree

    def _rewrite(self, node: exp.Expr) -> exp.Expr:
        for key, child in list(node.args.items()):
            if isinstance(child, exp.Expr):
                node.set(key, self._rewrite(child))
            elif isinstance(child, list):
                node.set(key, [self._rewrite(c) if isinstance(c, exp.Expr) else c for c in child])
        return self._apply(node)

    def _apply(self, node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table):
            return self._table(node)
        name = type(node).__name__
        if name.lower().startswith("read"):
            raise invalid_input(f"Unsupported function [{name}]")
        if isinstance(node, exp.Anonymous):
            fn = str(node.this).upper()
            if fn.lower().startswith(_BLOCKED):
                raise invalid_input(f"No match found for function signature {fn}")
            handler = HANDLERS.get(fn)
            return self._fragment(handler(list(node.expressions), self)) if handler else node
        if isinstance(node, exp.Floor | exp.Ceil) and node.args.get("to") is not None:
            unit = self.unit(node.args["to"]).lower()
            ts = node.this.sql(dialect="duckdb")
            floor = f"date_trunc('{unit}', {ts})"
            if isinstance(node, exp.Floor):
                return self._fragment(floor)
            return self._fragment(
                f"(CASE WHEN {floor} = {ts} THEN {ts} ELSE {floor} + INTERVAL 1 {unit} END)"
            )
        if isinstance(node, exp.Extract):
            unit = self.unit(node.this).upper()
            ts = node.expression.sql(dialect="duckdb")
            return self._fragment(extract_sql(ts, unit, self.ctx.time_zone, self))
        if isinstance(node, exp.TimestampDiff):
            unit = self.unit(node.args["unit"] if node.args.get("unit") else node.this)
            return self._fragment(self._timestampdiff(node, unit))
        if isinstance(node, exp.CurrentTimestamp):
            return self._fragment(
                f"date_trunc('millisecond', timezone('{self.ctx.time_zone}', now()))"
            )
        if isinstance(node, exp.CurrentDate):
            return self._fragment(f"CAST(timezone('{self.ctx.time_zone}', now()) AS DATE)")
        if isinstance(node, exp.Div) and all(_is_int(x) for x in (node.this, node.expression)):
            return exp.IntDiv(this=node.this, expression=node.expression)
        return node

    def _timestampdiff(self, node: exp.TimestampDiff, unit: str) -> str:
        args = [a for a in (node.this, node.expression) if a is not None]
        if node.args.get("unit") is None:  # sqlglot read TIMESTAMPDIFF(unit, a, b) as this=unit
            args = [node.expression, node.args.get("this")]
        start, end = (a.sql(dialect="duckdb") for a in args[-2:])
        return f"date_sub('{unit.lower()}', {start}, {end})"

    def _fragment(self, sql: str) -> exp.Expr:
        return sqlglot.parse_one(sql, read="duckdb")

    def _table(self, node: exp.Table) -> exp.Expr:
        if not isinstance(node.this, exp.Identifier):
            raise invalid_input("Table functions are not supported")
        name, schema = node.name, node.db
        alias = node.alias or name
        if not schema and name in self.ctes:
            return node
        if schema in ("", "druid") and not node.catalog:
            if name not in self.datasources:
                raise object_not_found(name, sourceType="sql")
            return self._datasource(name, alias)
        system = SYSTEM_TABLES.get((schema, name))
        if system is None or node.catalog:
            raise object_not_found(f"{schema + '.' if schema else ''}{name}")
        return exp.Table(
            this=exp.to_identifier(system, quoted=True),
            db=exp.to_identifier("olap_meta"),
            alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
        )

    def _datasource(self, name: str, alias: str) -> exp.Expr:
        table = exp.Table(this=exp.to_identifier(name, quoted=True), db=exp.to_identifier("main"))
        if self.ctx.is_utc:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
            return table
        shifted = from_utc_sql('"__time"', self.ctx.time_zone)
        select = sqlglot.parse_one(
            f'SELECT * REPLACE ({shifted} AS "__time") FROM {table.sql(dialect="duckdb")}',
            read="duckdb",
        )
        assert isinstance(select, exp.Select)
        return select.subquery(exp.to_identifier(alias, quoted=True))


def _name_expressions(tree: exp.Expr) -> None:
    """Calcite names an unaliased expression column EXPR$<position>; Druid returns that name."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if not isinstance(select, exp.Select):
        return
    named: list[exp.Expr] = []
    for index, item in enumerate(select.expressions):
        if isinstance(item, exp.Alias | exp.Column | exp.Star):
            named.append(item)
        else:
            named.append(exp.alias_(item, f"EXPR${index}", quoted=True))
    select.set("expressions", named)


def _is_int(node: exp.Expr) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and node.this.lstrip("-").isdigit()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def translate(
    query: str,
    datasources: Mapping[str, frozenset[str]] | Collection[str],
    ctx: QueryContext,
    params: list[Any],
) -> Translation:
    """`datasources`: every queryable datasource (-> its multi-value string columns)."""
    known = (
        datasources
        if isinstance(datasources, Mapping)
        else dict.fromkeys(datasources, frozenset[str]())
    )
    try:
        return Translator(known, ctx, params).translate(query)
    except DruidError:
        raise
    except (ValueError, KeyError, IndexError) as exc:
        raise invalid_input(str(exc)) from exc
