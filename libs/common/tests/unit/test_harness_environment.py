"""Services started by tests and benchmarks get the environment a shell would give them."""

from __future__ import annotations

import pytest

from mauzo_common.testing.components import harness_environment


def test_polars_allocator_defaults_of_the_harness_are_not_passed_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # what importing Polars writes into the harness's environment
    monkeypatch.setenv("_RJEM_MALLOC_CONF", "dirty_decay_ms:500,muzzy_decay_ms:1000")
    monkeypatch.setenv("MAUZO_LOG_LEVEL", "debug")

    env = harness_environment()

    assert "_RJEM_MALLOC_CONF" not in env  # the validator sets its own when it starts
    assert env["MAUZO_LOG_LEVEL"] == "debug"
    assert env["PATH"]
