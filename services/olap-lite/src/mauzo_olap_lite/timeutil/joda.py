"""Joda-Time patterns (what Druid's timestampSpec, TIME_FORMAT and TIME_PARSE take) as strftime.

Letters follow Joda's DateTimeFormat: `d` day-of-month, `D` day-of-year, `y`/`Y` year, `M` month,
`H` hour 0-23, `h` hour 1-12, `m` minute, `s` second, `S` fraction, `a` AM/PM, `E` day name,
`e` ISO day-of-week, `w` ISO week, `x` week-year, `Z` offset, `z` zone name; text in single
quotes is literal and `''` is one quote.
"""

from __future__ import annotations

from itertools import groupby


def _letter(char: str, count: int) -> str:
    table: dict[str, list[tuple[int, str]]] = {
        # (minimum count, strftime) — the last entry whose minimum <= count wins
        "y": [(1, "%Y"), (2, "%y"), (3, "%Y")],
        "Y": [(1, "%Y"), (2, "%y"), (3, "%Y")],
        "x": [(1, "%G")],
        "M": [(1, "%-m"), (2, "%m"), (3, "%b"), (4, "%B")],
        "d": [(1, "%-d"), (2, "%d")],
        "D": [(1, "%-j"), (3, "%j")],
        "H": [(1, "%-H"), (2, "%H")],
        "k": [(1, "%-H"), (2, "%H")],
        "h": [(1, "%-I"), (2, "%I")],
        "K": [(1, "%-I"), (2, "%I")],
        "m": [(1, "%-M"), (2, "%M")],
        "s": [(1, "%-S"), (2, "%S")],
        "S": [(1, "%g"), (4, "%f"), (7, "%n")],
        "a": [(1, "%p")],
        "E": [(1, "%a"), (4, "%A")],
        "e": [(1, "%u")],
        "w": [(1, "%-V"), (2, "%V")],
        "Z": [(1, "%z")],
        "z": [(1, "%Z")],
        "G": [(1, "AD")],
    }
    if char not in table:
        raise ValueError(f"Unsupported Joda pattern letter [{char}]")
    chosen = table[char][0][1]
    for minimum, fmt in table[char]:
        if count >= minimum:
            chosen = fmt
    if char == "S" and count < 3:
        chosen = "%g"
    return chosen


def joda_to_strftime(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = pattern.find("'", i + 1)
            if end == i + 1:  # '' is a literal quote
                out.append("'")
                i += 2
                continue
            if end < 0:
                end = len(pattern)
            out.append(pattern[i + 1 : end].replace("%", "%%"))
            i = end + 1
            continue
        if char.isascii() and char.isalpha():
            run = next(groupby(pattern[i:]))
            count = len(list(run[1]))
            out.append(_letter(char, count))
            i += count
            continue
        out.append("%%" if char == "%" else char)
        i += 1
    return "".join(out)


def joda_to_strptime(pattern: str) -> str:
    """The parse form: DuckDB's strptime takes 1-2 digit fields for %d/%m/%H, so drop '-' flags."""
    return joda_to_strftime(pattern).replace("%-", "%")
