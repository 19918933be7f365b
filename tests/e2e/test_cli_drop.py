"""`mauzo drop` against the running stack: a file, then a folder, each file loaded once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

CSV = (
    "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
    "2025-04-0{d} 09:00:00,Thika,Kensalt 1kg,Condiments,Mwangi,Jamii Stores,INV-{d},3,135,108\n"
)


def mauzo(stack: RunningStack, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "mauzo"), *args]
    return subprocess.run(
        command, env=stack.env, capture_output=True, text=True, timeout=300, check=False
    )


def test_drop_a_file_prints_rows_loaded(stack: RunningStack, tmp_path: Path) -> None:
    path = tmp_path / "april.csv"
    path.write_text(CSV.format(d=1))
    result = mauzo(stack, "drop", str(path), "--datasource", "cli_file")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Loaded 1 rows" in result.stdout


def test_drop_a_folder_loads_every_file_once(stack: RunningStack, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for day in (2, 3):
        (inbox / f"day{day}.csv").write_text(CSV.format(d=day))
    first = mauzo(stack, "drop", str(inbox), "--datasource", "cli_folder")
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count("Loaded 1 rows") == 2
    again = mauzo(stack, "drop", str(inbox), "--datasource", "cli_folder")
    assert again.returncode == 0
    assert "Loaded" not in again.stdout
