"""Roles and the principal a verified token stands for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

PrincipalKind = Literal["user", "machine", "service"]


class Role(IntEnum):
    """Ordered: each role may do everything the ones below it may."""

    VIEWER = 1  # read answers
    UPLOADER = 2  # + upload files, see and follow its own tasks
    ADMIN = 3  # + retraction, users, streams, explore, every task

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(r.label for r in cls)
            raise ValueError(f"unknown role {text!r}: one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request comes from. `branches` is None for "every branch"; a set limits every
    answer this principal gets to those branches' rows."""

    subject: str
    role: Role
    kind: PrincipalKind = "user"
    branches: frozenset[str] | None = None

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    def may(self, role: Role) -> bool:
        # A service acts on behalf of the stack (the task-tracker's Druid calls, upload's task
        # registration), so the role ladder does not apply to it.
        return self.is_service or self.role >= role

    @property
    def scoped(self) -> bool:
        return self.branches is not None
