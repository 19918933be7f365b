"""One upload followed by its trace id through every service; every service serves /metrics."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from mauzo_common.observability.tracing import continued_span, current_traceparent
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack

pytestmark = pytest.mark.e2e

SERVICES = {
    "upload": "UPLOAD",
    "validator": "VALIDATOR",
    "spec-builder": "SPEC_BUILDER",
    "task-tracker": "TASK_TRACKER",
    "query-api": "QUERY_API",
    "olap-lite": "OLAP_LITE",
}


def _logged_with(stack: RunningStack, service: str, trace_id: str) -> list[dict[str, object]]:
    path = stack.data_dir / "logs" / f"{service}.log"
    lines = []
    for raw in path.read_text(errors="replace").splitlines():
        if trace_id in raw and raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_one_upload_is_followed_by_its_trace_id_from_http_to_olap_publish(
    stack: RunningStack, tmp_path: Path
) -> None:
    trace_id = uuid.uuid4().hex
    sales = tmp_path / "traced.csv"
    sales.write_text(
        "Date,Branch,Product,Quantity,Total\n"
        "2025-04-01 09:00,Kisumu,Sugar,3,450\n"
        "2025-04-02 10:30,Eldoret,Tea,1,220\n"
    )
    caller = f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"
    # Inside a span of that trace: when an earlier test instrumented this process's httpx, its
    # client span replaces the header, and keeps the trace id only because of this span.
    with (
        continued_span("test upload", caller, SpanKind.CLIENT),
        sales.open("rb") as handle,
    ):
        response = stack.http.post(
            stack.url("UPLOAD") + "/api/ingest/upload",
            data={"datasource": f"traced_{trace_id[:8]}"},
            files={"file": (sales.name, handle, "text/csv")},
            headers={"traceparent": current_traceparent() or caller},
        )
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    assert stack.wait_for_task(task_id)["state"] == "succeeded"

    def followed_everywhere() -> bool:
        return all(
            _logged_with(stack, s, trace_id)
            for s in ("upload", "validator", "spec-builder", "task-tracker", "olap-lite")
        )

    wait_until(followed_everywhere, 10, "the trace id in every ingest service's log")
    olap_lines = _logged_with(stack, "olap-lite", trace_id)
    assert any("completed with status SUCCESS" in str(line.get("message")) for line in olap_lines)
    validator_lines = _logged_with(stack, "validator", trace_id)
    assert {line.get("task_id") for line in validator_lines} >= {task_id}


def test_every_service_serves_prometheus_metrics(stack: RunningStack) -> None:
    for service, port_name in SERVICES.items():
        response = stack.http.get(stack.url(port_name) + "/metrics")
        assert response.status_code == 200, service
        assert response.headers["content-type"].startswith("text/plain"), service
        assert "mauzo_http_request_duration_seconds" in response.text, service
        assert "mauzo_service_restarts 0.0" in response.text, service
    tracker = stack.http.get(stack.url("TASK_TRACKER") + "/metrics").text
    assert 'mauzo_task_stage_duration_seconds_count{stage="validating"}' in tracker
    assert 'mauzo_rows_total{stage="ingested"}' in tracker
    assert 'mauzo_events_consumed_total{topic="mauzo.file-validated.v1"}' in tracker
    assert "mauzo_consumer_lag_messages" in tracker


def _sample(stack: RunningStack, port_name: str, name: str, labels: dict[str, str]) -> float:
    text = stack.http.get(stack.url(port_name) + "/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def test_query_api_counts_cache_hits_and_times_olap_queries(
    stack: RunningStack, tmp_path: Path
) -> None:
    # A datasource no earlier query asked about, so the first answer must come from the OLAP.
    datasource = f"metered_{uuid.uuid4().hex[:8]}"
    sales = tmp_path / "metered.csv"
    sales.write_text("Date,Branch,Product,Quantity,Total\n2025-05-01 12:00,Nyeri,Milk,2,120\n")
    assert stack.wait_for_task(stack.upload(sales, datasource)["task_id"])["state"] == "succeeded"
    hits = {"cache": "response", "outcome": "hit"}
    olap = {"outcome": "ok"}
    query = f'{{ dataRange(datasource: "{datasource}") {{ first last }} }}'
    hits_before = _sample(stack, "QUERY_API", "mauzo_cache_requests_total", hits)
    olap_before = _sample(stack, "QUERY_API", "mauzo_olap_query_duration_seconds_count", olap)
    stack.graphql(query)

    def answered_from_cache() -> bool:
        # The load's invalidation may reach query-api after the first answer and drop it.
        stack.graphql(query)
        return _sample(stack, "QUERY_API", "mauzo_cache_requests_total", hits) > hits_before

    wait_until(answered_from_cache, 20, "a repeated question answered from the cache")
    assert _sample(stack, "QUERY_API", "mauzo_olap_query_duration_seconds_count", olap) > (
        olap_before
    )
