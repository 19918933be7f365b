"""One Druid HTTP call: bounded retries with exponential backoff, error bodies read once.

Retried: no connection (refused, reset, connect timeout, dropped keep-alive) and 5xx answers,
because Druid's processes restart and hand over leadership. Not retried: 4xx (the request is
wrong), a read timeout or a TIMEOUT answer (the request already had its whole time; asking
again doubles the wait). Every write we retry is idempotent: task ids are deterministic, so a
second submission is answered "already exists".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from mauzo_common.druid.errors import DruidAnswer, DruidError, druid_error
from mauzo_common.settings import MauzoSettings

log = structlog.get_logger(__name__)

Timeout = httpx.Timeout | float
_RECONNECTABLE = (httpx.NetworkError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class Retry:
    """`retries` attempts after the first, pausing `backoff`, 2×`backoff`, 4×`backoff`, …"""

    retries: int = 2
    backoff: float = 0.2

    @classmethod
    def from_settings(cls, settings: MauzoSettings) -> Retry:
        return cls(settings.druid_max_retries, settings.druid_retry_backoff_seconds)

    def pause(self, attempt: int) -> float:
        return self.backoff * float(2**attempt)


NO_RETRY = Retry(retries=0)


class Transport:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        retry: Retry,
        timeout: Timeout,
        auth: httpx.Auth | None = None,
    ) -> None:
        self._http = http
        self._retry = retry
        self._timeout = timeout
        # Per request, not on the shared client, whose pool also serves calls to other services:
        # Druid gets its own credentials or none, never a token meant for a Mauzo service.
        self._auth = auth or httpx.Auth()

    async def call(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        http_timeout: Timeout | None = None,
        retry: Retry | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """The answer's JSON body; None for a 404 when `missing_ok`; DruidError otherwise."""
        policy = retry or self._retry
        attempt = 0
        while True:
            outcome = await self._attempt(method, url, json, params, http_timeout, missing_ok)
            if outcome.failure is None:
                return outcome.body
            if attempt >= policy.retries or not outcome.retryable:
                raise outcome.failure
            log.info("druid_retry", url=url, attempt=attempt + 1, error=str(outcome.failure))
            await asyncio.sleep(policy.pause(attempt))
            attempt += 1

    async def _attempt(
        self,
        method: str,
        url: str,
        body: Any,
        params: dict[str, str] | None,
        http_timeout: Timeout | None,
        missing_ok: bool,
    ) -> _Outcome:
        try:
            response = await self._http.request(
                method,
                url,
                json=body,
                params=params,
                timeout=http_timeout or self._timeout,
                auth=self._auth,
            )
        except httpx.TransportError as exc:
            # A client-side timeout is Druid's TIMEOUT category without the answer.
            category = "TIMEOUT" if isinstance(exc, httpx.TimeoutException) else ""
            answer = DruidAnswer(0, error=type(exc).__name__, category=category, message=repr(exc))
            failure = druid_error(method, url, answer, f"failed: {exc!r}")
            return _Outcome(failure=failure, retryable=isinstance(exc, _RECONNECTABLE))
        if response.status_code == httpx.codes.NOT_FOUND and missing_ok:
            return _Outcome()
        if response.status_code >= httpx.codes.BAD_REQUEST:
            answer = DruidAnswer.read(response.status_code, _body(response))
            retryable = answer.status >= 500 and not answer.timed_out
            return _Outcome(failure=druid_error(method, url, answer), retryable=retryable)
        try:
            return _Outcome(body=response.json())
        except ValueError:
            answer = DruidAnswer(response.status_code, message=response.text[:500])
            return _Outcome(failure=druid_error(method, url, answer, "answered with no JSON"))


@dataclass(frozen=True)
class _Outcome:
    body: Any = None
    failure: DruidError | None = None
    retryable: bool = False


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
