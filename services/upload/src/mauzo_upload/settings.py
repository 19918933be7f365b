"""upload settings: the common base plus limits and timeouts of this service."""

from __future__ import annotations

from pydantic import Field

from mauzo_common.settings import MauzoSettings

MB = 1024 * 1024


class UploadSettings(MauzoSettings):
    max_upload_bytes: int = Field(500 * MB, gt=0, description="Largest file accepted (413 above)")
    # Per identity (docs/security.md#limits-and-headers); off with MAUZO_LIMITS_ENABLED=false.
    upload_quota_bytes_per_day: int = Field(10 * 1024 * MB, gt=0, description="Bytes a day")
    upload_quota_files_per_hour: int = Field(200, gt=0, description="Files an hour")
    tracker_timeout_seconds: float = Field(10.0, gt=0, description="Per task-tracker request")
    publish_timeout_seconds: float = Field(10.0, gt=0, description="Broker acknowledgement wait")
