from __future__ import annotations

from pathlib import Path

from mauzo_common.asyncapi import document, render
from mauzo_common.events import ALL_PAYLOADS

PUBLISHED = Path(__file__).parents[4] / "docs" / "asyncapi.json"


def test_published_asyncapi_document_matches_the_event_models() -> None:
    assert PUBLISHED.read_text() == render(), (
        "docs/asyncapi.json is stale; regenerate it: "
        "uv run python -m mauzo_common.asyncapi > docs/asyncapi.json"
    )


def test_every_topic_is_a_channel() -> None:
    addresses = {c["address"] for c in document()["channels"].values()}
    assert addresses == {p.topic() for p in ALL_PAYLOADS}
