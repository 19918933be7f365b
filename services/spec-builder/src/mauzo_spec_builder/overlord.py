"""Submitting a task to the Overlord, and what its answer means for us.

See docs/druid.md#overlord-task-api.

`POST /druid/indexer/v1/task` answers 200 `{"task": id}`. Submitting an id that already exists is
refused: older Druid says 400 `{"error": "Task[<id>] already exists!"}`, newer Druid a
DruidException body (`errorCode` "entryAlreadyExists", category INVALID_INPUT; a CONFLICT/409
variant is accepted too). For us that refusal means "already submitted": the re-delivered event
is done. Any other 4xx is a spec we got wrong; 5xx, 429 and connection errors are transient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from mauzo_spec_builder.errors import OverlordRefused, OverlordUnavailable

TASK_PATH = "/druid/indexer/v1/task"
_DUPLICATE_CODES = {"entryalreadyexists", "alreadyexists", "conflict"}


@dataclass(frozen=True)
class Submission:
    druid_task_id: str
    already_submitted: bool


class OverlordClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + TASK_PATH

    async def submit(self, spec: dict[str, Any]) -> Submission:
        try:
            response = await self._http.post(self._url, json=spec)
        except httpx.TransportError as exc:
            raise OverlordUnavailable(f"POST {self._url} failed: {exc!r}") from exc
        return read_submission(str(spec["id"]), response.status_code, _body(response))


def read_submission(task_id: str, status_code: int, body: Any) -> Submission:
    """Turn the Overlord's answer into an outcome, or raise the matching error."""
    if 200 <= status_code < 300:
        answered = body.get("task") if isinstance(body, dict) else None
        return Submission(answered if isinstance(answered, str) and answered else task_id, False)
    if status_code in (400, 409) and is_duplicate_task(body):
        return Submission(task_id, True)
    message = error_message(body)
    if status_code == 429 or status_code >= 500:
        raise OverlordUnavailable(f"Overlord answered {status_code}: {message}")
    raise OverlordRefused(status_code, message)


def is_duplicate_task(body: Any) -> bool:
    if isinstance(body, dict):
        codes = {str(body.get(k, "")).lower() for k in ("errorCode", "category")}
        if codes & _DUPLICATE_CODES:
            return True
    return "already exists" in error_message(body).lower()


def error_message(body: Any) -> str:
    """`errorMessage` when present (DruidException), else the legacy `error`, else the raw text."""
    if isinstance(body, dict):
        for key in ("errorMessage", "error", "message"):
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])
    return str(body)[:2000]


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
