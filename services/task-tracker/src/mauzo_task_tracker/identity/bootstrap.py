"""The first admin: created when task-tracker starts on a database without any user.

Its password is MAUZO_ADMIN_PASSWORD when set; otherwise one is generated and written to
<data_dir>/secrets/admin-password (0600), which `mauzo up` prints once and deletes. The
password is never logged.
"""

from __future__ import annotations

import secrets

import structlog

from mauzo_common.auth.local_secrets import admin_password_path, write_secret
from mauzo_common.auth.principal import Role
from mauzo_common.errors import Conflict
from mauzo_task_tracker.identity.accounts import Accounts
from mauzo_task_tracker.identity.audit import AuditLog, Origin
from mauzo_task_tracker.settings import TrackerSettings

log = structlog.get_logger(__name__)
ADMIN = "admin"


def bootstrap_admin(accounts: Accounts, audit: AuditLog, settings: TrackerSettings) -> bool:
    """True when it created the admin (there was no user yet)."""
    if accounts.any_user():
        return False
    given = settings.admin_password
    password = given.get_secret_value() if given is not None else secrets.token_urlsafe(18)
    try:
        accounts.add_user(ADMIN, password, Role.ADMIN, None)
    except Conflict:
        return False  # another replica sharing the database made it first
    where = "MAUZO_ADMIN_PASSWORD"
    if given is None:
        path = admin_password_path(settings.data_dir)
        write_secret(path, password + "\n")
        where = str(path)
    audit.record(Origin(), actor="task-tracker", actor_kind="service", action="user.create",
                 target=ADMIN, detail={"role": "admin", "bootstrap": True,
                                       "source": where})  # fmt: skip
    log.info("admin_created", username=ADMIN, source=where)
    return True
