from __future__ import annotations

import json
import logging

import pytest
import structlog

from mauzo_common.logging import bind, configure_logging, unbind


def test_every_line_is_json_with_the_bound_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("validator", "INFO")
    try:
        bind(task_id="t-1", event_id="e-1", request_id=None)
        structlog.get_logger("mauzo.test").info("file_validated", rows=3)
        logging.getLogger("aiokafka").warning("from a library")
        unbind("task_id", "event_id")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()
        logging.getLogger().handlers = []
    ours, library = lines
    assert ours["event"] == "file_validated"
    assert (ours["task_id"], ours["event_id"], ours["service"]) == ("t-1", "e-1", "validator")
    assert "request_id" not in ours
    assert library["event"] == "from a library"
    assert library["task_id"] == "t-1"
