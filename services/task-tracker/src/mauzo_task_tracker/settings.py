"""task-tracker settings: the common base plus how the Overlord is followed."""

from __future__ import annotations

from pydantic import Field, SecretStr

from mauzo_common.settings import MauzoSettings


class TrackerSettings(MauzoSettings):
    overlord_poll_seconds: float = Field(
        1.0, gt=0, description="Longest pause between Overlord polls"
    )
    overlord_first_poll_seconds: float = Field(
        0.05,
        gt=0,
        description="Pause before the first poll after a submission; each later pause is "
        "overlord_poll_backoff times longer, up to overlord_poll_seconds",
    )
    overlord_poll_backoff: float = Field(1.1, ge=1)
    overlord_timeout_seconds: float = Field(10.0, gt=0, description="Per Overlord request")
    overlord_missing_grace_seconds: float = Field(
        300.0,
        ge=0,
        description="How long a submitted task may be unknown to the Overlord (or lack its "
        "report) before it is failed",
    )
    publish_timeout_seconds: float = Field(10.0, gt=0)
    reconcile_stale_seconds: float = Field(
        60.0,
        gt=0,
        description="A load not yet submitted that changed nothing for this long is published "
        "again (then after twice as long, and so on)",
    )
    reconcile_max_attempts: int = Field(
        5, ge=0, description="Replays of a stalled load before it is failed"
    )
    restart_quiet_seconds: float = Field(
        10.0,
        ge=0,
        description="Dropping the bytes of an unfinished load again restarts it once it has "
        "changed nothing for this long",
    )
    druid_task_retries: int = Field(
        2,
        ge=0,
        description="A load whose Druid task failed is submitted again this many times (a "
        "failed batch task published nothing, so a new attempt cannot double its rows)",
    )
    admin_password: SecretStr | None = Field(
        None,
        description="Password of the `admin` user created when the database has no user yet; "
        "unset: one is generated and written to <data_dir>/secrets/admin-password (0600)",
    )
