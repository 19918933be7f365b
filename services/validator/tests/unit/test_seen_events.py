"""The stream stage's memory of event ids (a real SQLite file)."""

from __future__ import annotations

import time
from pathlib import Path

from mauzo_validator.dedupe import SeenEvents


def test_ids_are_remembered_with_their_outcome_whatever_their_text(tmp_path: Path) -> None:
    seen = SeenEvents(tmp_path / "seen.db", retention_seconds=3600)
    odd = ['quote " and \\ slash', "ünïcødé 🧾", "", "x" * 500]
    seen.remember([f"e{i}" for i in range(5000)], odd)
    asked = {f"e{i}" for i in range(4990, 5010)} | set(odd) | {"never"}
    found = seen.outcomes(asked)
    assert found == {
        **{f"e{i}": "loaded" for i in range(4990, 5000)},
        **dict.fromkeys(odd, "rejected"),
    }


def test_a_rejected_id_that_loads_later_is_loaded(tmp_path: Path) -> None:
    seen = SeenEvents(tmp_path / "seen.db", retention_seconds=3600)
    seen.remember(rejected=["a", "b"])
    seen.remember(["a"], offsets={("clean", 0): 7})
    assert seen.outcomes(["a", "b"]) == {"a": "loaded", "b": "rejected"}
    assert seen.clean_offsets() == {("clean", 0): 7}


def test_ids_older_than_the_retention_are_forgotten(tmp_path: Path) -> None:
    seen = SeenEvents(tmp_path / "seen.db", retention_seconds=0.2)
    seen.remember(["old"])
    time.sleep(0.3)
    seen.remember(["new"])
    assert seen.outcomes(["old", "new"]) == {"new": "loaded"}
    assert seen.forget_old() == 1
