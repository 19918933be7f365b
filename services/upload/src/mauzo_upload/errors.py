"""Domain errors of upload (bad input is the common InputRejected family)."""

from __future__ import annotations

from mauzo_common.errors import TransientError


class DependencyUnavailable(TransientError):
    """task-tracker or the broker could not be reached: nothing was kept, the user retries."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message, code=code, hint=hint)
