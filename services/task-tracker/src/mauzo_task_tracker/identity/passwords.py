"""Argon2id hashing of passwords and API-key secrets (argon2-cffi's defaults, RFC 9106's
low-memory profile: see docs/security.md for why)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Checked when the name is unknown, so a refusal costs the same time either way and the
# answer's timing does not tell which user names exist.
_DUMMY_HASH = _hasher.hash("mauzo-no-such-user")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches; with no stored hash, spends the same work and says False."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
