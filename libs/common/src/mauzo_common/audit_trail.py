"""How a service other than task-tracker writes to the audit log: POST /api/audit on
task-tracker, as itself (a service token), naming the user or key that asked.

Best effort: the action already happened, so a tracker that cannot be reached is logged loudly
rather than turned into a failure of the request.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx
import structlog
from fastapi import Request

from mauzo_common.auth.principal import Principal
from mauzo_common.http_errors import request_id_of

log = structlog.get_logger(__name__)
Outcome = Literal["ok", "refused", "failed"]


class AuditTrail:
    def __init__(self, tracker_url: str, client: httpx.AsyncClient) -> None:
        self.url = f"{tracker_url.rstrip('/')}/api/audit"
        self.client = client

    async def record(
        self,
        request: Request,
        action: str,
        target: str | None = None,
        outcome: Outcome = "ok",
        detail: dict[str, Any] | None = None,
    ) -> bool:
        """Whether task-tracker stored the record."""
        principal = getattr(request.state, "principal", None)
        actor, kind = (
            (principal.subject, principal.kind)
            if isinstance(principal, Principal)
            else ("unknown", "user")
        )
        body = {
            "actor": actor,
            "actor_kind": kind,
            "action": action,
            "target": target,
            "outcome": outcome,
            "source_ip": request.client.host if request.client else None,
            "request_id": request_id_of(request.scope) or None,
            "detail": detail or {},
        }
        try:
            response = await self.client.post(self.url, json=body, timeout=5)
        except httpx.HTTPError as exc:
            log.error("audit_not_recorded", action=action, target=target, error=repr(exc))
            return False
        if response.status_code != httpx.codes.CREATED:
            log.error("audit_not_recorded", action=action, target=target,
                      status=response.status_code, body=response.text[:300])  # fmt: skip
            return False
        return True
