"""Input format type -> factory."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.formats.base import InputFormat, InputFormatFactory
from mauzo_olap_lite.formats.delimited import csv_format, tsv_format
from mauzo_olap_lite.formats.json import json_format
from mauzo_olap_lite.formats.parquet import parquet_format

INPUT_FORMATS: dict[str, InputFormatFactory] = {
    "parquet": parquet_format,
    "csv": csv_format,
    "tsv": tsv_format,
    "json": json_format,
}


def input_format(config: dict[str, Any]) -> InputFormat:
    kind = config.get("type")
    factory = INPUT_FORMATS.get(str(kind))
    if factory is None:
        raise SpecError(
            f"Could not resolve type id '{kind}' as a subtype of inputFormat: known type ids = "
            f"{sorted(INPUT_FORMATS)}"
        )
    try:
        return factory(config)
    except (ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"Invalid inputFormat: {exc}") from exc
