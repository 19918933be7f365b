"""The `kafka` supervisor spec, in the nested and the legacy flat form.

See docs/druid.md#supervisor-api.

Nested: {"type": "kafka", "spec": {"dataSchema", "ioConfig", "tuningConfig"}, "suspended"};
flat (the quickstart file): {"type": "kafka", "dataSchema", "ioConfig", "tuningConfig"}.
The supervisor id defaults to the dataSource. The dataSchema is validated with the batch task's
models, so a supervisor ingests with exactly the batch path's semantics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.ingest.spec import TaskSpec, parse_task
from mauzo_olap_lite.timeutil.periods import parse_period

SUPERVISOR_TYPES = ("kafka",)
KAFKA_COLUMNS = {
    "timestampColumnName": "kafka.timestamp",
    "topicColumnName": "kafka.topic",
    "keyColumnName": "kafka.key",
}
# Most records per micro-batch: each batch pays a fixed cost (discovery, plan, commit); at 50 000
# a record costs ~12% less CPU than at 10 000 (bench/stream), and a batch still holds only MBs.
DEFAULT_BATCH_ROWS = 50_000
# The fetch settings of consumerProperties the supervisor's consumer takes (Kafka's names ->
# aiokafka's); any other property is kept in the spec and otherwise ignored.
FETCH_PROPERTIES = {
    "fetch.max.wait.ms": "fetch_max_wait_ms",
    "fetch.min.bytes": "fetch_min_bytes",
    "fetch.max.bytes": "fetch_max_bytes",
    "max.partition.fetch.bytes": "max_partition_fetch_bytes",
}


@dataclass(frozen=True)
class KafkaFormat:
    """How record values are read: `value_format` is the batch inputFormat used for the values;
    for the `kafka` inputFormat, `columns` names the added kafka.* fields."""

    value_format: dict[str, Any]
    columns: dict[str, str] | None


@dataclass(frozen=True)
class SupervisorSpec:
    id: str
    datasource: str
    topic: str
    consumer_properties: dict[str, Any]
    use_earliest_offset: bool
    poll_timeout_ms: int
    max_batch_rows: int
    task_duration_seconds: int
    late_rejection_ms: int | None
    fmt: KafkaFormat
    task: TaskSpec  # the dataSchema as a batch task: plan, columns, publish
    body: dict[str, Any]  # the normalised spec, as GET /supervisor/{id} shows it
    suspended: bool

    @property
    def bootstrap_servers(self) -> str:
        return str(self.consumer_properties.get("bootstrap.servers", ""))

    @property
    def isolation_level(self) -> str:
        return str(self.consumer_properties.get("isolation.level", "read_committed"))

    @property
    def fetch_options(self) -> dict[str, int]:
        """aiokafka's keyword arguments for the fetch settings the consumerProperties give."""
        return {
            option: int(self.consumer_properties[name])
            for name, option in FETCH_PROPERTIES.items()
            if name in self.consumer_properties
        }

    def with_suspended(self, suspended: bool) -> SupervisorSpec:
        return parse_supervisor({**self.body, "suspended": suspended})


def parse_supervisor(body: Any) -> SupervisorSpec:
    if not isinstance(body, dict):
        raise SpecError("The supervisor spec must be a JSON object")
    kind = body.get("type")
    if kind not in SUPERVISOR_TYPES:
        raise SpecError(
            f"Could not resolve type id '{kind}' as a subtype of `org.apache.druid.indexing."
            f"overlord.supervisor.SupervisorSpec`: known type ids = {list(SUPERVISOR_TYPES)}"
        )
    nested = body.get("spec")
    inner: dict[str, Any] = nested if isinstance(nested, dict) else body
    schema = inner.get("dataSchema")
    io = inner.get("ioConfig")
    tuning = inner.get("tuningConfig") or {}
    if not isinstance(schema, dict):
        raise SpecError("dataSchema must not be null")
    if not isinstance(io, dict):
        raise SpecError("ioConfig must not be null")
    for part, declared in (("ioConfig", io.get("type")), ("tuningConfig", tuning.get("type"))):
        if declared not in (None, "kafka"):
            raise SpecError(
                f"Could not resolve type id '{declared}' as a subtype of {part} for supervisor "
                "type [kafka]"
            )
    topic = io.get("topic")
    if not isinstance(topic, str) or not topic:
        raise SpecError(
            "ioConfig.topic must be set (topicPattern is not supported by olap-lite)"
            if io.get("topicPattern")
            else "ioConfig.topic must not be null"
        )
    props = io.get("consumerProperties")
    if not isinstance(props, dict) or not props.get("bootstrap.servers"):
        raise SpecError("consumerProperties must contain entry for [bootstrap.servers]")
    for name in FETCH_PROPERTIES:
        if name in props and _positive_int(props[name], 0) == 0:
            raise SpecError(
                f"consumerProperties.{name} must be a positive whole number, not [{props[name]}]"
            )
    fmt = _kafka_format(io.get("inputFormat"))
    task = parse_task(_as_task(schema, fmt.value_format, tuning))
    datasource = task.spec.data_schema.data_source
    sup_id = str(body.get("id") or datasource)
    io_out = {"type": "kafka", **io}
    tuning_out = {**tuning, "type": "kafka"}
    suspended = bool(body.get("suspended", False))
    normalised = {
        "type": "kafka",
        "id": sup_id,
        "spec": {"dataSchema": schema, "ioConfig": io_out, "tuningConfig": tuning_out},
        "dataSchema": schema,
        "ioConfig": io_out,
        "tuningConfig": tuning_out,
        "context": body.get("context"),
        "suspended": suspended,
    }
    return SupervisorSpec(
        id=sup_id,
        datasource=datasource,
        topic=topic,
        consumer_properties=dict(props),
        use_earliest_offset=bool(io.get("useEarliestOffset", False)),
        poll_timeout_ms=_positive_int(io.get("pollTimeout"), 100),
        max_batch_rows=min(
            _positive_int(tuning.get("maxRowsInMemory"), DEFAULT_BATCH_ROWS), DEFAULT_BATCH_ROWS
        ),
        task_duration_seconds=_seconds(io.get("taskDuration") or "PT1H"),
        late_rejection_ms=_period_ms(io.get("lateMessageRejectionPeriod")),
        fmt=fmt,
        task=task,
        body=normalised,
        suspended=suspended,
    )


def _kafka_format(config: Any) -> KafkaFormat:
    if not isinstance(config, dict):
        raise SpecError("ioConfig.inputFormat must not be null")
    if config.get("type") != "kafka":
        return KafkaFormat(config, None)
    value = config.get("valueFormat")
    if not isinstance(value, dict):
        raise SpecError("The kafka inputFormat needs a valueFormat")
    columns = {key: str(config.get(key) or default) for key, default in KAFKA_COLUMNS.items()}
    return KafkaFormat(value, columns)


def _as_task(schema: dict[str, Any], fmt: dict[str, Any], tuning: dict[str, Any]) -> Any:
    """The dataSchema wrapped as an appending batch task (the inline source is a placeholder)."""
    parse_limits = {
        k: tuning[k]
        for k in ("maxParseExceptions", "maxSavedParseExceptions", "logParseExceptions")
        if k in tuning
    }
    return {
        "type": "index_parallel",
        "spec": {
            "dataSchema": schema,
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "inline", "data": ""},
                "inputFormat": fmt,
                "appendToExisting": True,
            },
            "tuningConfig": {"type": "index_parallel", **parse_limits},
        },
    }


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def _seconds(text: Any) -> int:
    return (_period_ms(text) or 3_600_000) // 1000


def _period_ms(text: Any) -> int | None:
    if text is None:
        return None
    try:
        period = parse_period(str(text))
    except ValueError as exc:
        raise SpecError(str(exc)) from exc
    return period.total_months * 30 * 86_400_000 + period.fixed_millis
