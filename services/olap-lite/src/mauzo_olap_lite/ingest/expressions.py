"""Druid's native expression language (transforms, `expression` filters) translated to DuckDB SQL.

Covers literals, identifiers (bare or "quoted"), the operators `+ - * / % ^ < <= > >= == != && ||
!` with Druid's precedence, and the common functions: concat, upper, lower, substring (0-based),
strlen, replace, if, case_searched, case_simple, nvl, timestamp_floor, timestamp_parse,
timestamp_format, abs, floor, ceil, round, like, regexp_like, contains_string, isnull, notnull,
greatest, least, trim. `__time` is the row's time as epoch milliseconds. `+` with a string operand
concatenates, as in Druid; a string column in arithmetic is read as a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mauzo_olap_lite.database import quote_ident, quote_str
from mauzo_olap_lite.timeutil.granularity import floor_period_sql
from mauzo_olap_lite.timeutil.joda import joda_to_strftime, joda_to_strptime
from mauzo_olap_lite.timeutil.periods import parse_period

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?|\.\d+)|"
    r"(?P<str>'(?:[^'\\]|\\.)*')|(?P<qid>\"(?:[^\"\\]|\\.)*\")|"
    r"(?P<id>[A-Za-z_][A-Za-z0-9_.$]*)|(?P<op><=|>=|==|!=|&&|\|\||[-+*/%^<>!(),]))"
)
_BINARY = {
    "||": 1,
    "&&": 2,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    "==": 3,
    "!=": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
    "^": 6,
}
_SQL_OP = {"||": "OR", "&&": "AND", "==": "=", "!=": "<>"}


@dataclass(frozen=True)
class Sql:
    text: str
    kind: str  # "str" | "num" | "bool" | "any"


class _Parser:
    def __init__(self, text: str, types: dict[str, str]) -> None:
        self.tokens = self._lex(text)
        self.pos = 0
        self.types = types

    @staticmethod
    def _lex(text: str) -> list[tuple[str, str]]:
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if not m:
                raise ValueError(f"Invalid expression [{text}] at position {pos}")
            kind = m.lastgroup or ""
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        return tokens

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ValueError(f"Expected [{value}] in expression")
        self.pos += 1
        return token

    def parse(self, min_prec: int = 0) -> Sql:
        left = self.unary()
        while (token := self.peek()) and token[0] == "op" and token[1] in _BINARY:
            prec = _BINARY[token[1]]
            if prec < min_prec:
                break
            self.take()
            right = self.parse(prec if token[1] == "^" else prec + 1)
            left = _binary(token[1], left, right)
        return left

    def unary(self) -> Sql:
        kind, value = self.take()
        if kind == "num":
            return Sql(value, "num")
        if kind == "str":
            return Sql(quote_str(value[1:-1].replace("\\'", "'")), "str")
        if kind == "qid":
            return self.column(value[1:-1])
        if kind == "id":
            if (nxt := self.peek()) and nxt[1] == "(":
                return self.call(value)
            if value.lower() == "null":
                return Sql("NULL", "any")
            return self.column(value)
        if value == "-":
            operand = self.unary()
            return Sql(f"(-{_num(operand)})", "num")
        if value == "!":
            return Sql(f"(NOT {_bool(self.unary())})", "bool")
        if value == "(":
            inner = self.parse()
            self.take(")")
            return inner
        raise ValueError(f"Unexpected [{value}] in expression")

    def column(self, name: str) -> Sql:
        if name == "__time":
            return Sql('epoch_ms("__olap_ts")', "num")
        duck = self.types.get(name, "")
        kind = "str" if duck == "VARCHAR" else "num" if duck and duck != "VARCHAR" else "any"
        return Sql(quote_ident(name), kind)

    def call(self, name: str) -> Sql:
        self.take("(")
        args: list[Sql] = []
        if (nxt := self.peek()) and nxt[1] != ")":
            args.append(self.parse())
            while (nxt := self.peek()) and nxt[1] == ",":
                self.take(",")
                args.append(self.parse())
        self.take(")")
        fn = FUNCTIONS.get(name.lower())
        if fn is None:
            raise ValueError(f"Unsupported expression function [{name}]")
        return fn(args)


def _num(s: Sql) -> str:
    return f"TRY_CAST({s.text} AS DOUBLE)" if s.kind == "str" else s.text


def _bool(s: Sql) -> str:
    if s.kind == "bool":
        return s.text
    if s.kind == "str":
        return f"coalesce(TRY_CAST({s.text} AS DOUBLE) > 0, FALSE)"
    return f"coalesce(CAST({s.text} AS DOUBLE) > 0, FALSE)"


def _binary(op: str, left: Sql, right: Sql) -> Sql:
    if op in ("&&", "||"):
        return Sql(f"({_bool(left)} {_SQL_OP[op]} {_bool(right)})", "bool")
    if op in ("<", "<=", ">", ">=", "==", "!="):
        sql_op = _SQL_OP.get(op, op)
        if left.kind == "str" and right.kind == "str":
            return Sql(f"({left.text} {sql_op} {right.text})", "bool")
        return Sql(f"({_num(left)} {sql_op} {_num(right)})", "bool")
    if op == "+" and "str" in (left.kind, right.kind):
        return Sql(f"(CAST({left.text} AS VARCHAR) || CAST({right.text} AS VARCHAR))", "str")
    if op == "^":
        return Sql(f"power({_num(left)}, {_num(right)})", "num")
    return Sql(f"({_num(left)} {op} {_num(right)})", "num")


def _ts(ms: Sql) -> str:
    return f"make_timestamp(CAST({_num(ms)} AS BIGINT) * 1000)"


def _lit(arg: Sql) -> str:
    if arg.kind != "str" or not arg.text.startswith("'"):
        raise ValueError("Expected a string literal argument")
    return arg.text[1:-1].replace("''", "'")


def _case(args: list[Sql], simple: bool) -> Sql:
    head = f"CASE {args[0].text} " if simple else "CASE "
    rest = args[1:] if simple else args
    parts = [
        f"WHEN {(p.text if simple else _bool(p))} THEN {v.text}"
        for p, v in zip(rest[::2], rest[1::2], strict=False)
    ]
    tail = f" ELSE {rest[-1].text}" if len(rest) % 2 else ""
    return Sql(head + " ".join(parts) + tail + " END", rest[1].kind if len(rest) > 1 else "any")


def _timestamp_floor(a: list[Sql]) -> Sql:
    period = parse_period(_lit(a[1]))
    return Sql(f"epoch_ms({floor_period_sql(_ts(a[0]), period)})", "num")


def _timestamp_parse(a: list[Sql]) -> Sql:
    if len(a) > 1 and a[1].text != "NULL":
        parsed = f"try_strptime({a[0].text}, {quote_str(joda_to_strptime(_lit(a[1])))})"
    else:
        parsed = f"timezone('UTC', TRY_CAST({a[0].text} AS TIMESTAMPTZ))"
    return Sql(f"epoch_ms({parsed})", "num")


def _timestamp_format(a: list[Sql]) -> Sql:
    fmt = joda_to_strftime(_lit(a[1])) if len(a) > 1 else "%Y-%m-%dT%H:%M:%S.%gZ"
    return Sql(f"strftime({_ts(a[0])}, {quote_str(fmt)})", "str")


def _str(fn: str) -> Callable[[list[Sql]], Sql]:
    return lambda a: Sql(f"{fn}({', '.join(x.text for x in a)})", "str")


def _numf(fn: str) -> Callable[[list[Sql]], Sql]:
    return lambda a: Sql(f"{fn}({', '.join(_num(x) for x in a)})", "num")


FUNCTIONS: dict[str, Callable[[list[Sql]], Sql]] = {
    "concat": lambda a: Sql(
        "(" + " || ".join(f"CAST({x.text} AS VARCHAR)" for x in a) + ")", "str"
    ),
    "upper": _str("upper"),
    "lower": _str("lower"),
    "trim": _str("trim"),
    "ltrim": _str("ltrim"),
    "rtrim": _str("rtrim"),
    "replace": _str("replace"),
    "substring": lambda a: Sql(
        f"CASE WHEN {_num(a[2])} < 0 THEN substring({a[0].text}, {_num(a[1])} + 1) "
        f"ELSE substring({a[0].text}, {_num(a[1])} + 1, {_num(a[2])}) END",
        "str",
    ),
    "strlen": lambda a: Sql(f"length({a[0].text})", "num"),
    "if": lambda a: Sql(
        f"CASE WHEN {_bool(a[0])} THEN {a[1].text} ELSE {a[2].text} END", a[1].kind
    ),
    "case_searched": lambda a: _case(a, simple=False),
    "case_simple": lambda a: _case(a, simple=True),
    "nvl": lambda a: Sql(f"coalesce({a[0].text}, {a[1].text})", a[0].kind),
    "isnull": lambda a: Sql(f"({a[0].text} IS NULL)", "bool"),
    "notnull": lambda a: Sql(f"({a[0].text} IS NOT NULL)", "bool"),
    "like": lambda a: Sql(f"({a[0].text} LIKE {a[1].text})", "bool"),
    "regexp_like": lambda a: Sql(f"regexp_matches({a[0].text}, {a[1].text})", "bool"),
    "contains_string": lambda a: Sql(f"contains({a[0].text}, {a[1].text})", "bool"),
    "abs": _numf("abs"),
    "floor": _numf("floor"),
    "ceil": _numf("ceil"),
    "round": _numf("round"),
    "greatest": _numf("greatest"),
    "least": _numf("least"),
    "timestamp_floor": _timestamp_floor,
    "timestamp_parse": _timestamp_parse,
    "timestamp_format": _timestamp_format,
    "timestamp": _timestamp_parse,
}


def expression_sql(text: str, types: dict[str, str] | None = None) -> str:
    parser = _Parser(text, types or {})
    result = parser.parse()
    if parser.peek() is not None:
        raise ValueError(f"Unexpected [{parser.peek()[1]}] in expression [{text}]")  # type: ignore[index]
    return result.text
