"""Druid's orderings of dimension values (lexicographic, alphanumeric, numeric, strlen, version)
as SQL ORDER BY terms; nulls sort first ascending, as Druid compares them lowest."""

from __future__ import annotations


def order_term(expr: str, ordering: str | None, descending: bool) -> str:
    kind = (ordering or "lexicographic").lower()
    if kind == "numeric":
        key = f"TRY_CAST({expr} AS DOUBLE)"
    elif kind == "strlen":
        key = f"length({expr}), {expr}"
    elif kind in ("alphanumeric", "version", "natural"):
        # numbers inside strings compare as numbers: a leading number first, then the text
        key = f"TRY_CAST(regexp_extract({expr}, '^-?[0-9.]+') AS DOUBLE), {expr}"
    else:
        key = expr
    direction = "DESC NULLS LAST" if descending else "ASC NULLS FIRST"
    return ", ".join(f"{part.strip()} {direction}" for part in _split(key))


def _split(key: str) -> list[str]:
    """Top-level comma-separated parts of a key (commas inside parentheses stay)."""
    parts, depth, current = [], 0, ""
    for ch in key:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    parts.append(current)
    return parts
