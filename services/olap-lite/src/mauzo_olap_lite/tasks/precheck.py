"""Checks done when a task is submitted, so that a bad spec is refused with 400 like Druid does
(Jackson/validation errors) instead of becoming a FAILED task."""

from __future__ import annotations

from mauzo_olap_lite.errors import SpecError
from mauzo_olap_lite.formats.registry import input_format
from mauzo_olap_lite.ingest.columns import METRICS
from mauzo_olap_lite.ingest.spec import TaskSpec
from mauzo_olap_lite.inputs.registry import input_source
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.timeutil.granularity import parse_granularity
from mauzo_olap_lite.timeutil.periods import parse_interval


def precheck(task: TaskSpec, settings: OlapLiteSettings) -> None:
    io = task.spec.io_config
    schema = task.spec.data_schema
    input_source(io.input_source or {}, settings)
    input_format(io.input_format or {})
    gran = schema.granularity_spec
    try:
        parse_granularity(gran.segment_granularity, "day")
        parse_granularity(gran.query_granularity, "none")
        for interval in gran.intervals or []:
            parse_interval(interval)
    except (ValueError, KeyError) as exc:
        raise SpecError(str(exc)) from exc
    for metric in schema.metrics_spec:
        if metric.type not in METRICS:
            raise SpecError(
                f"Could not resolve type id '{metric.type}' as a subtype of aggregator "
                f"(metric [{metric.name}]): known type ids = {sorted(METRICS)}"
            )
        if metric.type != "count" and not metric.field_name:
            raise SpecError(f"Must have a valid, non-null fieldName for metric [{metric.name}]")
    if "/" in schema.data_source or schema.data_source.startswith("."):
        raise SpecError(f"dataSource[{schema.data_source}] cannot contain '/' or start with '.'")
