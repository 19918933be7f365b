"""The request-latency histogram scrapes exactly as prometheus_client's own Histogram would."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from mauzo_common.observability.metrics import LATENCY_BUCKETS
from mauzo_common.observability.request_durations import RequestDurations

# On a bound, just above it, between bounds, above every bound; two label sets.
OBSERVED = {
    ("GET", "/items/{item_id}", "200"): [0.0005, 0.00051, 0.003, 0.0004, 75.0],
    ("POST", "/graphql", "500"): [0.2],
}


def _samples(registry: CollectorRegistry) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in registry.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")  # when a series began: differs by nature
    }


def test_scrapes_the_same_buckets_counts_and_sums_as_prometheus_client() -> None:
    ours, theirs = CollectorRegistry(), CollectorRegistry()
    durations = RequestDurations("latency_seconds", "help", LATENCY_BUCKETS, registry=ours)
    reference = Histogram(
        "latency_seconds",
        "help",
        ["method", "route", "status"],
        buckets=LATENCY_BUCKETS,
        registry=theirs,
    )
    for labels, values in OBSERVED.items():
        for seconds in values:
            durations.series(*labels).observe(seconds)
            reference.labels(*labels).observe(seconds)
    assert _samples(ours) == pytest.approx(_samples(theirs))
    text = generate_latest(ours).decode()
    assert (
        'latency_seconds_bucket{le="0.0005",method="GET",route="/items/{item_id}",status="200"}'
        " 2.0" in text
    ), "a value on a bound is counted in that bound's bucket"
    assert 'latency_seconds_count{method="GET",route="/items/{item_id}",status="200"} 5.0' in text


def test_a_label_set_keeps_one_series() -> None:
    durations = RequestDurations("x_seconds", "help", (0.1, 1), registry=CollectorRegistry())
    assert durations.series("GET", "/a", "200") is durations.series("GET", "/a", "200")
    assert durations.series("GET", "/a", "200") is not durations.series("GET", "/a", "404")
