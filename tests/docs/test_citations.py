"""Every document the code cites is in the repository: `docs/<path>#<anchor>` resolves.

Comments and docstrings point readers at docs/ for the why; a moved file or a renamed heading
would leave them pointing at nothing, so every citation in a .py/.md/.toml/.yml file is checked
against the file and its markdown headings, and every source path docs/ names must still be there
after code moves. Documents that only exist beside the repository (the brief and reference notes
the project started from) must not be cited at all: a reader of a clone cannot open them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ME = Path(__file__).resolve()
ROOT = ME.parents[2]
DOCS = ROOT / "docs"
SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml"}
SKIPPED_DIRS = {"node_modules", "__pycache__"}

# `docs/<path>` not inside a longer path (apache/druid/docs/... is Druid's, not ours)
CITATION = re.compile(r"(?<![\w./-])docs/([\w./-]*\w)(?:#([\w-]+))?")
# a relative markdown link: [text](path#anchor), [text](#anchor)
MD_LINK = re.compile(r"\]\((?![a-z]+:)([^)#\s]*)(?:#([^)\s]+))?\)")
# a repository path docs/ names in backticks: `services/query-api/src/.../kpis.py`
REPO_PATH = re.compile(r"`((?:libs|services|tools|tests|bench|deploy)/[\w./-]*\w)`")
OUTSIDE = re.compile(
    r"druid-contracts|peers-and-practices|shared/(?:spec|reference)"
    r"|(?<![\w/-])(?:sales-model|architecture|style)\.md"
)


def repo_files() -> Iterator[Path]:
    """Source and documentation files but this one (its examples are broken on purpose); hidden
    folders (.venv, .git, caches) are pruned unwalked."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not hidden(d))
        here = Path(folder)
        in_ci = here.relative_to(ROOT).parts[:1] == (".ci",)
        for name in sorted(files):
            path = here / name
            if (in_ci or path.suffix in SUFFIXES) and path != ME:
                yield path


def hidden(name: str) -> bool:
    return name.startswith(".") and name != ".ci"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@cache
def anchors(document: Path) -> frozenset[str]:
    seen: dict[str, int] = {}
    out = set()
    in_fence = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else re.match(r"#{1,6} (.+)", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            out.add(base if count == 0 else f"{base}-{count}")
    return frozenset(out)


def broken(target: Path, anchor: str | None) -> str | None:
    if not target.exists():
        return "no such file"
    if anchor and target.suffix == ".md" and anchor not in anchors(target):
        return f"no heading with anchor #{anchor}"
    return None


def citations(path: Path) -> Iterator[tuple[int, str, Path, str | None]]:
    """(line, citation text, target, anchor) for every docs/ citation and relative md link."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for match in CITATION.finditer(line):
            yield number, match.group(0), DOCS / match.group(1), match.group(2)
        if path.suffix == ".md":
            for match in MD_LINK.finditer(line):
                target = (path.parent / match.group(1)).resolve() if match.group(1) else path
                yield number, match.group(0), target, match.group(2)


def where(path: Path, number: int) -> str:
    return f"{path.relative_to(ROOT)}:{number}"


def test_every_cited_docs_path_and_anchor_exists() -> None:
    problems = [
        f"{where(path, number)}: {text} ({why})"
        for path in repo_files()
        for number, text, target, anchor in citations(path)
        if (why := broken(target, anchor))
    ]
    assert not problems, "citations of missing docs:\n" + "\n".join(problems)


def test_every_repository_path_docs_names_exists() -> None:
    problems = [
        f"{where(path, number)}: {match.group(1)}"
        for path in sorted(DOCS.glob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in REPO_PATH.finditer(line)
        if not (ROOT / match.group(1)).exists()
    ]
    assert not problems, "docs/ names files that are not there:\n" + "\n".join(problems)


def test_nothing_cites_a_document_outside_the_repository() -> None:
    problems = [
        f"{where(path, number)}: {line.strip()}"
        for path in repo_files()
        if path.parent != DOCS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not problems, "cite docs/ instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/druid.md#sql-api.", []),
        ("see docs/druid.md#no-such-heading", ["no heading with anchor #no-such-heading"]),
        ("see docs/nowhere.md", ["no such file"]),
        ("apache/druid/docs/tutorials/tutorial-kafka.md is Druid's", []),
    ],
)
def test_the_checker_finds_what_it_should(tmp_path: Path, text: str, expected: list[str]) -> None:
    cited = tmp_path / "cites.py"
    cited.write_text(f"# {text}\n", encoding="utf-8")
    found = [broken(target, anchor) for _, _, target, anchor in citations(cited)]
    assert [why for why in found if why] == expected


def test_headings_give_githubs_anchors() -> None:
    assert slug("Time chunks and replace") == "time-chunks-and-replace"
    assert slug("`timestampSpec` and `__time`") == "timestampspec-and-__time"
    assert slug("Parse errors & tuning") == "parse-errors--tuning"
