# mypy: disable-error-code="untyped-decorator"
"""GraphQL fields of ingestion: task status and lists (queries) and the upload (mutation)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from mauzo_common.auth.principal import Role
from mauzo_common.tasks import TaskState
from mauzo_query_api.clients.upload import ReadableFile
from mauzo_query_api.deps import Ask
from mauzo_query_api.graphql.ingestion_types import (
    AuditRecord,
    IngestionTask,
    Stream,
    UploadReceipt,
)
from mauzo_query_api.graphql.resolvers import ingestion

GqlInfo = Info[Ask, None]


@strawberry.type(description="Ingestion tasks, read live from task-tracker (never cached).")
class IngestionQueries:
    @strawberry.field(
        description="One ingestion task with its history; null when unknown. Uploader role."
    )
    async def ingestion_task(
        self,
        info: GqlInfo,
        task_id: Annotated[str, strawberry.argument(description="The task id upload returned.")],
    ) -> IngestionTask | None:
        info.context.require(Role.UPLOADER)
        return await ingestion.task(info.context, task_id)

    @strawberry.field(description="Recent ingestion tasks, newest first. Uploader role.")
    async def ingestion_tasks(
        self,
        info: GqlInfo,
        datasource: Annotated[
            str | None, strawberry.argument(description="Only tasks of this datasource.")
        ] = None,
        state: Annotated[
            TaskState | None, strawberry.argument(description="Only tasks in this state.")
        ] = None,
        limit: Annotated[int, strawberry.argument(description="Maximum tasks (1-500).")] = 50,
    ) -> list[IngestionTask]:
        info.context.require(Role.UPLOADER)
        return await ingestion.tasks(info.context, datasource, state, limit)

    @strawberry.field(
        description="Every streamed datasource: supervisor state, records in / valid / "
        "rejected / duplicate, rows loaded, lag, rate and the last error. Admin only."
    )
    async def streams(
        self,
        info: GqlInfo,
        datasource: Annotated[
            str | None, strawberry.argument(description="Only this datasource's stream.")
        ] = None,
    ) -> list[Stream]:
        info.context.require(Role.ADMIN)
        return await ingestion.streams(info.context, datasource)

    @strawberry.field(
        description="The audit log, newest first: sign-ins, uploads, retractions, user, API-key "
        "and stream changes. Admin only."
    )
    async def audit_log(
        self,
        info: GqlInfo,
        actor: Annotated[str | None, strawberry.argument(description="Only this actor.")] = None,
        action: Annotated[
            str | None,
            strawberry.argument(description="Only this action (e.g. task.upload)."),
        ] = None,
        since: Annotated[
            datetime | None, strawberry.argument(description="From this moment (UTC if no zone).")
        ] = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="Until this moment.")
        ] = None,
        limit: Annotated[int, strawberry.argument(description="Maximum records (1-1000).")] = 100,
    ) -> list[AuditRecord]:
        info.context.require(Role.ADMIN)
        return await ingestion.audit(info.context, actor, action, since, until, limit)


@strawberry.type(description="Changes: uploading sales files.")
class Mutation:
    @strawberry.mutation(
        description="Upload a sales file (CSV, Excel, Parquet) with the GraphQL multipart "
        "request spec; it is streamed on to the upload service and ingested in the background. "
        "Send the header `apollo-require-preflight: true` (CSRF protection). Uploader role."
    )
    async def upload_sales_data(
        self,
        info: GqlInfo,
        file: Annotated[Upload, strawberry.argument(description="The file (multipart part).")],
        datasource: Annotated[
            str | None,
            strawberry.argument(description="Datasource to load into; the default if omitted."),
        ] = None,
    ) -> UploadReceipt:
        info.context.require(Role.UPLOADER)
        # Strawberry's Upload is a NewType of bytes; on FastAPI the value is an UploadFile.
        return await ingestion.upload(info.context, cast(ReadableFile, file), datasource)
