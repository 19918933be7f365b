"""What `mauzo up` hands its children: the operator's own secrets when set, else the data dir's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from mauzo_cli.launcher import stack_secrets
from mauzo_common.auth.local_secrets import auth_keys_path, druid_password_path
from mauzo_common.settings import MauzoSettings


def test_without_environment_secrets_they_are_made_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAUZO_AUTH_KEYS", raising=False)
    monkeypatch.delenv("MAUZO_DRUID_PASSWORD", raising=False)
    settings = MauzoSettings(data_dir=tmp_path)
    env = stack_secrets(settings)
    assert json.loads(env["MAUZO_AUTH_KEYS"]) == json.loads(auth_keys_path(tmp_path).read_text())
    assert env["MAUZO_DRUID_PASSWORD"] == druid_password_path(tmp_path).read_text().strip()
    assert stack_secrets(settings) == env  # the same on every start


def test_the_operators_own_secrets_win_and_nothing_is_written(tmp_path: Path) -> None:
    settings = MauzoSettings(
        data_dir=tmp_path,
        auth_keys={"mine": SecretStr("x" * 40)},
        druid_password=SecretStr("druid-pw"),
    )
    assert stack_secrets(settings) == {}
    assert not (tmp_path / "secrets").exists()
