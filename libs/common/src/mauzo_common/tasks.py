"""A task's states and the one rule for moving between them, shared by every service.

received → validating → validated → submitted → succeeded, or rejected (bad input) / failed
(system error); a succeeded load becomes retracted once a retraction task removed its rows.
Events arrive at least once and in any order, so a move is a merge: a task never goes
backwards and a terminal state stays terminal.
"""

from __future__ import annotations

from enum import StrEnum

# Task ids go into URLs and object keys: nothing that could steer a path.
TASK_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class TaskState(StrEnum):
    RECEIVED = "received"
    VALIDATING = "validating"
    VALIDATED = "validated"
    SUBMITTED = "submitted"
    SUCCEEDED = "succeeded"
    REJECTED = "rejected"
    FAILED = "failed"
    RETRACTED = "retracted"  # a succeeded load whose rows a retraction task removed


PROGRESS_ORDER = (
    TaskState.RECEIVED,
    TaskState.VALIDATING,
    TaskState.VALIDATED,
    TaskState.SUBMITTED,
)
TERMINAL = frozenset(
    {TaskState.SUCCEEDED, TaskState.REJECTED, TaskState.FAILED, TaskState.RETRACTED}
)
# Loads whose rows are not (or no longer) in the datasource: the same bytes may load again.
GONE = frozenset({TaskState.FAILED, TaskState.RETRACTED})


def advance(current: TaskState, target: TaskState) -> TaskState:
    """The later of two states; terminal states absorb everything after them."""
    if current in TERMINAL:
        return current
    if target in TERMINAL:
        return target
    return max(current, target, key=PROGRESS_ORDER.index)
