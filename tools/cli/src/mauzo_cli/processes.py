"""Which processes make up the embedded stack, and how each one is started and checked."""

from __future__ import annotations

from dataclasses import dataclass

from mauzo_common.settings import MauzoSettings


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: list[str]
    port: int
    health_path: str | None  # None: the port accepting connections is the health check
    # A Kafka client: its consumer offsets and group live in the embedded broker, which keeps
    # nothing across a restart, so it must start afresh when the broker does.
    uses_broker: bool = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def broker_spec(settings: MauzoSettings) -> ServiceSpec:
    from mauzo_common.testing.components import tansu_command

    command = tansu_command(settings.broker_port)
    return ServiceSpec("broker", command, settings.broker_port, None, uses_broker=False)


def service_specs(settings: MauzoSettings) -> list[ServiceSpec]:
    """The services in start order: each one's dependencies come before it."""
    return [
        ServiceSpec(
            "olap-lite",
            ["mauzo-olap-lite"],
            settings.olap_lite_port,
            "/status/health",
            uses_broker=False,
        ),
        ServiceSpec(
            "task-tracker", ["mauzo-task-tracker"], settings.task_tracker_port, "/api/health"
        ),
        ServiceSpec("upload", ["mauzo-upload"], settings.upload_port, "/api/health"),
        ServiceSpec("validator", ["mauzo-validator"], settings.validator_port, "/api/health"),
        ServiceSpec(
            "spec-builder", ["mauzo-spec-builder"], settings.spec_builder_port, "/api/health"
        ),
        ServiceSpec("query-api", ["mauzo-query-api"], settings.query_api_port, "/api/health"),
    ]
