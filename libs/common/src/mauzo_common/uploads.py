"""The task upload registers with task-tracker before it answers (the kind of file it detected
travels on `FileUploaded`; see file_kinds.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from mauzo_common.datasources import DATASOURCE_PATTERN
from mauzo_common.file_kinds import FileKind
from mauzo_common.tasks import TASK_ID_PATTERN

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class UploadRegistration(BaseModel):
    """Sent by upload to task-tracker before it answers, so the status URL never 404s."""

    task_id: str = Field(pattern=TASK_ID_PATTERN)
    datasource: str = Field(pattern=DATASOURCE_PATTERN)
    file_name: str = Field(max_length=255)
    object_key: str = Field(max_length=1024)
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=SHA256_PATTERN)
    mapping: dict[str, str] | None = None
    options: dict[str, str] | None = Field(None, description="Parsing options, as sent")
    replace: bool = Field(
        False, description="Once this load succeeds, retract the earlier loads of these bytes"
    )
    file_kind: FileKind | None = Field(
        None,
        description="What upload detected, kept so that a stalled task's FileUploaded can be "
        "published again from the task table alone",
    )
    owner: str | None = Field(
        None,
        max_length=255,
        description="Subject of the user or key that uploaded the file (upload sends it); an "
        "uploader sees only its own tasks",
    )
