"""Domain errors of upload (bad input is the common InputRejected); HTTP mapping is in app.py."""

from __future__ import annotations


class DependencyUnavailable(Exception):
    """task-tracker or the broker could not be reached: nothing was kept, the user retries."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}
