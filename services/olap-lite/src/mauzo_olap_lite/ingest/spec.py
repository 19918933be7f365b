"""The native batch task spec (`index_parallel` / `index`), docs/druid.md#batch-task-specs,
as typed models.

Defaults follow Druid's documentation: timestampSpec column "timestamp" format "auto";
segmentGranularity "day", queryGranularity "none", rollup true; appendToExisting false;
maxParseExceptions unlimited, maxSavedParseExceptions 0.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mauzo_olap_lite.errors import SpecError

TASK_TYPES = ("index_parallel", "index")
INT_MAX = 2_147_483_647
MULTI_VALUE_HANDLING = ("SORTED_ARRAY", "SORTED_SET", "ARRAY")


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class TimestampSpec(_Model):
    column: str = "timestamp"
    format: str = "auto"
    missing_value: str | None = Field(None, alias="missingValue")


class DimensionSchema(_Model):
    name: str
    type: str = "string"
    multi_value_handling: str = Field("SORTED_ARRAY", alias="multiValueHandling")

    @model_validator(mode="after")
    def _check_handling(self) -> DimensionSchema:
        handling = self.multi_value_handling.upper()
        if handling not in MULTI_VALUE_HANDLING:
            raise ValueError(
                f"Cannot deserialize value of type `MultiValueHandling` from String "
                f'"{self.multi_value_handling}": not one of the values accepted for Enum class: '
                f"{list(MULTI_VALUE_HANDLING)}"
            )
        self.multi_value_handling = handling
        return self


class DimensionsSpec(_Model):
    dimensions: list[str | DimensionSchema] = Field(default_factory=list)
    dimension_exclusions: list[str] = Field(default_factory=list, alias="dimensionExclusions")
    include_all_dimensions: bool = Field(False, alias="includeAllDimensions")
    use_schema_discovery: bool = Field(False, alias="useSchemaDiscovery")

    def schemas(self) -> list[DimensionSchema]:
        return [
            d if isinstance(d, DimensionSchema) else DimensionSchema(name=d)
            for d in self.dimensions
        ]


class MetricSpec(_Model):
    type: str
    name: str
    field_name: str | None = Field(None, alias="fieldName")


class GranularitySpec(_Model):
    type: str = "uniform"
    segment_granularity: Any = Field("day", alias="segmentGranularity")
    query_granularity: Any = Field("none", alias="queryGranularity")
    rollup: bool = True
    intervals: list[str] | None = None


class TransformSpec(_Model):
    transforms: list[dict[str, Any]] = Field(default_factory=list)
    filter: dict[str, Any] | None = None


class DataSchema(_Model):
    data_source: str = Field(alias="dataSource", min_length=1)
    timestamp_spec: TimestampSpec = Field(default_factory=TimestampSpec, alias="timestampSpec")
    dimensions_spec: DimensionsSpec = Field(default_factory=DimensionsSpec, alias="dimensionsSpec")
    metrics_spec: list[MetricSpec] = Field(default_factory=list, alias="metricsSpec")
    granularity_spec: GranularitySpec = Field(
        default_factory=GranularitySpec, alias="granularitySpec"
    )
    transform_spec: TransformSpec = Field(default_factory=TransformSpec, alias="transformSpec")
    parser: dict[str, Any] | None = None


class IOConfig(_Model):
    type: str | None = None
    input_source: dict[str, Any] | None = Field(None, alias="inputSource")
    input_format: dict[str, Any] | None = Field(None, alias="inputFormat")
    append_to_existing: bool = Field(False, alias="appendToExisting")
    drop_existing: bool = Field(False, alias="dropExisting")
    firehose: dict[str, Any] | None = None


class TuningConfig(_Model):
    type: str | None = None
    max_parse_exceptions: int | None = Field(None, alias="maxParseExceptions")
    max_saved_parse_exceptions: int | None = Field(None, alias="maxSavedParseExceptions")
    log_parse_exceptions: bool = Field(False, alias="logParseExceptions")
    report_parse_exceptions: bool = Field(False, alias="reportParseExceptions")

    @property
    def parse_exception_limit(self) -> int:
        if self.report_parse_exceptions:
            return 0
        return INT_MAX if self.max_parse_exceptions is None else self.max_parse_exceptions

    @property
    def saved_limit(self) -> int:
        if self.report_parse_exceptions:
            return 1
        return self.max_saved_parse_exceptions or 0


class IngestionSpec(_Model):
    data_schema: DataSchema = Field(alias="dataSchema")
    io_config: IOConfig = Field(alias="ioConfig")
    tuning_config: TuningConfig = Field(default_factory=TuningConfig, alias="tuningConfig")


class TaskSpec(_Model):
    type: str
    id: str | None = None
    spec: IngestionSpec
    context: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> TaskSpec:
        _validate(self)
        return self


def _validate(task: TaskSpec) -> None:
    io, tuning, schema = task.spec.io_config, task.spec.tuning_config, task.spec.data_schema
    for part, declared in (("ioConfig", io.type), ("tuningConfig", tuning.type)):
        if declared is not None and declared != task.type:
            raise ValueError(
                f"Could not resolve type id '{declared}' as a subtype of {part} for task type "
                f"[{task.type}]"
            )
    if schema.parser is not None or io.firehose is not None:
        raise ValueError(
            "The legacy parser/firehose spec is not supported; use ioConfig.inputSource and "
            "ioConfig.inputFormat"
        )
    if io.input_source is None:
        raise ValueError("ioConfig.inputSource must not be null")
    if io.input_format is None:
        raise ValueError("ioConfig.inputFormat must not be null")
    if io.drop_existing and io.append_to_existing:
        raise ValueError("Cannot both append and drop existing segments")
    if io.drop_existing and not schema.granularity_spec.intervals:
        raise ValueError("GranularitySpec's intervals cannot be empty when using dropExisting")
    names = [d.name for d in schema.dimensions_spec.schemas()]
    for metric in schema.metrics_spec:
        if metric.name in names:
            raise ValueError(f"Metric name [{metric.name}] is also a dimension")
    if len(set(names)) != len(names):
        raise ValueError(f"dimensions {names} contain duplicates")


def parse_task(body: Any) -> TaskSpec:
    if not isinstance(body, dict):
        raise SpecError("The task payload must be a JSON object")
    kind = body.get("type")
    if kind not in TASK_TYPES:
        raise SpecError(
            f"Could not resolve type id '{kind}' as a subtype of `org.apache.druid.indexing."
            f"common.task.Task`: known type ids = {list(TASK_TYPES)}"
        )
    try:
        return TaskSpec.model_validate(body)
    except ValidationError as exc:
        raise SpecError(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
