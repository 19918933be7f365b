from __future__ import annotations

import os
from pathlib import Path

from mauzo_cli.watch import DropFolder


def test_a_new_file_is_ready_once_it_stops_changing(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    folder = DropFolder(inbox, tmp_path / "ledger.json")
    (inbox / "jan.csv").write_text("time,amount\n")
    assert folder.ready() == []  # seen once: it may still be being copied
    with (inbox / "jan.csv").open("a") as handle:
        handle.write("2025-01-01,10\n")
    assert folder.ready() == []  # it changed
    assert folder.ready() == [inbox / "jan.csv"]


def test_each_file_is_dropped_once_even_after_a_restart(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "feb.csv").write_text("time,amount\n2025-02-01,5\n")
    (inbox / ".partial").write_text("hidden files are ignored")
    folder = DropFolder(inbox, tmp_path / "ledger.json")
    folder.ready()
    [ready] = folder.ready()
    folder.mark_dropped(ready)
    assert not folder.pending()
    assert folder.ready() == []

    restarted = DropFolder(inbox, tmp_path / "ledger.json")
    restarted.ready()
    assert restarted.ready() == []


def test_a_rewritten_file_is_dropped_again(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "mar.csv"
    path.write_text("time,amount\n2025-03-01,5\n")
    folder = DropFolder(inbox, tmp_path / "ledger.json")
    folder.ready()
    folder.mark_dropped(folder.ready()[0])
    path.write_text("time,amount\n2025-03-01,5\n2025-03-02,6\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    folder.ready()
    assert folder.pending()
    assert folder.ready() == [path]
