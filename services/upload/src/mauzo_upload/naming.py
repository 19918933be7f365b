"""Client-given names that end up in storage keys: checked or made safe, never trusted."""

from __future__ import annotations

import re
import unicodedata

from mauzo_common.datasources import RULE, is_datasource_name
from mauzo_common.errors import InputRejected

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RUNS = re.compile(r"([._-])[._-]+")
MAX_NAME = 100
MAX_SUFFIX = 16
FALLBACK = "upload"
CONTROL_CATEGORIES = frozenset({"Cc", "Cf"})  # C0/C1 controls; invisible format (bidi, zero-width)


def check_datasource(value: str | None) -> str:
    if not value:
        raise InputRejected(
            "missing_datasource",
            "No datasource was given.",
            "Send a `datasource` form field (or ?datasource=) such as `sales`.",
        )
    control = next((ch for ch in value if unicodedata.category(ch) in CONTROL_CATEGORIES), None)
    if control is not None:
        raise InputRejected(
            "invalid_datasource",
            f"Datasource {value[:80]!r} contains the control character U+{ord(control):04X}.",
            "Type the datasource name again without pasting it; use a letter, then letters, "
            "digits or underscores.",
        )
    if not is_datasource_name(value):
        raise InputRejected(
            "invalid_datasource",
            f"Datasource {value[:80]!r} is not a valid name.",
            f"Use {RULE}.",
        )
    return value


def safe_file_name(raw: str | None) -> str:
    """The client's file name reduced to metadata that is safe in a key, a URL and a shell.

    Base name only (either slash, after NFKC so look-alike slashes count), accents dropped,
    only [A-Za-z0-9._-], no leading dot or dash, no runs of punctuation (so never `..`), at
    most MAX_NAME characters with the suffix kept.
    """
    name = unicodedata.normalize("NFKC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(  # é → e: keep the letter, drop the accent
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    name = _UNSAFE.sub("_", name)
    name = _RUNS.sub(_one_mark, name).strip("._-")
    if not name:
        return FALLBACK
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > MAX_SUFFIX:
        stem, suffix = name, ""
    if suffix:
        stem = stem[: MAX_NAME - len(suffix) - 1].rstrip("._-") or FALLBACK
        return f"{stem}.{suffix}"
    return stem[:MAX_NAME].rstrip("._-") or FALLBACK


def _one_mark(run: re.Match[str]) -> str:
    return "." if "." in run.group(0) else run.group(0)[0]


def object_key(datasource: str, task_id: str, file_name: str) -> str:
    return f"uploads/{check_datasource(datasource)}/{task_id}/{safe_file_name(file_name)}"
