"""The delimiter of delimited text, found from its first lines rather than its name."""

from __future__ import annotations

import csv
import io

DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str, max_lines: int = 50) -> str:
    """The delimiter splitting the first lines into the most, and most consistent, fields."""
    lines = text.splitlines()[: max_lines + 1]
    sample = "\n".join(lines[:-1] if len(lines) > max_lines else lines)
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:  # e.g. a cell past csv's field limit: not evidence for this delimiter
            continue
        if not counts:
            continue
        header = counts[0]
        if header < 2:
            continue
        consistency = sum(1 for c in counts if c == header) / len(counts)
        score = (consistency, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best
