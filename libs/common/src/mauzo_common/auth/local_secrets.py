"""The secrets an embedded stack keeps in <data_dir>/secrets/ (0700, files 0600).

`mauzo up` loads or creates them and hands them to every child through the environment; the
`mauzo` admin commands read the same files to mint the operator's token. Set MAUZO_AUTH_KEYS /
MAUZO_DRUID_PASSWORD to use your own instead (then nothing is written).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

KEY_BYTES = 32  # 64 hex characters: HS256 wants a key at least as long as its hash


def secrets_dir(data_dir: Path) -> Path:
    return data_dir / "secrets"


def auth_keys_path(data_dir: Path) -> Path:
    return secrets_dir(data_dir) / "auth-keys.json"


def druid_password_path(data_dir: Path) -> Path:
    return secrets_dir(data_dir) / "druid-password"


def admin_password_path(data_dir: Path) -> Path:
    return secrets_dir(data_dir) / "admin-password"


def write_secret(path: Path, text: str) -> None:
    """Write a file only its owner can read, created with that mode (never readable first)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def new_key() -> tuple[str, str]:
    return f"k{secrets.token_hex(4)}", secrets.token_hex(KEY_BYTES)


def read_auth_keys(data_dir: Path) -> dict[str, str] | None:
    path = auth_keys_path(data_dir)
    if not path.exists():
        return None
    keys = json.loads(path.read_text())
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ValueError(f"{path} is not a JSON object of key id -> secret")
    return {str(k): v for k, v in keys.items()}


def auth_keys(data_dir: Path) -> dict[str, str]:
    """The stack's signing keys (the first signs), created on first use. To rotate, put a new
    key first in the file and keep the old one after it until its tokens have expired."""
    keys = read_auth_keys(data_dir)
    if keys:
        return keys
    kid, secret = new_key()
    write_secret(auth_keys_path(data_dir), json.dumps({kid: secret}) + "\n")
    return {kid: secret}


def druid_password(data_dir: Path) -> str:
    path = druid_password_path(data_dir)
    if path.exists():
        return path.read_text().strip()
    password = secrets.token_urlsafe(24)
    write_secret(path, password + "\n")
    return password


def take_admin_password(data_dir: Path) -> str | None:
    """The generated first admin password, once: the file is deleted as it is read."""
    path = admin_password_path(data_dir)
    try:
        password = path.read_text().strip()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return password or None
