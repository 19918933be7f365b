"""The upload registration and file kinds: typed, with replace as a bool on the wire."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mauzo_common.file_kinds import FileKind
from mauzo_common.uploads import UploadRegistration

BASE = {
    "task_id": "a" * 32,
    "datasource": "sales",
    "file_name": "sales.csv",
    "object_key": "uploads/sales/x/sales.csv",
    "size_bytes": 10,
    "sha256": "0" * 64,
}


def test_replace_travels_as_a_json_bool() -> None:
    sent = UploadRegistration(**BASE, replace=True).model_dump(mode="json")
    assert sent["replace"] is True
    assert UploadRegistration.model_validate(sent).replace is True
    assert UploadRegistration(**BASE).replace is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("task_id", "../etc"), ("datasource", "1sales"), ("sha256", "XYZ"), ("size_bytes", -1)],
)
def test_refuses_what_could_steer_a_path_or_lie_about_the_file(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        UploadRegistration(**(BASE | {field: value}))


def test_every_kind_has_a_content_type() -> None:
    assert {k: k.content_type for k in FileKind}[FileKind.CSV] == "text/csv"
    assert all(k.content_type for k in FileKind)
