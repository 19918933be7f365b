"""Run the query-api in-process (lifespan included) and talk to it over ASGI."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import polars as pl
import pytest
from fastapi import FastAPI

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth, druid_basic
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.druid import parquet_index_spec
from mauzo_common.testing.services import olap_lite_process
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings

Serve = Callable[[QueryApiSettings], AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]]


@asynccontextmanager
async def _serve(settings: QueryApiSettings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # An admin by default; a request's own Authorization header (bearer(...)) wins.
        async with httpx.AsyncClient(
            transport=transport, base_url="http://query-api", auth=auth(Role.ADMIN)
        ) as client:
            yield app, client


@pytest.fixture
def serve() -> Serve:
    return _serve


# --- olap-lite as a real subprocess ------------------------------------------------------------


class OlapLite:
    """A running olap-lite: its URL and Overlord-API ingestion of Parquet files."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url = url
        self.data_dir = data_dir
        self._files = 0

    def load(self, datasource: str, frame: pl.DataFrame, timeout: float = 60) -> str:
        self._files += 1
        path = self.data_dir / f"input-{datasource}-{self._files}.parquet"
        frame.write_parquet(path)
        task_id = f"test_{datasource}_{self._files}_{time.monotonic_ns()}"
        # Every string column is a dimension and every float column a metric, as the
        # spec-builder derives them from the validator's column roles.
        dimensions = [c for c, t in frame.schema.items() if t == pl.String]
        metrics = [c for c, t in frame.schema.items() if t == pl.Float64]
        spec = parquet_index_spec(
            task_id, datasource, [path], dimensions=dimensions, metrics=metrics
        )
        submitted = httpx.post(
            f"{self.url}/druid/indexer/v1/task", json=spec, timeout=30, auth=druid_basic()
        )
        assert submitted.status_code == 200, submitted.text
        task = submitted.json()["task"]
        state: dict[str, str] = {}

        def finished() -> bool:
            status = httpx.get(
                f"{self.url}/druid/indexer/v1/task/{task}/status", timeout=10, auth=druid_basic()
            )
            state["code"] = (
                status.json()["status"]["statusCode"] if status.status_code == 200 else ""
            )
            return state["code"] in ("SUCCESS", "FAILED")

        wait_until(finished, timeout, f"olap-lite task {task}", every=0.1)
        assert state["code"] == "SUCCESS", f"ingestion of {datasource} ended {state['code']}"
        return task


@pytest.fixture(scope="session")
def olap_lite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OlapLite]:
    data_dir = tmp_path_factory.mktemp("olap-lite")
    with olap_lite_process(data_dir) as url:
        yield OlapLite(url, data_dir)
