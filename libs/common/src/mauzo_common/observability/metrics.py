"""Every Prometheus metric Mauzo exposes, defined once so that names and labels agree.

Each process serves its own `/metrics`; the scraper's job label says which service it is, so
no metric carries a service label of its own. Label values are bounded: routes are templates,
topics and stages are fixed sets, never ids.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from mauzo_common.observability.request_durations import RequestDurations

# Latencies from 0.5 ms (a cached answer) to a minute (a long-polling status request).
LATENCY_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
)  # fmt: skip
# Task stages last from milliseconds to the better part of an hour for a huge file.
STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600)

# Labels method, route, status; observed on every request, hence a cheaper histogram of our own.
http_request_duration = RequestDurations(
    "mauzo_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status code",
    buckets=LATENCY_BUCKETS,
)
events_consumed = Counter(
    "mauzo_events_consumed_total", "Events handled successfully, by topic", ["topic"]
)
events_failed = Counter(
    "mauzo_events_failed_total", "Handler attempts that raised, by topic", ["topic"]
)
events_retried = Counter(
    "mauzo_events_retried_total", "Handler attempts repeated after a failure, by topic", ["topic"]
)
events_dead_lettered = Counter(
    "mauzo_events_dead_lettered_total",
    "Events sent to the dead-letter topic, by the topic they came from and the error code",
    ["topic", "code"],
)
events_published = Counter("mauzo_events_published_total", "Events published, by topic", ["topic"])
event_handling_duration = Histogram(
    "mauzo_event_handling_duration_seconds",
    "Time from receiving an event to acknowledging it, retries included, by topic",
    ["topic"],
    buckets=LATENCY_BUCKETS,
)
consumer_lag = Gauge(
    "mauzo_consumer_lag_messages",
    "Messages behind the partition's high watermark when the last one was received",
    ["topic", "partition"],
)
task_stage_duration = Histogram(
    "mauzo_task_stage_duration_seconds",
    "Time a task spent in a stage before it moved on, by stage",
    ["stage"],
    buckets=STAGE_BUCKETS,
)
rows = Counter(
    "mauzo_rows_total", "Rows seen by the pipeline, by stage (read, valid, rejected, ingested)",
    ["stage"],
)  # fmt: skip
cache_requests = Counter(
    "mauzo_cache_requests_total", "Cache lookups by cache and outcome (hit, miss)",
    ["cache", "outcome"],
)  # fmt: skip
olap_query_duration = Histogram(
    "mauzo_olap_query_duration_seconds",
    "Time to answer one OLAP (Druid SQL) query, by outcome",
    ["outcome"],
    buckets=LATENCY_BUCKETS,
)
tasks_replayed = Counter(
    "mauzo_tasks_replayed_total",
    "Stalled loads whose FileUploaded task-tracker published again (recovery)",
)
restarts = Gauge(
    "mauzo_service_restarts",
    "How many times `mauzo up` restarted this service after it died (0 when not supervised)",
)
stream_records = Counter(
    "mauzo_stream_records_total",
    "Streamed sale lines by datasource and outcome (in, valid, rejected, duplicate)",
    ["datasource", "outcome"],
)
stream_batch_duration = Histogram(
    "mauzo_stream_batch_duration_seconds",
    "Time the stream stage takes for one micro-batch: validate, publish, remember, commit",
    buckets=LATENCY_BUCKETS,
)
