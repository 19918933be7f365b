"""The launcher's own settings: how `mauzo up` restarts a service that died."""

from __future__ import annotations

from pydantic import Field

from mauzo_common.settings import MauzoSettings


class LauncherSettings(MauzoSettings):
    restart_backoff_seconds: float = Field(
        0.5, gt=0, description="Wait before the first restart; doubles with each failure"
    )
    restart_backoff_max_seconds: float = Field(30.0, gt=0)
    restart_max_failures: int = Field(
        5, ge=1, description="Exits within the window after which a service is given up on"
    )
    restart_window_seconds: float = Field(120.0, gt=0)
