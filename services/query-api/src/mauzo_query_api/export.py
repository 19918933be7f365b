"""Write the GraphQL SDL and the OpenAPI document next to the package (tests fail when stale).

Run: `uv run python -m mauzo_query_api.export`
"""

from __future__ import annotations

import json
from pathlib import Path

from mauzo_query_api.settings import QueryApiSettings

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
SDL_PATH = PACKAGE_ROOT / "schema.graphql"
OPENAPI_PATH = PACKAGE_ROOT / "openapi.json"


def sdl() -> str:
    from mauzo_query_api.graphql.schema import build_schema

    return build_schema(QueryApiSettings()).as_str() + "\n"


def openapi() -> str:
    from mauzo_query_api.app import create_app

    document = create_app(QueryApiSettings(consume_events=False)).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    SDL_PATH.write_text(sdl(), encoding="utf-8")
    OPENAPI_PATH.write_text(openapi(), encoding="utf-8")


if __name__ == "__main__":
    main()
