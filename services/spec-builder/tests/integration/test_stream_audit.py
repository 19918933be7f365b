"""Stream changes through spec-builder land in the audit log task-tracker keeps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import bearer
from mauzo_common.testing.components import free_port
from mauzo_common.testing.services import service_process
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.settings import SpecBuilderSettings

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def tracker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("tracker")
    env = {
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_ADMIN_PASSWORD": "tracker-admin-pw",
        "MAUZO_DRUID_OVERLORD_URL": f"http://127.0.0.1:{free_port()}",
    }
    with service_process("task-tracker", env, data_dir / "task-tracker.log") as url:
        yield url


@pytest.fixture
async def api(
    kafka_bootstrap: str, olap_lite: str, tmp_path: Path, tracker: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = SpecBuilderSettings(
        data_dir=tmp_path,
        kafka_bootstrap=kafka_bootstrap,
        druid_overlord_url=olap_lite,
        druid_router_url=olap_lite,
        task_tracker_url=tracker,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://spec-builder", headers=bearer(Role.ADMIN)
        ) as http:
            yield http


async def test_create_suspend_and_resume_are_audited(
    api: httpx.AsyncClient, tracker: str, unique_name: str
) -> None:
    assert (await api.post("/api/streams", json={"datasource": unique_name})).status_code == 201
    assert (await api.post(f"/api/streams/{unique_name}/suspend")).status_code == 200
    assert (await api.post(f"/api/streams/{unique_name}/resume")).status_code == 200
    async with httpx.AsyncClient(base_url=tracker, headers=bearer(Role.ADMIN)) as http:
        answer = await http.get("/api/audit", params={"limit": 50})
    assert answer.status_code == 200, answer.text
    mine = [r for r in answer.json()["records"] if r["target"] == unique_name]
    assert [r["action"] for r in mine] == ["stream.resume", "stream.suspend", "stream.create"]
    assert all(r["outcome"] == "ok" for r in mine)
    assert all(r["detail"]["via"] == "service:spec-builder" for r in mine)
