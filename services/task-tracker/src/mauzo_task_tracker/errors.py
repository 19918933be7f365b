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
