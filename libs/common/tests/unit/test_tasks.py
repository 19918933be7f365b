"""Task states: a task never moves backwards and terminal states stay, whatever arrives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.tasks import GONE, TERMINAL, TaskState, advance


@given(st.sampled_from(list(TaskState)), st.sampled_from(list(TaskState)))
def test_a_task_never_moves_backwards_and_terminal_states_stay(
    current: TaskState, target: TaskState
) -> None:
    after = advance(current, target)
    terminal = {TaskState.SUCCEEDED, TaskState.REJECTED, TaskState.FAILED, TaskState.RETRACTED}
    if current in terminal:
        assert after == current
    elif target in terminal:
        assert after == target
    else:
        assert after == max(current, target, key=list(TaskState).index)


def test_the_eight_states_keep_their_wire_names() -> None:
    assert [s.value for s in TaskState] == [
        "received",
        "validating",
        "validated",
        "submitted",
        "succeeded",
        "rejected",
        "failed",
        "retracted",
    ]


def test_gone_loads_are_terminal() -> None:
    assert GONE <= TERMINAL
