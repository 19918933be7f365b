from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from mauzo_common.db import make_engine, normalise_url
from mauzo_common.events import ALL_PAYLOADS, Envelope, ErrorInfo, FileRejected
from mauzo_common.settings import MauzoSettings


def test_embedded_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(__import__("os").environ):
        if key.startswith("MAUZO_"):
            monkeypatch.delenv(key)
    settings = MauzoSettings()
    assert settings.bootstrap_servers == "127.0.0.1:9092"
    assert settings.overlord_url == "http://127.0.0.1:8888"
    assert (settings.query_api_port, settings.upload_port, settings.task_tracker_port) == (
        8000,
        8001,
        8002,
    )
    assert settings.sqlalchemy_url.startswith("sqlite:///")
    assert settings.object_store == "local"


def test_environment_overrides_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAUZO_KAFKA_BOOTSTRAP", "kafka:9092")
    monkeypatch.setenv("MAUZO_OLAP_LITE_PORT", "9999")
    monkeypatch.setenv("MAUZO_DRUID_ROUTER_URL", "http://router:8888/")
    settings = MauzoSettings()
    assert settings.bootstrap_servers == "kafka:9092"
    assert settings.overlord_url == "http://127.0.0.1:9999"
    assert settings.router_url == "http://router:8888"


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_engine_creates_its_directory(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'tasks.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.postgres
def test_postgres_engine_connects(postgres_url: str) -> None:
    with make_engine(postgres_url).connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_every_event_has_its_own_versioned_topic() -> None:
    topics = [p.topic() for p in ALL_PAYLOADS]
    assert len(set(topics)) == len(topics)
    assert all(t.startswith("mauzo.") and t.endswith(".v1") for t in topics)


def test_envelope_round_trips_through_json() -> None:
    rejected = FileRejected(datasource="sales", error=ErrorInfo(code="no_time_column", message="m"))
    envelope = Envelope.wrap(rejected, task_id="t1", producer="validator")
    again = Envelope[FileRejected].model_validate_json(envelope.model_dump_json())
    assert again == envelope
    assert again.type == "file-rejected"
    assert again.correlation_id == "t1"
