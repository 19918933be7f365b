"""spec-builder's own settings on top of the shared MAUZO_* base."""

from __future__ import annotations

from pydantic import Field

from mauzo_common.settings import MauzoSettings


class SpecBuilderSettings(MauzoSettings):
    druid_submit_timeout_seconds: float = Field(
        30.0, gt=0, description="How long one task submission to the Overlord may take"
    )
    supervisor_kafka_bootstrap: str = Field(
        "",
        description="The Kafka address a supervisor's consumer uses (Druid may reach the broker "
        "by another name); empty = the services' own",
    )

    def supervisor_bootstrap(self) -> str:
        return self.supervisor_kafka_bootstrap or self.bootstrap_servers
