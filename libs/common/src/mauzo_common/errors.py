"""Mauzo's error model: one root class, a few families, each with the HTTP status it answers.

Every error Mauzo raises on purpose is a `MauzoError`: a stable `code` clients branch on, a
`message` safe to show, a `hint` that says what to do. Code decides on the type or the code,
never on the message text. The family fixes the HTTP status (`http_errors` renders every one the
same way), and for events the split that matters is bad input (`InputRejected`: never retried)
versus system failures (`TransientError`: retried with backoff, then dead-lettered).
"""

from __future__ import annotations

import errno
from typing import ClassVar


class MauzoError(Exception):
    """The root: a failure Mauzo expected and can explain. Anything else is a bug (HTTP 500)."""

    status: ClassVar[int] = 500
    code: str = "internal_error"
    hint: str = ""

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if hint is not None:
            self.hint = hint

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class InputRejected(MauzoError):
    """The user's input is wrong: never retried; the task becomes `rejected` with this reason."""

    status = 422

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message, code=code, hint=hint)


class MalformedRequest(InputRejected):
    """The request itself cannot be read (broken multipart, missing field)."""

    status = 400


class TooLarge(InputRejected):
    status = 413


class Unsupported(InputRejected):
    """The content is not something Mauzo reads (file type, archive, encryption)."""

    status = 415


class NotFound(MauzoError):
    status = 404
    code = "not_found"


class Conflict(MauzoError):
    """The request is valid but the resource's state does not allow it."""

    status = 409
    code = "conflict"


class TransientError(MauzoError):
    """A dependency failed (broker, store, OLAP): retried with backoff, then dead-lettered."""

    status = 503
    code = "dependency_unavailable"


class UpstreamRefused(MauzoError):
    """A dependency answered but refused or failed the work: retrying the same call won't help."""

    status = 502
    code = "upstream_refused"


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(TransientError):
    """A disk Mauzo writes to is full: what was being written is dropped whole, never half."""

    status = 507
    code = "storage_full"

    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} could not be written: the disk is full. Nothing half-written was kept.",
            hint="Free space where Mauzo keeps its files (MAUZO_OBJECT_STORE_ROOT, "
            "MAUZO_WORK_DIR), or retract old uploads, then upload the file again.",
        )


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


class Unauthenticated(MauzoError):
    """No credentials, or ones that do not hold (expired, tampered, another audience)."""

    status = 401
    code = "unauthenticated"


class Forbidden(MauzoError):
    """A valid identity whose role or scope does not allow the request."""

    status = 403
    code = "forbidden"


class RateLimited(MauzoError):
    """Too many requests (or bytes) from one identity; retry after `retry_after` seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or f"Wait {retry_after} s and retry.")
        self.retry_after = retry_after
