from __future__ import annotations

from pathlib import Path

from mauzo_common.asyncapi import document, render
from mauzo_common.events import ALL_PAYLOADS, SALES_EVENTS_TOPIC, SaleEvent, clean_topic

PUBLISHED = Path(__file__).parents[4] / "docs" / "asyncapi.json"


def test_published_asyncapi_document_matches_the_event_models() -> None:
    assert PUBLISHED.read_text() == render(), (
        "docs/asyncapi.json is stale; regenerate it: "
        "uv run python -m mauzo_common.asyncapi > docs/asyncapi.json"
    )


def test_every_topic_is_a_channel() -> None:
    addresses = {c["address"] for c in document()["channels"].values()}
    streams = {SALES_EVENTS_TOPIC, clean_topic("{datasource}")}
    assert addresses == {p.topic() for p in ALL_PAYLOADS} | streams


def test_producer_contract_has_a_schema_and_an_example_that_meets_it() -> None:
    message = document()["components"]["messages"]["SaleEvent"]
    assert message["payload"]["required"] == ["event_id", "datasource", "time", "amount"]
    example = message["examples"][0]["payload"]
    assert SaleEvent.model_validate(example).datasource == "sales"
