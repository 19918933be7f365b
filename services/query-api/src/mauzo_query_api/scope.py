"""Branch scope: the rows a caller may see, from the verified token, never from the request.

Cube's "security context" is the model: the server adds the scope's condition to every
statement it builds, beside (never instead of) the caller's own filters, so no argument can
widen it. A branch the caller names outside the scope simply matches nothing: the caller's
filter and the scope are both applied (AND), so the answer is empty, and it does not tell
whether that branch exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mauzo_common.auth.principal import Principal
from mauzo_query_api.errors import QueryError


class OutOfScope(QueryError):
    """A valid caller whose role or branch scope does not cover the question."""

    code = "FORBIDDEN"
    status = 403
    hint = "Ask an admin for the role or the branches this needs."


@dataclass(frozen=True)
class BranchScope:
    """`branches` None: every branch; a set (possibly empty): only those branches' rows."""

    branches: frozenset[str] | None = None

    @classmethod
    def of(cls, principal: Principal) -> BranchScope:
        return cls(principal.branches)

    @property
    def limited(self) -> bool:
        return self.branches is not None

    @property
    def key(self) -> str:
        """Stable text for cache keys: "*" for every branch, else the sorted list as JSON."""
        return "*" if self.branches is None else json.dumps(sorted(self.branches))


EVERY_BRANCH = BranchScope()
