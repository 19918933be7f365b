"""olap-lite's DuckDB checkpoints at the write-ahead log size its setting names."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.settings import OlapLiteSettings


def test_the_database_checkpoints_at_the_configured_log_size(tmp_path: Path) -> None:
    settings = OlapLiteSettings(data_dir=tmp_path, olap_lite_checkpoint_threshold="64MB")
    db = Database(settings.db_path, checkpoint_threshold=settings.olap_lite_checkpoint_threshold)
    found = db.cursor().execute("SELECT current_setting('checkpoint_threshold')").fetchone()
    assert found is not None
    assert found[0] == "61.0 MiB"  # DuckDB's MB is 1000², it shows MiB
    assert OlapLiteSettings(data_dir=tmp_path).olap_lite_checkpoint_threshold == "256MB"


def test_a_checkpoint_size_that_is_not_a_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="olap_lite_checkpoint_threshold"):
        OlapLiteSettings(data_dir=tmp_path, olap_lite_checkpoint_threshold="lots")
