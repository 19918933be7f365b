"""The AsyncAPI 3 document of every Mauzo topic, generated from the event models in events.py.

`python -m mauzo_common.asyncapi > docs/asyncapi.json` writes the published copy; a test keeps
that copy in step with the models.
"""

from __future__ import annotations

import json
from typing import Any

from mauzo_common.events import ALL_PAYLOADS, Envelope


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


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")  # noqa: T201
