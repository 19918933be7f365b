"""FastAPI dependencies: the objects the composition root put on app.state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mauzo_task_tracker.repository import TaskRepository


def get_repository(request: Request) -> TaskRepository:
    repository: TaskRepository = request.app.state.repository
    return repository


Repository = Annotated[TaskRepository, Depends(get_repository)]
