"""Access to the application's components from request handlers."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.native.engine import NativeEngine
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.sql.engine import SqlEngine
from mauzo_olap_lite.tasks.runner import TaskRunner


@dataclass
class Components:
    settings: OlapLiteSettings
    db: Database
    tasks: TaskRunner
    sql: SqlEngine
    native: NativeEngine


def components(request: Request) -> Components:
    found: Components = request.app.state.components
    return found
