"""The Druid Kafka supervisor spec of a streamed datasource: it reads the datasource's clean topic.

Pure, like specs.py; the same JSON runs on Druid and olap-lite (docs/druid.md#supervisor-api). The
clean topic's rows are already in the sales model (`CLEAN_COLUMNS` in mauzo_common.events), so the
spec names every column with a fixed type: a streamed datasource and a loaded file of the same name
share one schema. Segments are cut by day like a file's load, so a day's retraction reads the same.
"""

from __future__ import annotations

from typing import Any

from mauzo_common.events import CLEAN_DIMENSIONS, CLEAN_METRICS, clean_topic
from mauzo_common.sales_model import TIME as TIME_COLUMN

SUPERVISOR_TYPE = "kafka"


def supervisor_id(datasource: str) -> str:
    """One supervisor per datasource, named as Druid names it by default."""
    return datasource


def kafka_supervisor_spec(
    datasource: str,
    *,
    bootstrap_servers: str,
    suspended: bool = False,
    fetch_max_wait_ms: int = 500,
) -> dict[str, Any]:
    schema = {
        "dataSource": datasource,
        "timestampSpec": {"column": TIME_COLUMN, "format": "millis"},
        "dimensionsSpec": {"dimensions": [{"type": "string", "name": d} for d in CLEAN_DIMENSIONS]},
        "metricsSpec": [{"type": "doubleSum", "name": m, "fieldName": m} for m in CLEAN_METRICS],
        "granularitySpec": {
            "type": "uniform",
            "segmentGranularity": "day",
            "queryGranularity": "none",
            "rollup": False,
        },
    }
    io = {
        "type": SUPERVISOR_TYPE,
        "topic": clean_topic(datasource),
        "inputFormat": {"type": "json"},
        "consumerProperties": {
            "bootstrap.servers": bootstrap_servers,
            "isolation.level": "read_committed",
            # Kafka answers a fetch as soon as records arrive, so this only bounds idle fetches;
            # the embedded broker answers an idle fetch only when it runs out (a hop's latency).
            "fetch.max.wait.ms": fetch_max_wait_ms,
            # A clean record holds up to 64 kB of rows: a fetch of 1 MB (Kafka's default) a
            # partition would cap a catching-up supervisor at a few thousand rows a round trip.
            "max.partition.fetch.bytes": 8 << 20,
        },
        "useEarliestOffset": True,
        "taskDuration": "PT1H",
        "period": "PT1S",
    }
    tuning = {"type": SUPERVISOR_TYPE, "maxParseExceptions": 0}
    return {
        "type": SUPERVISOR_TYPE,
        "id": supervisor_id(datasource),
        "spec": {"dataSchema": schema, "ioConfig": io, "tuningConfig": tuning},
        "suspended": suspended,
    }
