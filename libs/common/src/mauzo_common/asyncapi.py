"""The AsyncAPI 3 document of every Mauzo topic, generated from the event models in events.py.

`python -m mauzo_common.asyncapi > docs/asyncapi.json` writes the published copy; a test keeps
that copy in step with the models.
"""

from __future__ import annotations

import json
from typing import Any

from mauzo_common.events import (
    ALL_PAYLOADS,
    SALES_EVENTS_TOPIC,
    Envelope,
    SaleEvent,
    clean_topic,
)


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for payload in ALL_PAYLOADS:
        name = payload.__name__
        schema = Envelope[payload].model_json_schema()  # type: ignore[valid-type]
        messages[name] = {
            "name": name,
            "title": payload.EVENT_TYPE,
            "summary": (payload.__doc__ or name).strip().splitlines()[0],
            "contentType": "application/json",
            "bindings": {"kafka": {"key": {"type": "string", "description": "task id"}}},
            "payload": schema,
        }
        channels[name] = {
            "address": payload.topic(),
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
    channels["SaleEvent"], messages["SaleEvent"] = _producer_contract()
    channels["CleanSales"] = {
        "address": clean_topic("{datasource}"),
        "parameters": {"datasource": {"description": "The datasource the lines load into"}},
        "description": "Validated lines of one datasource, flat rows in the sales model's "
        "columns plus event_id, one JSON object per line and many lines to a record (Druid's "
        "json inputFormat reads them all), each on the partition its producer key picks; read "
        "by that datasource's Druid Kafka supervisor",
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Mauzo ingestion events",
            "version": "1",
            "description": "At-least-once; every consumer is idempotent. Key = task id.",
        },
        "channels": channels,
        "components": {"messages": messages},
    }


def _producer_contract() -> tuple[dict[str, Any], dict[str, Any]]:
    """The public topic a till publishes sale lines to: a bare JSON object, not an envelope."""
    schema = SaleEvent.model_json_schema()
    message = {
        "name": "SaleEvent",
        "title": "sale-event",
        "summary": (SaleEvent.__doc__ or "").strip().splitlines()[0],
        "description": "Public producer contract, version 1. The value is one JSON object per "
        "sale line (no envelope); invalid lines go to mauzo.sales-events-dead-letter.v1 with "
        "the reason, valid ones to mauzo.sales-clean.<datasource>.v1.",
        "contentType": "application/json",
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": "invoice_id, or any stable key the producer chooses",
                }
            }
        },
        "payload": schema,
        "examples": [{"name": "sale-line", "payload": schema["examples"][0]}],
    }
    channel = {
        "address": SALES_EVENTS_TOPIC,
        "messages": {"SaleEvent": {"$ref": "#/components/messages/SaleEvent"}},
    }
    return channel, message


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")  # noqa: T201
