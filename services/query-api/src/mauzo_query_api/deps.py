"""What a resolver needs for one request: checked schemas, cached SQL, limits, the time zone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from strawberry.fastapi import BaseContext

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.tracker_client import TaskTrackerClient
from mauzo_query_api.clients.upload import UploadForwarder
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.olap.catalog import Catalog, DatasourceSchema
from mauzo_query_api.olap.client import DruidSqlClient, Row, SqlQuery
from mauzo_query_api.olap.freshness import Freshness
from mauzo_query_api.olap.response_cache import ANY_DATASOURCE, ResponseCache, ResponseTags
from mauzo_query_api.olap.runner import QueryRunner
from mauzo_query_api.scope import BranchScope, OutOfScope
from mauzo_query_api.settings import QueryApiSettings


@dataclass
class Services:
    """Process-wide parts, built once by the composition root."""

    settings: QueryApiSettings
    olap: DruidSqlClient
    catalog: Catalog
    runner: QueryRunner
    zone: ZoneInfo
    tracker: TaskTrackerClient
    uploader: UploadForwarder
    responses: ResponseCache | None = None
    freshness: Freshness | None = None
    broker_ready: bool = False

    async def invalidate(self, datasource: str) -> int:
        """Drop every cached answer that read `datasource` (results, responses, columns)."""
        self.catalog.invalidate(datasource)
        if self.responses is not None:
            self.responses.invalidate(datasource)
        return await self.runner.invalidate(datasource)


class ScopeMismatch(RuntimeError):
    """A statement built without the caller's branch scope reached `Ask.rows`: a bug in
    query-api, refused rather than answered with rows the caller may not see."""


class Ask(BaseContext):
    """Per-request handle: every resolver talks to the OLAP through this. It carries the
    caller (from the verified token) and their branch scope, which every statement must be
    built under (docs/branch-scope.md)."""

    def __init__(
        self,
        services: Services,
        request_id: str,
        principal: Principal,
        tags: ResponseTags | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.request_id = request_id
        self.principal = principal
        self.scope = BranchScope.of(principal)
        self.tags = tags or ResponseTags()

    def require(self, role: Role) -> None:
        """A field-level role check: 403 (GraphQL code FORBIDDEN) below `role`."""
        if not self.principal.may(role):
            raise OutOfScope(
                f"This needs the {role.label} role; {self.principal.subject} is a "
                f"{self.principal.role.label}."
            )

    def uncacheable(self) -> None:
        """This answer changes without an ingestion (task status, uploads): never keep it."""
        self.tags.cacheable = False

    def reads_datasource_list(self) -> None:
        self.tags.datasources.add(ANY_DATASOURCE)

    @property
    def settings(self) -> QueryApiSettings:
        return self.services.settings

    @property
    def zone(self) -> ZoneInfo:
        return self.services.zone

    def datasource_name(self, datasource: str | None) -> str:
        return datasource or self.settings.default_datasource

    def currency(self, datasource: str | None) -> str:
        """The datasource's currency (docs/sales-model.md#money-and-currency)."""
        return self.settings.currency_of(self.datasource_name(datasource))

    async def schema(self, datasource: str | None) -> DatasourceSchema:
        self.tags.datasources.add(self.datasource_name(datasource))
        return await self.services.catalog.schema(self.datasource_name(datasource), self.request_id)

    async def rows(self, query: SqlQuery) -> list[Row]:
        if query.scope != self.scope:
            raise ScopeMismatch(f"a statement over {query.datasource!r} lacks the caller's scope")
        self.tags.datasources.add(query.datasource or ANY_DATASOURCE)
        return await self.services.runner.rows(query, self.request_id)

    async def all_rows(self, queries: Sequence[SqlQuery]) -> list[list[Row]]:
        return list(await asyncio.gather(*(self.rows(q) for q in queries)))

    def limit(self, requested: int | None) -> int:
        if requested is None:
            return self.settings.default_row_limit
        if requested < 1 or requested > self.settings.max_row_limit:
            raise InvalidArgument(f"limit must be between 1 and {self.settings.max_row_limit}")
        return requested

    def extensions(self) -> dict[str, Any]:
        return {"requestId": self.request_id}
