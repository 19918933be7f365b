"""The HTTP latency histogram, kept as plain counts that Prometheus reads through a collector.

Every request of every service is observed once, and a cached GraphQL answer costs a few
hundred microseconds of CPU: prometheus_client's Histogram takes two locks and walks its bucket
list on each observation, about a microsecond in a tight loop and several in a running service
(docs/observability.md#cost). Here an observation is one binary search and one lock. What a
scrape sees is the same: `_bucket` (cumulative, `le` as prometheus_client writes it), `_count`
and `_sum` per label set.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from threading import Lock

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.metrics_core import HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

LABELS = ("method", "route", "status")


class Series:
    """One label set's buckets; `counts[i]` holds observations in (bounds[i-1], bounds[i]],
    the last slot those above every bound (+Inf)."""

    __slots__ = ("_bounds", "_lock", "counts", "total")

    def __init__(self, bounds: tuple[float, ...], lock: Lock) -> None:
        self._bounds = bounds
        self._lock = lock
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        slot = bisect_left(self._bounds, seconds)  # `le` is inclusive, as bisect_left finds
        # A service's requests are observed on its event loop, but a test client may run an
        # app in a thread of its own while another thread scrapes.
        with self._lock:
            self.counts[slot] += 1
            self.total += seconds


class RequestDurations(Collector):
    def __init__(
        self,
        name: str,
        documentation: str,
        buckets: Sequence[float],
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self.name = name
        self.documentation = documentation
        self._bounds = tuple(sorted(buckets))
        # `le` as prometheus_client writes it for bounds like ours ("0.0005", "1.0", "60.0").
        self._les = [repr(float(bound)) for bound in self._bounds] + ["+Inf"]
        self._lock = Lock()
        self._series: dict[tuple[str, str, str], Series] = {}
        registry.register(self)

    def series(self, method: str, route: str, status: str) -> Series:
        """The label set's series, made on first use (routes are templates: few of them)."""
        key = (method, route, status)
        with self._lock:
            found = self._series.get(key)
            if found is None:
                found = self._series[key] = Series(self._bounds, self._lock)
        return found

    def describe(self) -> Iterator[Metric]:
        yield HistogramMetricFamily(self.name, self.documentation, labels=LABELS)

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=LABELS)
        with self._lock:
            taken = [(key, list(s.counts), s.total) for key, s in self._series.items()]
        for key, counts, total in taken:
            cumulative, buckets = 0, []
            for le, count in zip(self._les, counts, strict=True):
                cumulative += count
                buckets.append((le, float(cumulative)))
            family.add_metric(list(key), buckets, total)
        yield family
