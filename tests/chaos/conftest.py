"""One stack for the chaos tests, run exactly as `mauzo up` runs it, with recovery tuned to act
within seconds (the defaults wait a minute before they republish a stalled load)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack, start_stack

sys.path.insert(0, str(Path(__file__).parent))

FAST_RECOVERY = {
    "MAUZO_RECONCILE_STALE_SECONDS": "8",
    "MAUZO_RESTART_QUIET_SECONDS": "3",
    "MAUZO_RESTART_BACKOFF_SECONDS": "0.2",
    "MAUZO_RESTART_BACKOFF_MAX_SECONDS": "2",
    "MAUZO_OVERLORD_MISSING_GRACE_SECONDS": "20",
}


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("chaos"), FAST_RECOVERY)
    wait_until((running.data_dir / "logs" / "stack.json").exists, 10, "the launcher's record")
    yield running
    assert running.stop() == 0, "mauzo up did not stop cleanly after the chaos"
