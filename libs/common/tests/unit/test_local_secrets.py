"""The embedded stack's secrets in <data_dir>/secrets: made once, private, read back the same."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from mauzo_common.auth import local_secrets


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_signing_keys_are_made_once_private_and_long_enough(tmp_path: Path) -> None:
    keys = local_secrets.auth_keys(tmp_path)
    path = local_secrets.auth_keys_path(tmp_path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    ((kid, secret),) = keys.items()
    assert len(secret) == 64
    int(secret, 16)  # hex
    assert json.loads(path.read_text()) == {kid: secret}
    assert local_secrets.auth_keys(tmp_path) == keys  # the next start reuses them


def test_a_rotated_file_keeps_its_order(tmp_path: Path) -> None:
    old = local_secrets.auth_keys(tmp_path)
    kid, secret = local_secrets.new_key()
    rotated = {kid: secret, **old}
    local_secrets.write_secret(local_secrets.auth_keys_path(tmp_path), json.dumps(rotated))
    assert list(local_secrets.auth_keys(tmp_path)) == [kid, *old]


def test_druid_password_is_made_once(tmp_path: Path) -> None:
    first = local_secrets.druid_password(tmp_path)
    assert len(first) >= 24
    assert mode(local_secrets.druid_password_path(tmp_path)) == 0o600
    assert local_secrets.druid_password(tmp_path) == first


def test_the_admin_password_is_taken_once(tmp_path: Path) -> None:
    assert local_secrets.take_admin_password(tmp_path) is None
    local_secrets.write_secret(local_secrets.admin_password_path(tmp_path), "s3cret-pw\n")
    assert local_secrets.take_admin_password(tmp_path) == "s3cret-pw"
    assert local_secrets.take_admin_password(tmp_path) is None
