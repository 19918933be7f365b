"""Every route of every service against every kind of caller: the route x role matrix.

The apps are built in process and their routes enumerated from `app.routes`, so a route added
without an entry in ROUTES fails here until someone decides who may call it. For each route:
no token, an expired, a tampered and a wrong-audience token are 401; each role below the
route's minimum is 403; the minimum role gets past the gate and the role check (whatever the
route then answers without its components running: that is the services' own tests' business).
olap-lite, the internal Druid API, takes the services' HTTP Basic credentials instead.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import AsyncIterator, Callable, MutableMapping
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.auth import druid_basic, install_test_keys, principal
from mauzo_common.testing.auth import test_tokens as signing_tokens

PUBLIC: Literal["public"] = "public"
SERVICE: Literal["service"] = "service"  # Mauzo's services only: every user role is 403
CLOSED: Literal["closed"] = "closed"  # refused to everyone
Minimum = Role | Literal["public", "service", "closed"]
V, U, A = Role.VIEWER, Role.UPLOADER, Role.ADMIN

# The FastAPI documentation pages and schema ask for a token (any role): the API's shape is no
# secret worth a role, but nothing is served to callers who did not sign in.
DOCS: dict[tuple[str, str], Minimum] = {
    ("GET", "/openapi.json"): V,
    ("GET", "/docs"): V,
    ("GET", "/docs/oauth2-redirect"): V,
    ("GET", "/redoc"): V,
}

# (method, route template) -> the least role that may call it. One table, one decision each.
ROUTES: dict[str, dict[tuple[str, str], Minimum]] = {
    "upload": {
        ("GET", "/api/health"): PUBLIC,
        ("GET", "/metrics"): A,
        ("POST", "/api/ingest/upload"): U,
        **DOCS,
    },
    "task-tracker": {
        ("GET", "/api/health"): PUBLIC,
        ("GET", "/metrics"): A,
        ("POST", "/api/ingest/tasks"): A,  # upload's step (a service passes)
        ("POST", "/api/ingest/tasks/{task_id}/abort"): A,  # upload's step
        ("POST", "/api/ingest/tasks/{task_id}/restart"): A,
        ("GET", "/api/ingest/status/{task_id}"): V,
        ("DELETE", "/api/ingest/tasks/{task_id}/data"): A,  # retraction
        ("GET", "/api/ingest/tasks/{task_id}/report"): V,
        ("GET", "/api/ingest/tasks/{task_id}/rejected-rows"): V,
        ("GET", "/api/ingest/tasks"): V,
        ("GET", "/api/streams"): A,
        ("POST", "/api/auth/token"): PUBLIC,  # sign-in
        ("GET", "/api/users"): A,
        ("POST", "/api/users"): A,
        ("PATCH", "/api/users/{username}"): A,
        ("DELETE", "/api/users/{username}"): A,
        ("GET", "/api/api-keys"): A,
        ("POST", "/api/api-keys"): A,
        ("DELETE", "/api/api-keys/{client_id}"): A,
        ("GET", "/api/audit"): A,
        ("POST", "/api/audit"): SERVICE,  # other services' records; users cannot write the log
        **DOCS,
    },
    "validator": {
        ("GET", "/api/health"): PUBLIC,
        ("GET", "/metrics"): A,
        ("POST", "/api/ingest/analyze-schema"): U,
        ("POST", "/api/ingest/sale-events"): U,
        **DOCS,
    },
    "spec-builder": {
        ("GET", "/api/health"): PUBLIC,
        ("GET", "/metrics"): A,
        ("POST", "/api/streams"): A,
        ("POST", "/api/streams/{datasource}/suspend"): A,
        ("POST", "/api/streams/{datasource}/resume"): A,
        ("POST", "/api/streams/{datasource}/reset"): A,
        **DOCS,
    },
    "query-api": {
        ("GET", "/api/health"): PUBLIC,
        ("GET", "/{path:path}"): PUBLIC,  # the dashboard's pages and built files
        ("GET", "/metrics"): A,
        ("GET", "/api/health/druid"): V,
        ("GET", "/graphql"): V,
        ("POST", "/graphql"): V,
        ("WEBSOCKET", "/graphql"): CLOSED,  # no subscriptions: no socket runs queries
        ("GET", "/api/kpis/overview"): V,
        ("GET", "/api/kpis/trend"): V,
        ("GET", "/api/kpis/salespeople"): V,
        ("GET", "/api/kpis/products"): V,
        ("GET", "/api/kpis/branches"): V,
        ("GET", "/api/kpis/customers"): V,
        ("GET", "/api/kpis/profitability"): V,
        ("GET", "/api/kpis/returns"): V,
        ("POST", "/api/ingest/upload"): U,  # gateway to upload
        ("POST", "/api/ingest/analyze-schema"): U,  # gateway to validator
        ("GET", "/api/ingest/{rest:path}"): V,  # gateway to task-tracker's reads
        ("DELETE", "/api/ingest/{rest:path}"): A,  # gateway to retraction
        ("GET", "/api/stack/health"): A,  # every internal address: the operator's page
        ("POST", "/api/auth/token"): PUBLIC,  # gateway to task-tracker's sign-in
        ("GET", "/api/audit"): A,  # gateway to task-tracker's audit log
        **DOCS,
    },
}

# Values for the path parameters, each valid for its pattern.
PATH_VALUES = {
    "{task_id}": "t-0123456789",
    "{datasource}": "sales",
    "{rest:path}": "tasks",
    "{path:path}": "overview",
    "{username}": "nobody-here",
    "{client_id}": "key-nobody",
}


def build_app(service: str, data_dir: Path, **components: str) -> FastAPI:
    """The service's real composition root, on the given broker and Druid API if any."""
    install_test_keys()
    common: dict[str, Any] = {"data_dir": data_dir}
    if "kafka" in components:
        common["kafka_bootstrap"] = components["kafka"]
    if "druid" in components:
        common["druid_overlord_url"] = common["druid_router_url"] = components["druid"]
    if service == "upload":
        from mauzo_upload.app import create_app as upload
        from mauzo_upload.settings import UploadSettings

        return upload(UploadSettings(**common))
    if service == "task-tracker":
        from mauzo_task_tracker.app import create_app as tracker
        from mauzo_task_tracker.settings import TrackerSettings

        return tracker(TrackerSettings(**common))
    if service == "validator":
        from mauzo_validator.app import create_app as validator
        from mauzo_validator.settings import ValidatorSettings

        return validator(ValidatorSettings(**common))
    if service == "spec-builder":
        from mauzo_spec_builder.app import create_app as spec_builder
        from mauzo_spec_builder.settings import SpecBuilderSettings

        return spec_builder(SpecBuilderSettings(**common))
    from mauzo_query_api.app import create_app as query_api
    from mauzo_query_api.settings import QueryApiSettings

    return query_api(QueryApiSettings(**common, consume_events=False))


def routes_of(app: FastAPI) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        methods = route.methods
        if methods is None:  # a WebSocket route
            found.add(("WEBSOCKET", str(route.path)))
            continue
        found.update((m, str(route.path)) for m in methods if m != "HEAD")
    return found


def concrete(template: str) -> str:
    for name, value in PATH_VALUES.items():
        template = template.replace(name, value)
    assert "{" not in template, f"add a value for the path parameter of {template}"
    return template


# --- tokens that must not pass ------------------------------------------------------------------


def expired() -> str:
    return signing_tokens().issue(principal(Role.ADMIN), "access", ttl=-60)


def tampered() -> str:
    """A viewer's token whose claims were edited to say admin, the signature left as it was."""
    header, payload, signature = signing_tokens().issue(principal(Role.VIEWER)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def wrong_audience() -> str:
    """Signed with this deployment's key, but for another audience (another deployment)."""
    install_test_keys()
    return Tokens(MauzoSettings(auth_audience="another-deployment")).issue(principal(Role.ADMIN))


def refresh_token() -> str:
    return signing_tokens().issue(principal(Role.ADMIN), "refresh")


REFUSED: dict[str, Callable[[], str | None]] = {
    "no token": lambda: None,
    "expired": expired,
    "tampered": tampered,
    "wrong audience": wrong_audience,
    "refresh token": refresh_token,
    "not a JWT": lambda: "not-a-jwt",
}


def headers_for(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def role_token(role: Role) -> str:
    return signing_tokens().issue(principal(role))


def below(minimum: Role) -> list[Role]:
    return [role for role in Role if role < minimum]


# --- the HTTP matrix ----------------------------------------------------------------------------


@pytest.fixture(params=sorted(ROUTES))
def service(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    kafka_bootstrap: str,
    olap_lite_url: str,
) -> tuple[str, FastAPI]:
    name: str = request.param
    return name, build_app(name, tmp_path, kafka=kafka_bootstrap, druid=olap_lite_url)


@pytest.fixture
async def client(service: tuple[str, FastAPI]) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan run: broker, database and Druid client up, as when served."""
    app = service[1]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://service") as c,
    ):
        yield c


def test_every_route_has_a_minimum_role_and_the_table_names_no_route_gone(
    service: tuple[str, FastAPI],
) -> None:
    name, app = service
    routes = routes_of(app)
    missing = routes - set(ROUTES[name])
    assert not missing, f"{name}: decide the least role for {sorted(missing)} in ROUTES"
    gone = set(ROUTES[name]) - routes
    assert not gone, f"{name}: ROUTES names routes the app no longer has: {sorted(gone)}"


async def test_each_route_refuses_callers_below_its_role_and_admits_its_role(
    service: tuple[str, FastAPI], client: httpx.AsyncClient
) -> None:
    name, app = service
    problems: list[str] = []
    for method, template in sorted(routes_of(app)):
        if method == "WEBSOCKET":
            continue  # the WebSocket test below
        minimum = ROUTES[name].get((method, template))
        if minimum is None:
            continue  # the table test above reports it
        path = concrete(template)

        async def status(token: str | None, path: str = path, method: str = method) -> int:
            answer = await client.request(method, path, headers=headers_for(token))
            return answer.status_code

        if minimum == PUBLIC:
            got = await status(None)
            if got in (401, 403):
                problems.append(f"{method} {template}: public but {got} without a token")
            continue
        for why, make in REFUSED.items():
            got = await status(make())
            if got != 401:
                problems.append(f"{method} {template}: {why} -> {got}, not 401")
        assert minimum != CLOSED, f"{method} {template}: closed HTTP routes are not checked"
        for role in below(minimum) if isinstance(minimum, Role) else list(Role):
            got = await status(role_token(role))
            if got != 403:
                problems.append(f"{method} {template}: {role.label} -> {got}, not 403")
        if isinstance(minimum, Role):
            got = await status(role_token(minimum))
            if got in (401, 403):
                problems.append(f"{method} {template}: {minimum.label} refused with {got}")
        service_token = signing_tokens().issue(Principal("service:test", Role.VIEWER, "service"))
        got = await status(service_token)
        if got in (401, 403):
            problems.append(f"{method} {template}: a service token refused with {got}")
    assert not problems, "\n".join(problems)


async def test_a_refusal_is_the_standard_error_body_with_the_request_id(
    client: httpx.AsyncClient, service: tuple[str, FastAPI]
) -> None:
    answer = await client.get("/metrics", headers={"x-request-id": "matrix-1"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    body = answer.json()
    error = body["error"]
    assert error["code"]
    assert error["message"]
    assert error["request_id"] == "matrix-1"
    if service[0] == "query-api":  # its REST envelope around the same error object
        assert body["data"] is None
        assert body["metadata"]["requestId"] == "matrix-1"
    forbidden = await client.get("/metrics", headers=headers_for(role_token(Role.VIEWER)))
    assert forbidden.status_code == 403
    assert "admin" in forbidden.json()["error"]["message"]


# --- GraphQL over WebSocket ---------------------------------------------------------------------


async def websocket_handshake(app: FastAPI, token: str | None) -> str:
    """Drives the ASGI WebSocket handshake on /graphql: the app's first answer's type
    ("websocket.accept", or "websocket.close" for a refusal)."""
    headers = [(k.lower().encode(), v.encode()) for k, v in headers_for(token).items()]
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"query-api"), *headers],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("127.0.0.1", 1),
        "server": ("query-api", 80),
    }
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await incoming.put({"type": "websocket.connect"})
    first: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def receive() -> dict[str, Any]:
        return await incoming.get()

    async def send(message: MutableMapping[str, Any]) -> None:
        if not first.done():
            first.set_result(str(message["type"]))
            await incoming.put({"type": "websocket.disconnect", "code": 1000})

    running = asyncio.create_task(app(scope, receive, send))
    try:
        waited: set[asyncio.Future[Any]] = {first, running}
        await asyncio.wait(waited, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        # The app failing after the gate let it through (no OLAP here) is not a refusal.
        return first.result() if first.done() else "passed the gate"
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await running


@pytest.fixture(scope="module")
def query_api(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return build_app("query-api", tmp_path_factory.mktemp("ws"))


@pytest.mark.parametrize("why", sorted(REFUSED))
async def test_graphql_websocket_refuses_an_invalid_token(query_api: FastAPI, why: str) -> None:
    assert await websocket_handshake(query_api, REFUSED[why]()) == "websocket.close"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
async def test_graphql_websocket_is_closed_to_every_role(query_api: FastAPI, role: Role) -> None:
    assert ROUTES["query-api"][("WEBSOCKET", "/graphql")] == CLOSED
    assert await websocket_handshake(query_api, role_token(role)) == "websocket.close"


# --- olap-lite: the services' Basic credentials -------------------------------------------------


@pytest.fixture(scope="module")
def olap_lite(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    install_test_keys()
    from mauzo_olap_lite.app import create_app
    from mauzo_olap_lite.settings import OlapLiteSettings

    return create_app(OlapLiteSettings(data_dir=tmp_path_factory.mktemp("olap")))


def test_olap_lite_refuses_to_start_without_a_password(tmp_path: Path) -> None:
    from mauzo_olap_lite.app import create_app
    from mauzo_olap_lite.security import PasswordMissing
    from mauzo_olap_lite.settings import OlapLiteSettings

    with pytest.raises(PasswordMissing, match="MAUZO_DRUID_PASSWORD"):
        create_app(OlapLiteSettings(data_dir=tmp_path, druid_password=None))


async def test_olap_lite_takes_only_the_services_credentials(olap_lite: FastAPI) -> None:
    right = druid_basic()
    wrong_password = httpx.BasicAuth(MauzoSettings().druid_username, "not-the-password")
    wrong_user = httpx.BasicAuth("someone", MauzoSettings().druid_password.get_secret_value())  # type: ignore[union-attr]
    transport = httpx.ASGITransport(app=olap_lite, raise_app_exceptions=False)
    problems: list[str] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://olap") as http:
        for method, template in sorted(routes_of(olap_lite)):
            path = concrete_olap(template)
            if template == "/status/health":
                got = (await http.request(method, path)).status_code
                if got == 401:
                    problems.append("/status/health must stay open, as in Druid")
                continue
            for why, auth in {
                "no credentials": None,
                "wrong password": wrong_password,
                "wrong user": wrong_user,
                "a bearer token": None,
            }.items():
                headers = headers_for(role_token(Role.ADMIN)) if why == "a bearer token" else {}
                answer = await http.request(method, path, auth=auth, headers=headers)
                if answer.status_code != 401:
                    problems.append(f"{method} {template}: {why} -> {answer.status_code}")
                elif answer.json().get("category") != "UNAUTHORIZED":
                    problems.append(f"{method} {template}: 401 without Druid's error body")
            got = (await http.request(method, path, auth=right)).status_code
            if got == 401:
                problems.append(f"{method} {template}: the right credentials refused")
    assert not problems, "\n".join(problems)


def concrete_olap(template: str) -> str:
    for name in ("{task_id}", "{sup_id}", "{datasource}", "{query_id}"):
        template = template.replace(name, "x1")
    return template
