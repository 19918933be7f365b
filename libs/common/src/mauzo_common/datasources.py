"""The datasource-name rule: what upload accepts, task-tracker stores and query-api asks for.

A name ends up in object-store keys, Druid task ids, URLs and SQL identifiers, so it is kept to
a letter, then letters, digits or underscores (Druid allows more; these are safe everywhere).
"""

from __future__ import annotations

import re

MAX_LENGTH = 64
# Anchored with \A and \z semantics by fullmatch (a `$` would let a trailing newline through).
DATASOURCE_PATTERN = rf"^[A-Za-z][A-Za-z0-9_]{{0,{MAX_LENGTH - 1}}}$"
_NAME = re.compile(rf"[A-Za-z][A-Za-z0-9_]{{0,{MAX_LENGTH - 1}}}")
RULE = f"a letter, then letters, digits or underscores; at most {MAX_LENGTH} characters"


def is_datasource_name(value: str) -> bool:
    return _NAME.fullmatch(value) is not None
