"""FastAPI dependencies: the objects the composition root put on app.state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mauzo_common.object_store import ObjectStore
from mauzo_task_tracker.changes import TaskChanges
from mauzo_task_tracker.recovery.reconciler import Reconciler
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.retraction.retractor import Retractor


def get_repository(request: Request) -> TaskRepository:
    repository: TaskRepository = request.app.state.repository
    return repository


def get_retractor(request: Request) -> Retractor:
    retractor: Retractor = request.app.state.retractor
    return retractor


def get_reconciler(request: Request) -> Reconciler:
    reconciler: Reconciler = request.app.state.reconciler
    return reconciler


def get_changes(request: Request) -> TaskChanges:
    changes: TaskChanges = request.app.state.changes
    return changes


def get_store(request: Request) -> ObjectStore:
    store: ObjectStore = request.app.state.store
    return store


Repository = Annotated[TaskRepository, Depends(get_repository)]
RetractorDep = Annotated[Retractor, Depends(get_retractor)]
Store = Annotated[ObjectStore, Depends(get_store)]
ReconcilerDep = Annotated[Reconciler, Depends(get_reconciler)]
Changes = Annotated[TaskChanges, Depends(get_changes)]
