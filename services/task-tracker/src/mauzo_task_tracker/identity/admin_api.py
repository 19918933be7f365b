"""Admin routes: users, API keys and the audit log; every change is audited.

`POST /api/audit` is for Mauzo's services only (upload records what it did there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field, field_validator

from mauzo_common.auth.dependencies import principal_of, require, service_only
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.errors import Forbidden
from mauzo_task_tracker.identity.accounts import Accounts, ApiKeyView, NewApiKey, UserView
from mauzo_task_tracker.identity.audit import AuditEntry, AuditLog, AuditPage, Origin

router = APIRouter(prefix="/api")
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"
CLIENT_ID_PATTERN = r"^mk_[0-9a-f]{16}$"
BRANCH_PATTERN = r"^[^\x00-\x1f]{1,128}$"
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Username = Annotated[str, Path(pattern=USERNAME_PATTERN)]


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _audit(request: Request) -> AuditLog:
    audit: AuditLog = request.app.state.audit
    return audit


AccountsDep = Annotated[Accounts, Depends(_accounts)]
AuditDep = Annotated[AuditLog, Depends(_audit)]


def _role(text: str) -> Role:
    return Role.parse(text)


class Branches(BaseModel):
    branches: list[Annotated[str, Field(pattern=BRANCH_PATTERN)]] | None = Field(
        None, max_length=500, description="null: every branch"
    )


class NewUser(Branches):
    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=8, max_length=1024)
    role: str

    @field_validator("role")
    @classmethod
    def known_role(cls, value: str) -> str:
        return _role(value).label


class UserChange(Branches):
    role: str | None = None
    password: str | None = Field(None, min_length=8, max_length=1024)
    disabled: bool | None = None

    @field_validator("role")
    @classmethod
    def known_role(cls, value: str | None) -> str | None:
        return None if value is None else _role(value).label


class NewKey(Branches):
    name: str = Field(min_length=1, max_length=128)
    role: str

    @field_validator("role")
    @classmethod
    def known_role(cls, value: str) -> str:
        return _role(value).label


# -- users ------------------------------------------------------------------------------------


@router.get("/users", response_model=list[UserView])
def list_users(_: Admin, accounts: AccountsDep) -> list[UserView]:
    return accounts.users()


@router.post("/users", response_model=UserView, status_code=status.HTTP_201_CREATED)
def add_user(
    body: NewUser, admin: Admin, accounts: AccountsDep, audit: AuditDep, request: Request
) -> UserView:
    user = accounts.add_user(body.username, body.password, Role.parse(body.role), body.branches)
    audit.record_by(Origin.of(request), admin, "user.create", body.username,
                    detail={"role": user.role, "branches": user.branches})  # fmt: skip
    return user


@router.patch("/users/{username}", response_model=UserView)
def change_user(
    username: Username,
    body: UserChange,
    admin: Admin,
    accounts: AccountsDep,
    audit: AuditDep,
    request: Request,
) -> UserView:
    user = accounts.change_user(
        username,
        role=None if body.role is None else Role.parse(body.role),
        branches=body.branches,
        set_branches="branches" in body.model_fields_set,
        password=body.password,
        disabled=body.disabled,
    )
    changed = sorted(body.model_fields_set)
    audit.record_by(Origin.of(request), admin, "user.update", username,
                    detail={"changed": changed, "role": user.role, "branches": user.branches,
                            "disabled": user.disabled})  # fmt: skip
    return user


@router.delete("/users/{username}", status_code=status.HTTP_204_NO_CONTENT)
def remove_user(
    username: Username, admin: Admin, accounts: AccountsDep, audit: AuditDep, request: Request
) -> Response:
    accounts.remove_user(username)
    audit.record_by(Origin.of(request), admin, "user.delete", username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- API keys ---------------------------------------------------------------------------------


@router.get("/api-keys", response_model=list[ApiKeyView])
def list_keys(_: Admin, accounts: AccountsDep) -> list[ApiKeyView]:
    return accounts.keys()


@router.post("/api-keys", response_model=NewApiKey, status_code=status.HTTP_201_CREATED)
def add_key(
    body: NewKey, admin: Admin, accounts: AccountsDep, audit: AuditDep, request: Request
) -> NewApiKey:
    """Creates a key; its `key` (client_id.secret) is in this answer only, never again."""
    key = accounts.add_key(body.name, Role.parse(body.role), body.branches, admin.subject)
    audit.record_by(Origin.of(request), admin, "apikey.create", key.client_id,
                    detail={"name": key.name, "role": key.role,
                            "branches": key.branches})  # fmt: skip
    return key


@router.delete("/api-keys/{client_id}", response_model=ApiKeyView)
def revoke_key(
    client_id: Annotated[str, Path(pattern=CLIENT_ID_PATTERN)],
    admin: Admin,
    accounts: AccountsDep,
    audit: AuditDep,
    request: Request,
) -> ApiKeyView:
    key = accounts.revoke_key(client_id)
    audit.record_by(Origin.of(request), admin, "apikey.revoke", client_id,
                    detail={"name": key.name})  # fmt: skip
    return key


# -- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_model=AuditPage)
def read_audit(
    _: Admin,
    audit: AuditDep,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """Newest first. Times without a zone are read as UTC."""
    return AuditPage(
        records=audit.search(
            actor=actor, action=action, since=_utc(since), until=_utc(until), limit=limit
        )
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.post(
    "/audit",
    response_model=AuditEntry,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(service_only)],  # 403 before the body is read, not 422
)
def write_audit(entry: AuditEntry, audit: AuditDep, request: Request) -> AuditEntry:
    """A record from another Mauzo service (e.g. upload); users cannot write the log."""
    caller = principal_of(request)
    if not caller.is_service:
        raise Forbidden(
            "Only Mauzo's services write audit records.", hint="Read them at GET /api/audit."
        )
    return audit.accept(entry.model_copy(update={"detail": {**entry.detail,
                                                            "via": caller.subject}}))  # fmt: skip
