"""Domain errors of the task-tracker, mapped to HTTP once in app.py."""

from __future__ import annotations


class TaskNotFound(LookupError):
    def __init__(self, task_id: str) -> None:
        super().__init__(task_id)
        self.task_id = task_id


class TaskAlreadyFinished(Exception):
    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(f"task {task_id} is already {state}")
        self.task_id = task_id
        self.state = state


class TaskNotRetractable(Exception):
    """Only a succeeded load (with a known time interval) can have its rows retracted."""

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"task {task_id} cannot be retracted: {reason}")
        self.task_id = task_id
        self.reason = reason


class RetractionFailed(Exception):
    """The retraction could not be started (the OLAP store refused or was unreachable)."""

    def __init__(self, retraction_id: str, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.retraction_id = retraction_id
        self.code = code
        self.message = message
        self.hint = hint
