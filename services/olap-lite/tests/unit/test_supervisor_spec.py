"""Kafka supervisor specs: the nested and the legacy flat form mean the same; refusals."""

from __future__ import annotations

from typing import Any

import pytest

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.supervisors.spec import parse_supervisor

SCHEMA = {"dataSource": "sales", "timestampSpec": {"column": "time"}}
IO = {
    "topic": "sales-events",
    "inputFormat": {"type": "json"},
    "consumerProperties": {"bootstrap.servers": "kafka:9092"},
}


def test_nested_and_flat_forms_are_the_same_supervisor() -> None:
    nested = parse_supervisor({"type": "kafka", "spec": {"dataSchema": SCHEMA, "ioConfig": IO}})
    flat = parse_supervisor({"type": "kafka", "dataSchema": SCHEMA, "ioConfig": IO})
    assert nested.body == flat.body
    assert (nested.id, nested.datasource, nested.topic) == ("sales", "sales", "sales-events")
    assert nested.use_earliest_offset is False
    assert nested.isolation_level == "read_committed"
    assert nested.body["spec"]["ioConfig"]["type"] == "kafka"


def test_kafka_input_format_reads_the_value_format() -> None:
    io = {**IO, "inputFormat": {"type": "kafka", "valueFormat": {"type": "json"}}}
    spec = parse_supervisor({"type": "kafka", "dataSchema": SCHEMA, "ioConfig": io})
    assert spec.fmt.value_format == {"type": "json"}
    assert spec.fmt.columns is not None
    assert spec.fmt.columns["timestampColumnName"] == "kafka.timestamp"


def test_fetch_settings_of_the_consumer_properties_reach_the_consumer() -> None:
    props = {
        **IO["consumerProperties"],  # type: ignore[dict-item]
        "fetch.max.wait.ms": "50",
        "max.partition.fetch.bytes": 8388608,
        "client.rack": "r1",  # kept in the spec, not a fetch setting
    }
    io = {**IO, "consumerProperties": props}
    spec = parse_supervisor({"type": "kafka", "dataSchema": SCHEMA, "ioConfig": io})
    assert spec.fetch_options == {"fetch_max_wait_ms": 50, "max_partition_fetch_bytes": 8388608}
    assert spec.body["ioConfig"]["consumerProperties"]["client.rack"] == "r1"
    assert (
        parse_supervisor({"type": "kafka", "dataSchema": SCHEMA, "ioConfig": IO}).fetch_options
        == {}
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "type": "kafka",
                "dataSchema": SCHEMA,
                "ioConfig": {
                    **IO,
                    "consumerProperties": {
                        "bootstrap.servers": "k:9092",
                        "fetch.max.wait.ms": "soon",
                    },
                },
            },
            r"consumerProperties.fetch.max.wait.ms must be a positive whole number, not \[soon\]",
        ),
        ({"type": "kinesis", "dataSchema": SCHEMA, "ioConfig": IO}, "Could not resolve type id"),
        ({"type": "kafka", "ioConfig": IO}, "dataSchema must not be null"),
        ({"type": "kafka", "dataSchema": SCHEMA, "ioConfig": {**IO, "topic": None}}, "topic"),
        (
            {"type": "kafka", "dataSchema": SCHEMA, "ioConfig": {**IO, "consumerProperties": {}}},
            "bootstrap.servers",
        ),
        (
            {"type": "kafka", "dataSchema": SCHEMA, "ioConfig": {**IO, "type": "index_parallel"}},
            "Could not resolve type id 'index_parallel'",
        ),
    ],
)
def test_refuses_invalid_specs(body: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_supervisor(body)
