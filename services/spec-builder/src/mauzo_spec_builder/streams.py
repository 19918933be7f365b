"""spec-builder owns the Kafka supervisors of streamed datasources (docs/architecture.md#streams).

One supervisor per datasource, reading its clean topic with the spec in
mauzo_common.druid.supervisors. Creating is idempotent: a supervisor that exists is left as it is
(posting its spec again would restart its task), so `StreamOpened` delivered twice, or an explicit
`POST /api/streams` after the first record, changes nothing. Suspend, resume and reset are the
Overlord's; asking for the state a supervisor is already in is not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import structlog

from mauzo_common.datasources import RULE, is_datasource_name
from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidRefused
from mauzo_common.druid.supervisors import kafka_supervisor_spec, supervisor_id
from mauzo_common.errors import InputRejected, NotFound
from mauzo_common.events import clean_topic

log = structlog.get_logger(__name__)

Action = Literal["suspend", "resume", "reset"]


class StreamNotFound(NotFound):
    code = "stream_not_found"


class InvalidDatasource(InputRejected):
    def __init__(self, name: str) -> None:
        super().__init__("invalid_datasource", f"{name!r} is not a datasource name: {RULE}.")


@dataclass(frozen=True)
class Stream:
    datasource: str
    supervisor_id: str
    topic: str
    created: bool
    state: str

    def as_json(self) -> dict[str, Any]:
        return {
            "datasource": self.datasource,
            "supervisor_id": self.supervisor_id,
            "topic": self.topic,
            "created": self.created,
            "state": self.state,
        }


class Streams:
    def __init__(
        self, overlord: DruidClient, *, bootstrap_servers: str, fetch_max_wait_ms: int = 500
    ) -> None:
        self._overlord = overlord
        self._bootstrap = bootstrap_servers
        self._fetch_max_wait_ms = fetch_max_wait_ms

    async def ensure(self, datasource: str) -> Stream:
        """The datasource's supervisor, created unless it exists."""
        if not is_datasource_name(datasource):
            raise InvalidDatasource(datasource)
        sup_id = supervisor_id(datasource)
        created = sup_id not in await self._overlord.supervisors()
        if created:
            spec = kafka_supervisor_spec(
                datasource,
                bootstrap_servers=self._bootstrap,
                fetch_max_wait_ms=self._fetch_max_wait_ms,
            )
            await self._overlord.submit_supervisor(spec)
            log.info("supervisor_created", datasource=datasource, supervisor_id=sup_id)
        return Stream(
            datasource, sup_id, clean_topic(datasource), created, await self._state(sup_id)
        )

    async def act(self, datasource: str, action: Action) -> Stream:
        sup_id = supervisor_id(datasource)
        calls = {
            "suspend": self._overlord.suspend_supervisor,
            "resume": self._overlord.resume_supervisor,
            "reset": self._overlord.reset_supervisor,
        }
        try:
            await calls[action](sup_id)
        except DruidRefused as exc:
            if exc.answer.status == 404:
                raise self._unknown(datasource) from exc
            if exc.answer.status != 400 or action == "reset":  # 400: already in that state
                raise
        log.info("supervisor_" + action, datasource=datasource, supervisor_id=sup_id)
        return Stream(datasource, sup_id, clean_topic(datasource), False, await self._state(sup_id))

    async def _state(self, sup_id: str) -> str:
        try:
            status = await self._overlord.supervisor_status(sup_id)
        except DruidRefused as exc:
            if exc.answer.status == 404:
                raise self._unknown(sup_id) from exc
            raise
        payload = status.get("payload", status)
        return str(payload.get("state") or payload.get("detailedState") or "UNKNOWN")

    @staticmethod
    def _unknown(datasource: str) -> StreamNotFound:
        return StreamNotFound(
            f"No stream supervisor for datasource {datasource!r}.",
            hint="Create it with POST /api/streams, or send its first record.",
        )
