"""Prometheus, Grafana and Jaeger in docker-compose.yml, checked statically like the rest.

What would go wrong only at run time is checked here: a service Prometheus never scrapes, a
dashboard panel querying a metric no service exports, a datasource the dashboard cannot find.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from mauzo_common.observability import metrics
from mauzo_common.observability.request_durations import RequestDurations

ROOT = Path(__file__).resolve().parents[2]
SCRAPED = ("upload", "validator", "spec-builder", "task-tracker", "query-api", "olap-lite")
METRIC_NAME = re.compile(r"\bmauzo_[a-z_]+\b")


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())[
        "services"
    ]
    return found


def exported_names() -> set[str]:
    """Every sample name Mauzo's metrics expose (counters' _total, histograms' _bucket...):
    prometheus_client's metrics and our own collectors (the request-duration histogram)."""
    ours = [
        m for m in vars(metrics).values() if isinstance(m, MetricWrapperBase | RequestDurations)
    ]
    names: set[str] = set()
    for metric in ours:
        for family in metric.describe():
            names |= {family.name, f"{family.name}_total", f"{family.name}_bucket"}
            names |= {f"{family.name}_count", f"{family.name}_sum", f"{family.name}_created"}
    assert names, "no metric found in mauzo_common.observability.metrics"
    return names


def health_port(service: dict[str, Any]) -> str:
    test = " ".join(service["healthcheck"]["test"])
    found = re.search(r"127\.0\.0\.1:(\d+)/", test)
    assert found, test
    return found.group(1)


def test_prometheus_scrapes_every_service_on_the_port_it_serves(
    services: dict[str, dict[str, Any]],
) -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = {
        job["job_name"]: [t for group in job["static_configs"] for t in group["targets"]]
        for job in config["scrape_configs"]
    }
    assert set(targets) == set(SCRAPED)
    for name in SCRAPED:
        assert targets[name] == [f"{name}:{health_port(services[name])}"], name
    mounts = services["prometheus"]["volumes"]
    assert "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in mounts


def test_grafana_dashboard_queries_only_metrics_the_services_export(
    services: dict[str, dict[str, Any]],
) -> None:
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/mauzo.json").read_text())
    datasource = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    assert datasource["url"] == "http://prometheus:9090"
    assert "prometheus" in services["grafana"]["depends_on"]
    known = exported_names()
    queried: set[str] = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
        for target in panel["targets"]:
            queried |= set(METRIC_NAME.findall(target["expr"]))
    assert queried, "the dashboard queries nothing"
    assert queried <= known, f"not exported by any service: {sorted(queried - known)}"
    provider = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/dashboards/mauzo.yml").read_text()
    )["providers"][0]
    assert (
        f"./deploy/grafana/dashboards:{provider['options']['path']}:ro"
        in (services["grafana"]["volumes"])
    )


def test_services_send_spans_to_jaegers_otlp_endpoint(
    services: dict[str, dict[str, Any]],
) -> None:
    assert services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    for name in SCRAPED:
        assert services[name]["environment"]["MAUZO_OTLP_ENDPOINT"] == "http://jaeger:4318", name
