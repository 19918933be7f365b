"""query-api's own settings on top of the shared MAUZO_* base."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from mauzo_common.settings import MauzoSettings


class QueryApiSettings(MauzoSettings):
    redis_url: str = Field("", description="Redis for the shared result cache; empty = in-process")
    default_datasource: str = "sales"
    cache_ttl_seconds: float = Field(300.0, ge=0, description="0 disables result caching")
    stream_cache_ttl_seconds: float = Field(
        1.0, gt=0, le=2, description="How long an answer over a streamed datasource is kept"
    )
    response_cache: bool = Field(
        True, description="Also keep whole GraphQL responses in process (only without Redis)"
    )
    cache_max_entries: int = Field(10_000, ge=1, description="In-process cache size")
    catalog_ttl_seconds: float = Field(10.0, ge=0, description="How long column lists are reused")
    olap_timeout_ms: int = Field(30_000, gt=0, description="Per-query timeout passed to the OLAP")
    default_row_limit: int = Field(1_000, ge=1)
    max_row_limit: int = Field(10_000, ge=1)
    rfm_max_customers: int = Field(100_000, ge=1, description="Customers one RFM question scores")
    max_filter_values: int = Field(1_000, ge=1, description="Values per filter list")
    graphql_max_depth: int = Field(10, ge=1)
    graphql_max_tokens: int = Field(2_000, ge=1)
    graphql_max_aliases: int = Field(30, ge=1)
    # The static cost estimate (graphql/cost.py) is about the number of values an answer can
    # hold (rows × fields): 2 M is some 40 MB of JSON. The largest question the tests ask (ten
    # breakdowns of 10 000 rows) costs about 1 M; the dashboard's dearest page about 51 000.
    graphql_max_cost: int = Field(2_000_000, ge=1, description="Largest estimated query cost")
    graphql_default_list_size: int = Field(
        100, ge=1, description="Rows a list field without a limit argument is assumed to return"
    )
    consume_events: bool = Field(True, description="Consume IngestionCompleted for invalidation")
    events_group: str = Field(
        "mauzo-query-api",
        description="Consumer group for IngestionCompleted. Replicas sharing Redis share the "
        "group; replicas with in-process caches each need their own group (every one must see "
        "every event).",
    )
    dashboard_dir: Path | None = Field(
        None, description="Built dashboard to serve at /; empty = services/query-api/dashboard/dist"
    )
    validator_url: str = Field("", description="The validator, for the dashboard's gateway")
    spec_builder_url: str = Field("", description="spec-builder, for the dashboard's health page")

    @property
    def validator_service_url(self) -> str:
        return (self.validator_url or f"http://127.0.0.1:{self.validator_port}").rstrip("/")

    @property
    def spec_builder_service_url(self) -> str:
        return (self.spec_builder_url or f"http://127.0.0.1:{self.spec_builder_port}").rstrip("/")
