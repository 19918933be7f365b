"""Users and API keys in the task database: create, read, change, remove, check credentials.

Synchronous (call through a thread from async code). Hashing happens outside any transaction:
it takes tens of milliseconds and 64 MiB on purpose, and must not hold a database lock.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.db import make_session_factory
from mauzo_common.errors import Conflict, NotFound
from mauzo_task_tracker.identity.passwords import hash_secret, needs_rehash, verify_secret
from mauzo_task_tracker.models import ApiKey, User, utcnow

CLIENT_ID_PREFIX = "mk_"


class UserView(BaseModel):
    username: str
    role: str
    branches: list[str] | None
    created_at: datetime
    disabled: bool


class ApiKeyView(BaseModel):
    client_id: str
    name: str
    role: str
    branches: list[str] | None
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


class NewApiKey(ApiKeyView):
    key: str
    """`<client_id>.<secret>`: shown once, never stored (only the secret's Argon2 hash is)."""


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, username: str) -> None:
        super().__init__(f"There is no user {username!r}.", hint="See GET /api/users.")


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"

    def __init__(self, client_id: str) -> None:
        super().__init__(f"There is no API key {client_id!r}.", hint="See GET /api/api-keys.")


class LastAdmin(Conflict):
    code = "last_admin"

    def __init__(self) -> None:
        super().__init__(
            "This is the last enabled admin: nobody could manage users after this change.",
            hint="Make another user an admin first.",
        )


def branch_list(branches: Iterable[str] | None) -> list[str] | None:
    return None if branches is None else sorted({b.strip() for b in branches if b.strip()})


def principal_of_user(user: User) -> Principal:
    branches = None if user.branches is None else frozenset(user.branches)
    return Principal(user.username, Role.parse(user.role), "user", branches)


def principal_of_key(key: ApiKey) -> Principal:
    branches = None if key.branches is None else frozenset(key.branches)
    return Principal(f"key:{key.client_id}", Role.parse(key.role), "machine", branches)


def _user_view(user: User) -> UserView:
    return UserView(
        username=user.username,
        role=user.role,
        branches=user.branches,
        created_at=user.created_at,
        disabled=user.disabled,
    )


def _key_view(key: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        client_id=key.client_id,
        name=key.name,
        role=key.role,
        branches=key.branches,
        created_by=key.created_by,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self._sessions = make_session_factory(engine)

    # -- users ----------------------------------------------------------------------------

    def any_user(self) -> bool:
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(User)) != 0

    def users(self) -> list[UserView]:
        with self._sessions() as session:
            return [_user_view(u) for u in session.scalars(select(User).order_by(User.username))]

    def add_user(
        self, username: str, password: str, role: Role, branches: Iterable[str] | None
    ) -> UserView:
        digest = hash_secret(password)
        try:
            with self._sessions.begin() as session:
                user = User(
                    username=username,
                    password_hash=digest,
                    role=role.label,
                    branches=branch_list(branches),
                    created_at=utcnow(),
                    disabled=False,
                )
                session.add(user)
                session.flush()
                return _user_view(user)
        except IntegrityError as exc:
            raise Conflict(
                f"There is already a user {username!r}.",
                code="user_exists",
                hint="Choose another name, or change that user with PATCH /api/users/{name}.",
            ) from exc

    def change_user(
        self,
        username: str,
        *,
        role: Role | None = None,
        branches: Iterable[str] | None = None,
        set_branches: bool = False,
        password: str | None = None,
        disabled: bool | None = None,
    ) -> UserView:
        digest = None if password is None else hash_secret(password)
        with self._sessions.begin() as session:
            user = session.get(User, username, with_for_update=True)
            if user is None:
                raise UserNotFound(username)
            loses_admin = (role is not None and role != Role.ADMIN) or disabled is True
            if loses_admin and user.role == Role.ADMIN.label and not user.disabled:
                _keep_an_admin(session, username)
            if role is not None:
                user.role = role.label
            if set_branches:
                user.branches = branch_list(branches)
            if digest is not None:
                user.password_hash = digest
            if disabled is not None:
                user.disabled = disabled
            session.flush()
            return _user_view(user)

    def remove_user(self, username: str) -> None:
        with self._sessions.begin() as session:
            user = session.get(User, username, with_for_update=True)
            if user is None:
                raise UserNotFound(username)
            if user.role == Role.ADMIN.label and not user.disabled:
                _keep_an_admin(session, username)
            session.delete(user)

    def check_password(self, username: str, password: str) -> Principal | None:
        """The user's principal when the password matches an enabled user, else None; the same
        Argon2 work is done whether or not the user exists."""
        with self._sessions() as session:
            user = session.get(User, username)
            stored = None if user is None else user.password_hash
            principal = None if user is None or user.disabled else principal_of_user(user)
        if not verify_secret(stored, password):
            return None
        if stored is not None and needs_rehash(stored):
            # argon2-cffi raised its defaults since this hash was made: store a stronger one now
            # that the password is at hand.
            self._rehash(username, stored, hash_secret(password))
        return principal

    def _rehash(self, username: str, old: str, new: str) -> None:
        with self._sessions.begin() as session:
            user = session.get(User, username, with_for_update=True)
            if user is not None and user.password_hash == old:
                user.password_hash = new

    def current_user(self, username: str) -> Principal | None:
        """The user as the database says now (refresh re-reads it): None if removed/disabled."""
        with self._sessions() as session:
            user = session.get(User, username)
            return None if user is None or user.disabled else principal_of_user(user)

    # -- API keys -------------------------------------------------------------------------

    def keys(self) -> list[ApiKeyView]:
        with self._sessions() as session:
            query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.client_id)
            return [_key_view(k) for k in session.scalars(query)]

    def add_key(
        self, name: str, role: Role, branches: Iterable[str] | None, created_by: str
    ) -> NewApiKey:
        client_id = CLIENT_ID_PREFIX + secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)  # no "." in the alphabet: the key splits at the first
        digest = hash_secret(secret)
        with self._sessions.begin() as session:
            key = ApiKey(
                client_id=client_id,
                secret_hash=digest,
                name=name,
                role=role.label,
                branches=branch_list(branches),
                created_by=created_by,
                created_at=utcnow(),
            )
            session.add(key)
            session.flush()
            view = _key_view(key)
        return NewApiKey(**view.model_dump(), key=f"{client_id}.{secret}")

    def revoke_key(self, client_id: str) -> ApiKeyView:
        with self._sessions.begin() as session:
            key = session.get(ApiKey, client_id, with_for_update=True)
            if key is None:
                raise ApiKeyNotFound(client_id)
            if key.revoked_at is None:
                key.revoked_at = utcnow()
            session.flush()
            return _key_view(key)

    def check_key(self, client_id: str, secret: str) -> Principal | None:
        with self._sessions() as session:
            key = session.get(ApiKey, client_id)
            stored = None if key is None else key.secret_hash
            principal = None if key is None or key.revoked_at else principal_of_key(key)
        return principal if verify_secret(stored, secret) else None

    def current_key(self, subject: str) -> Principal | None:
        client_id = subject.removeprefix("key:")
        with self._sessions() as session:
            key = session.get(ApiKey, client_id)
            return None if key is None or key.revoked_at else principal_of_key(key)


def _keep_an_admin(session: Session, leaving: str) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.label, User.username != leaving, User.disabled.is_(False))
    )
    if not others:
        raise LastAdmin()
