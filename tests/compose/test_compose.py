"""docker-compose.yml, checked statically: there is no Docker engine on the development machines.

What `docker compose up` would trip over is checked here instead: dangling dependencies, missing
healthchecks, clashing host ports, settings no service reads, a Dockerfile without the service.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from mauzo_common.settings import MauzoSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
MAUZO_SERVICES = ("upload", "validator", "spec-builder", "task-tracker", "query-api")
REQUIRED_DRUID_EXTENSIONS = {
    "druid-s3-extensions",
    "druid-parquet-extensions",
    "druid-kafka-indexing-service",
    "postgresql-metadata-storage",
}
DRUID_SERVICES = ("coordinator", "broker", "historical", "middlemanager", "router")
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")
_SECRET_NAME = re.compile(r"password|secret|access_?key|secretkey", re.IGNORECASE)


def interpolate(value: str) -> str:
    """What compose substitutes when the environment sets nothing: `${VAR:-default}` → default."""
    return _VARIABLE.sub(lambda m: m.group("default") or "", value).replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def env_of(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {str(k): str(v) for k, v in environment.items()}


def env_file_values(service: dict[str, Any]) -> dict[str, str]:
    files = service.get("env_file") or []
    values: dict[str, str] = {}
    for name in [files] if isinstance(files, str) else files:
        for line in (ROOT / name).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def one_shots(services: dict[str, dict[str, Any]]) -> set[str]:
    return {name for name, svc in services.items() if str(svc.get("restart", "")) == "no"}


def settings_class(service: str) -> type[MauzoSettings]:
    """The settings the service's process reads: its own subclass, else the common base."""
    module_name = f"mauzo_{service.replace('-', '_')}.settings"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return MauzoSettings
    own = [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, MauzoSettings)
        and cls is not MauzoSettings
        and cls.__module__ == module_name
    ]
    return own[0] if own else MauzoSettings


def test_every_service_has_an_image_or_a_build(services: dict[str, dict[str, Any]]) -> None:
    assert [n for n, s in services.items() if not (s.get("image") or s.get("build"))] == []


def test_every_dependency_exists_with_a_condition_it_can_meet(
    services: dict[str, dict[str, Any]],
) -> None:
    shots = one_shots(services)
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown service {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s health"
            elif condition == "service_completed_successfully":
                assert target in shots, f"{name} waits for {target}, which never exits"
            else:
                assert condition == "service_started", f"{name}: unknown condition {condition}"


def test_dependencies_have_no_cycle(services: dict[str, dict[str, Any]]) -> None:
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        assert state.get(name) != "visiting", f"dependency cycle: {[*path, name]}"
        if state.get(name) == "done":
            return
        state[name] = "visiting"
        for target in services[name].get("depends_on") or {}:
            visit(target, [*path, name])
        state[name] = "done"

    for name in services:
        visit(name, [])


def test_every_long_running_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    shots = one_shots(services)
    missing = [
        n for n, s in services.items() if n not in shots and "test" not in s.get("healthcheck", {})
    ]
    assert missing == []


def test_host_ports_are_unique(services: dict[str, dict[str, Any]]) -> None:
    host_ports: list[str] = []
    for service in services.values():
        for mapping in service.get("ports") or []:
            parts = interpolate(str(mapping)).split(":")
            assert len(parts) >= 2, f"{mapping}: publish host:container explicitly"
            host_ports.append(parts[-2])
    assert len(host_ports) == len(set(host_ports)), sorted(host_ports)


def test_druid_router_listens_on_8888_and_the_services_talk_to_it(
    services: dict[str, dict[str, Any]],
) -> None:
    assert "8888:8888" in [interpolate(str(p)) for p in services["router"]["ports"]]
    for name in MAUZO_SERVICES:
        env = env_of(services[name])
        assert env["MAUZO_DRUID_ROUTER_URL"] == "http://router:8888"
        assert env["MAUZO_DRUID_OVERLORD_URL"] == "http://router:8888"


def test_druid_loads_the_extensions_mauzo_needs_with_deep_storage_on_minio(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in DRUID_SERVICES:
        service = services[name]
        assert service["image"].startswith("${DRUID_IMAGE:-apache/druid:")
        assert interpolate(service["image"]).startswith("apache/druid:")
        config = {**env_file_values(service), **env_of(service)}
        loaded = set(yaml.safe_load(config["druid_extensions_loadList"]))
        assert loaded >= REQUIRED_DRUID_EXTENSIONS, (
            f"{name} misses {REQUIRED_DRUID_EXTENSIONS - loaded}"
        )
        assert config["druid_storage_type"] == "s3"
        assert config["druid_s3_endpoint_url"] == "http://minio:9000"
        assert config["druid_metadata_storage_type"] == "postgresql"
        assert config["druid_zk_service_host"] in services
    assert services["coordinator"]["command"] == ["coordinator"]
    coordinator = env_file_values(services["coordinator"])
    assert coordinator["druid_coordinator_asOverlord_enabled"] == "true"


def test_env_files_and_bind_mounts_exist(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        files = service.get("env_file") or []
        for path in [files] if isinstance(files, str) else files:
            assert (ROOT / path).is_file(), f"{name}: env_file {path} is missing"
        for volume in service.get("volumes") or []:
            source = str(volume).split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: bind mount {source} is missing"


@pytest.mark.parametrize("name", MAUZO_SERVICES)
def test_mauzo_env_names_are_settings_the_service_reads(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    fields = settings_class(name).model_fields
    unknown = [
        var
        for var in env_of(services[name])
        if var.startswith("MAUZO_") and var.removeprefix("MAUZO_").lower() not in fields
    ]
    assert unknown == [], f"{name} would ignore {unknown} ({settings_class(name).__name__})"


@pytest.mark.parametrize("name", MAUZO_SERVICES)
def test_services_run_in_cluster_mode(
    services: dict[str, dict[str, Any]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = env_of(services[name])
    assert all(var.startswith("MAUZO_") for var in env), "configuration is MAUZO_* only"
    for var in [v for v in os.environ if v.startswith("MAUZO_")]:
        monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, interpolate(value))
    settings = settings_class(name)()
    assert settings.host == "0.0.0.0"
    assert settings.bootstrap_servers == "kafka:9092"
    assert settings.kafka_idempotence is True
    assert settings.object_store == "s3"
    assert settings.s3_endpoint_url == "http://minio:9000"
    assert settings.overlord_url == settings.router_url == "http://router:8888"
    assert settings.tracker_url == "http://task-tracker:8002"
    assert settings.uploader_url == "http://upload:8001"


def test_task_tracker_uses_postgresql_and_query_api_uses_redis(
    services: dict[str, dict[str, Any]],
) -> None:
    assert interpolate(env_of(services["task-tracker"])["MAUZO_DATABASE_URL"]).startswith(
        "postgresql://"
    )
    assert services["task-tracker"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert interpolate(env_of(services["query-api"])["MAUZO_REDIS_URL"]).startswith("redis://")
    assert services["query-api"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_olap_lite_is_only_an_optional_profile(services: dict[str, dict[str, Any]]) -> None:
    assert services["olap-lite"]["profiles"] == ["olap-lite"]


def test_secrets_come_from_the_environment_with_dev_defaults(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        for var, value in env_of(service).items():
            if _SECRET_NAME.search(var) or re.search(r"://[^/@]+:[^/@]+@", value):
                assert "${" in value, f"{name}: {var} is a literal secret"
        for var, value in env_file_values(service).items():
            assert not _SECRET_NAME.search(var), f"{name}: {var}={value} belongs in the environment"


def test_the_dockerfile_builds_every_service_with_its_console_script(
    services: dict[str, dict[str, Any]],
) -> None:
    dockerfiles = {s["build"]["dockerfile"] for s in services.values() if "build" in s}
    assert dockerfiles == {"deploy/Dockerfile"}
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert 'uv sync --frozen --package "mauzo-${SERVICE}"' in dockerfile
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", dockerfile, re.MULTILINE))
    for name, service in services.items():
        if "build" not in service:
            continue
        build = service["build"]
        assert build["context"] == "."
        assert build["target"] == name
        assert name in stages
        assert build["args"]["SERVICE"] == name
        assert f'CMD ["mauzo-{name}"]' in dockerfile


def test_the_dockerfile_names_every_services_console_script() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for pyproject in sorted((ROOT / "services").glob("*/pyproject.toml")):
        scripts = tomllib.loads(pyproject.read_text())["project"].get("scripts", {})
        assert scripts, f"{pyproject} declares no console script"
        for script in scripts:
            assert f'CMD ["{script}"]' in dockerfile, f"deploy/Dockerfile never runs {script}"
