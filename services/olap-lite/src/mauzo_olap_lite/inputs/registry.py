"""Input source type -> factory."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.inputs.base import InputSource, InputSourceFactory
from mauzo_olap_lite.inputs.druid import druid_source
from mauzo_olap_lite.inputs.http import http_source
from mauzo_olap_lite.inputs.inline import inline_source
from mauzo_olap_lite.inputs.local import local_source
from mauzo_olap_lite.inputs.s3 import s3_source
from mauzo_olap_lite.settings import OlapLiteSettings

INPUT_SOURCES: dict[str, InputSourceFactory] = {
    "local": local_source,
    "s3": s3_source,
    "inline": inline_source,
    "http": http_source,
    "druid": druid_source,
}


def input_source(config: dict[str, Any], settings: OlapLiteSettings) -> InputSource:
    kind = config.get("type")
    factory = INPUT_SOURCES.get(str(kind))
    if factory is None:
        raise SpecError(
            f"Could not resolve type id '{kind}' as a subtype of inputSource: known type ids = "
            f"{sorted(INPUT_SOURCES)}"
        )
    try:
        return factory(config, settings)
    except (ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"Invalid inputSource: {exc}") from exc
