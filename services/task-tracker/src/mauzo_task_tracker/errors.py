"""Domain errors of the task-tracker; each family gives its HTTP status (mauzo_common.errors)."""

from __future__ import annotations

from mauzo_common.errors import Conflict, NotFound, UpstreamRefused


class TaskNotFound(NotFound):
    code = "task_not_found"
    hint = "Use the task_id returned by POST /api/ingest/upload."

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task {task_id!r} was never registered here.")
        self.task_id = task_id


class TaskAlreadyFinished(Conflict):
    code = "task_finished"
    hint = "A finished task cannot change any more."

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(f"task {task_id} is already {state}")
        self.task_id = task_id
        self.state = state


class TaskNotRetractable(Conflict):
    """Only a succeeded load (with a known time interval) can have its rows retracted."""

    code = "task_not_retractable"
    hint = "Only a succeeded upload's rows can be retracted, once."

    def __init__(self, task_id: str, reason: str) -> None:
        super().__init__(f"task {task_id} cannot be retracted: {reason}")
        self.task_id = task_id
        self.reason = reason


class RetractionFailed(UpstreamRefused):
    """The retraction could not be started (the OLAP store refused or was unreachable)."""

    def __init__(self, retraction_id: str, code: str, message: str, hint: str) -> None:
        super().__init__(f"Retraction {retraction_id} failed: {message}", code=code, hint=hint)
        self.retraction_id = retraction_id
