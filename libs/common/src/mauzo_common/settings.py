"""Typed settings read from MAUZO_* environment variables; the embedded defaults are built in.

Every service reads the same base so that one environment (what `mauzo up` exports) configures
the whole stack; a service adds only what is its own by subclassing `MauzoSettings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class MauzoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAUZO_", extra="ignore")

    host: str = Field("127.0.0.1", description="Interface every service binds to")
    data_dir: Path = Field(Path(".mauzo"), description="Root for embedded-mode state")
    log_level: str = "INFO"
    business_timezone: str = "Africa/Nairobi"
    currency: str = Field("KES", description="A datasource's currency unless listed below")
    datasource_currencies: dict[str, str] = Field(
        default_factory=dict, description="Datasource -> ISO 4217 code, where not `currency`"
    )

    # Ports (Druid's router listens on 8888, so olap-lite does too).
    query_api_port: int = 8000
    upload_port: int = 8001
    task_tracker_port: int = 8002
    validator_port: int = 8003
    spec_builder_port: int = 8004
    olap_lite_port: int = 8888
    broker_port: int = 9092

    # Kafka. Empty bootstrap means "the embedded Tansu broker on broker_port".
    kafka_bootstrap: str = ""
    # Tansu refuses InitProducerId, so idempotent producers are off in embedded mode.
    kafka_idempotence: bool = False
    kafka_max_retries: int = Field(3, ge=0, description="Attempts after the first one")
    kafka_retry_backoff_seconds: float = Field(0.5, gt=0)
    # The embedded broker answers an idle fetch only when this wait runs out, so it is each event
    # hop's latency there (aiokafka's 500 ms default measured ~120 ms a hop, 50 ms ~15 ms).
    kafka_fetch_max_wait_ms: int = Field(
        50, gt=0, description="Longest wait of a consumer's fetch for new records"
    )
    # A real cluster's Kafka asks for SASL/SCRAM over TLS (docs/security.md#kafka-broker); the
    # embedded broker listens on loopback only and takes neither.
    kafka_sasl_mechanism: Literal["", "SCRAM-SHA-256", "SCRAM-SHA-512"] = ""
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr | None = None
    kafka_tls: bool = Field(False, description="TLS to the brokers (SASL_SSL with SASL)")
    kafka_tls_cafile: Path | None = Field(None, description="CA bundle; default: the system's")

    # Object store: a local directory (embedded) or S3 through boto3.
    object_store: Literal["local", "s3"] = "local"
    object_store_root: Path | None = None
    s3_bucket: str = "mauzo"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None

    # Task database (owned by task-tracker).
    database_url: str = ""

    # Druid (or olap-lite): Overlord for tasks, router/broker for SQL.
    druid_overlord_url: str = ""
    druid_router_url: str = ""
    # Every Druid call retries a lost connection or a 5xx this often, pausing backoff × 2^n.
    druid_max_retries: int = Field(2, ge=0, description="Druid call attempts after the first")
    druid_retry_backoff_seconds: float = Field(0.2, gt=0)

    # Observability: spans go to an OpenTelemetry collector when this is set (e.g.
    # http://otel-collector:4318); trace ids reach the logs either way.
    otlp_endpoint: str = ""
    # Off: no request metrics, spans or /metrics route (the overhead benchmark's baseline).
    observability: bool = True
    # Written by `mauzo up` into a service it restarted, so the service can report it.
    restart_count: int = Field(0, ge=0)

    # Identity (docs/security.md). Tokens are HS256 JWTs signed with the first key of
    # `auth_keys` (key id -> secret of at least 32 bytes); the others still verify, so a key
    # rotates by putting the new one first and dropping the old once its tokens have expired.
    # `mauzo up` generates a key into the data directory when none is set.
    auth_keys: dict[str, SecretStr] = Field(default_factory=dict)
    auth_issuer: str = "mauzo"
    auth_audience: str = "mauzo"
    auth_access_ttl_seconds: int = Field(900, gt=0)
    auth_refresh_ttl_seconds: int = Field(7 * 24 * 3600, gt=0)
    # An external OIDC issuer (e.g. Keycloak): its tokens are verified against its JWKS and
    # must carry the role (and optionally the branches) in these claims.
    auth_jwks_url: str = ""
    auth_oidc_issuer: str = ""
    auth_role_claim: str = "mauzo_role"
    auth_branches_claim: str = "mauzo_branches"
    # The services' account on Druid's basic-security extension (olap-lite enforces it too).
    druid_username: str = "mauzo"
    druid_password: SecretStr | None = None

    # Limits (docs/security.md#limits-and-headers). Rates are `limits` strings, several joined
    # by ";" (a burst and a sustained rate), counted per identity (the token's subject) and
    # per service; a Mauzo service's own calls are never limited. The sign-in route, which has
    # no identity yet, is limited per client IP: the brute-force guard.
    limits_enabled: bool = Field(True, description="Rate limits and upload quotas on or off")
    rate_limit_storage: str = Field(
        "memory://", description="memory:// (one process) or redis://host:port/db (shared)"
    )
    rate_limit_viewer: str = "600/minute"
    rate_limit_uploader: str = "600/minute"
    rate_limit_admin: str = "1200/minute"
    sign_in_rate_limit: str = Field("20/minute;200/hour", description="Per client IP")
    # Request bodies other than file uploads (multipart): GraphQL, REST, registrations.
    max_request_bytes: int = Field(1024 * 1024, gt=0, description="413 above (not uploads)")
    # Peers whose X-Forwarded-For is believed (query-api's gateway, a reverse proxy).
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    # Origins a browser may call the APIs from; empty = the dashboard's own origin
    # (http://127.0.0.1:<query_api_port> and http://localhost:<query_api_port>).
    cors_origins: list[str] = Field(default_factory=list)

    # Service URLs other services call; empty means "the local one on its default port".
    task_tracker_url: str = ""
    upload_url: str = ""

    @property
    def bootstrap_servers(self) -> str:
        return self.kafka_bootstrap or f"127.0.0.1:{self.broker_port}"

    @property
    def objects_root(self) -> Path:
        return (self.object_store_root or self.data_dir / "objects").resolve()

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'tasks.db').resolve()}"

    @property
    def overlord_url(self) -> str:
        return (self.druid_overlord_url or f"http://127.0.0.1:{self.olap_lite_port}").rstrip("/")

    @property
    def router_url(self) -> str:
        return (self.druid_router_url or f"http://127.0.0.1:{self.olap_lite_port}").rstrip("/")

    @property
    def tracker_url(self) -> str:
        return (self.task_tracker_url or f"http://127.0.0.1:{self.task_tracker_port}").rstrip("/")

    @property
    def uploader_url(self) -> str:
        return (self.upload_url or f"http://127.0.0.1:{self.upload_port}").rstrip("/")

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins:
            return [origin.rstrip("/") for origin in self.cors_origins]
        port = self.query_api_port
        return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]

    @field_validator(
        "rate_limit_viewer", "rate_limit_uploader", "rate_limit_admin", "sign_in_rate_limit"
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate such as '600/minute': {exc}") from None
        return value

    def currency_of(self, datasource: str) -> str:
        """The datasource's currency (docs/sales-model.md#money-and-currency)."""
        return self.datasource_currencies.get(datasource, self.currency).upper()
