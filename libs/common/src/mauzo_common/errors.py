"""Domain errors every service shares: bad input (permanent) versus system failures (retried)."""

from __future__ import annotations


class InputRejected(Exception):
    """The user's input is wrong: never retried; the task becomes `rejected` with this reason."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class TransientError(Exception):
    """A dependency failed (broker, store, OLAP): retried with backoff, then dead-lettered."""
