"""One call at a service's start-up turns on its traces and the facts its metrics report."""

from __future__ import annotations

from mauzo_common.observability import metrics
from mauzo_common.observability.tracing import configure_tracing
from mauzo_common.settings import MauzoSettings


def configure_observability(service: str, settings: MauzoSettings) -> None:
    metrics.restarts.set(settings.restart_count)
    if settings.observability:
        configure_tracing(service, settings.otlp_endpoint)
