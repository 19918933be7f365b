"""Sign-in, users, API keys, the audit log and task ownership, over HTTP against task-tracker.

Runs once on SQLite and once on PostgreSQL (the `database_url` fixture), with a real broker.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.db import make_engine
from mauzo_common.testing.auth import bearer
from mauzo_common.testing.auth import test_tokens as session_tokens
from mauzo_common.testing.components import free_port
from mauzo_common.testing.errors import assert_error_body
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

pytestmark = pytest.mark.kafka
ADMIN_PASSWORD = "admin-pass-Ühq7-not-a-real-one"
SECRETS_SEEN: list[str] = [ADMIN_PASSWORD]  # every secret a test used: none may be in the audit


@pytest.fixture(scope="module")
def tracker(kafka_bootstrap: str, database_url: str, data_dir: Path, serve: Any) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=database_url,
        data_dir=data_dir,
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
        admin_password=ADMIN_PASSWORD,
    )
    with serve(create_app(settings)) as served:
        yield served.url


@pytest.fixture(scope="module")
def admin(tracker: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(tracker, 'admin', ADMIN_PASSWORD)['access_token']}"}


def token_request(tracker: str, **form: str) -> httpx.Response:
    return httpx.post(f"{tracker}/api/auth/token", data=form, timeout=30)


def sign_in(tracker: str, username: str, password: str) -> dict[str, Any]:
    response = token_request(tracker, grant_type="password", username=username, password=password)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def add_user(
    tracker: str, admin: dict[str, str], role: str, branches: list[str] | None = None
) -> tuple[str, str]:
    name, password = f"u{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    SECRETS_SEEN.append(password)
    response = httpx.post(
        f"{tracker}/api/users",
        json={"username": name, "password": password, "role": role, "branches": branches},
        headers=admin,
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return name, password


def audit(tracker: str, admin: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"{tracker}/api/audit", params=query, headers=admin)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["records"]
    return records


def as_bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_bootstrapped_admin_signs_in_with_the_configured_password(tracker: str) -> None:
    body = sign_in(tracker, "admin", ADMIN_PASSWORD)
    assert body["token_type"] == "Bearer"
    assert body["role"] == "admin"
    assert body["branches"] is None
    principal = session_tokens().verify(body["access_token"])
    assert principal == Principal("admin", Role.ADMIN, "user", None)


def test_a_user_signs_in_with_their_role_and_branches(tracker: str, admin: dict[str, str]) -> None:
    name, password = add_user(tracker, admin, "viewer", ["Nairobi", "Mombasa"])
    body = sign_in(tracker, name, password)
    assert body["role"] == "viewer"
    assert body["branches"] == ["Mombasa", "Nairobi"]
    principal = session_tokens().verify(body["access_token"])
    assert principal.branches == frozenset({"Nairobi", "Mombasa"})
    listed = httpx.get(f"{tracker}/api/users", headers=admin).json()
    row = next(u for u in listed if u["username"] == name)
    assert (row["role"], row["branches"], row["disabled"]) == (
        "viewer",
        ["Mombasa", "Nairobi"],
        False,
    )
    assert all("password" not in key for u in listed for key in u)


def test_wrong_password_and_unknown_user_get_the_same_refusal_in_similar_time(
    tracker: str, admin: dict[str, str]
) -> None:
    name, _ = add_user(tracker, admin, "viewer")

    def refused(username: str) -> tuple[dict[str, Any], float]:
        started = time.perf_counter()
        response = token_request(
            tracker, grant_type="password", username=username, password="wrong-password-1"
        )
        elapsed = time.perf_counter() - started
        error = assert_error_body(response, 401, "invalid_grant")
        return error, elapsed

    wrong, t_wrong = min((refused(name) for _ in range(3)), key=lambda r: r[1])
    unknown, t_unknown = min((refused("nobody-" + name) for _ in range(3)), key=lambda r: r[1])
    assert wrong["message"] == unknown["message"]
    assert wrong["hint"] == unknown["hint"]
    # Both verify an Argon2 hash: an unknown name is not answered measurably faster.
    assert t_unknown > 0.5 * t_wrong, (t_unknown, t_wrong)


def test_missing_fields_and_unknown_grants_are_bad_requests(tracker: str) -> None:
    assert_error_body(token_request(tracker, grant_type="implicit"), 400, "unsupported_grant_type")
    assert_error_body(token_request(tracker), 400, "unsupported_grant_type")
    assert_error_body(
        token_request(tracker, grant_type="password", username="admin"), 400, "invalid_request"
    )


def test_refresh_reads_the_user_again(tracker: str, admin: dict[str, str]) -> None:
    name, password = add_user(tracker, admin, "viewer")
    first = sign_in(tracker, name, password)
    refreshed = token_request(tracker, grant_type="refresh_token",
                              refresh_token=first["refresh_token"])  # fmt: skip
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["role"] == "viewer"

    changed = httpx.patch(f"{tracker}/api/users/{name}", json={"role": "uploader",
                          "branches": ["Kisumu"]}, headers=admin)  # fmt: skip
    assert changed.status_code == 200, changed.text
    promoted = token_request(tracker, grant_type="refresh_token",
                             refresh_token=first["refresh_token"]).json()  # fmt: skip
    assert promoted["role"] == "uploader"
    assert promoted["branches"] == ["Kisumu"]

    # An access token is not a refresh token.
    assert_error_body(
        token_request(tracker, grant_type="refresh_token", refresh_token=first["access_token"]),
        401,
        "invalid_grant",
    )

    disabled = httpx.patch(f"{tracker}/api/users/{name}", json={"disabled": True}, headers=admin)
    assert disabled.status_code == 200
    assert_error_body(
        token_request(tracker, grant_type="refresh_token", refresh_token=first["refresh_token"]),
        401,
        "invalid_grant",
    )
    assert_error_body(
        token_request(tracker, grant_type="password", username=name, password=password),
        401,
        "invalid_grant",
    )
    httpx.patch(f"{tracker}/api/users/{name}", json={"disabled": False}, headers=admin)
    assert httpx.delete(f"{tracker}/api/users/{name}", headers=admin).status_code == 204
    assert_error_body(
        token_request(tracker, grant_type="refresh_token", refresh_token=first["refresh_token"]),
        401,
        "invalid_grant",
    )
    assert httpx.delete(f"{tracker}/api/users/{name}", headers=admin).status_code == 404


def test_a_changed_password_replaces_the_old_one(tracker: str, admin: dict[str, str]) -> None:
    name, old = add_user(tracker, admin, "viewer")
    new = f"new-{uuid.uuid4().hex}"
    SECRETS_SEEN.append(new)
    response = httpx.patch(f"{tracker}/api/users/{name}", json={"password": new}, headers=admin)
    assert response.status_code == 200, response.text
    assert sign_in(tracker, name, new)["role"] == "viewer"
    assert (
        token_request(tracker, grant_type="password", username=name, password=old).status_code
        == 401
    )


def test_the_last_admin_cannot_be_removed_or_demoted(tracker: str, admin: dict[str, str]) -> None:
    others = [
        u["username"]
        for u in httpx.get(f"{tracker}/api/users", headers=admin).json()
        if u["role"] == "admin" and u["username"] != "admin" and not u["disabled"]
    ]
    for other in others:
        httpx.delete(f"{tracker}/api/users/{other}", headers=admin)
    assert_error_body(httpx.delete(f"{tracker}/api/users/admin", headers=admin), 409, "last_admin")
    demote = httpx.patch(f"{tracker}/api/users/admin", json={"role": "viewer"}, headers=admin)
    assert_error_body(demote, 409, "last_admin")


def test_api_key_client_credentials_and_revocation(tracker: str, admin: dict[str, str]) -> None:
    created = httpx.post(f"{tracker}/api/api-keys", json={"name": "till-sync", "role": "uploader",
                         "branches": ["Nairobi"]}, headers=admin)  # fmt: skip
    assert created.status_code == 201, created.text
    key = created.json()
    client_id, _, secret = key["key"].partition(".")
    SECRETS_SEEN.append(secret)
    assert client_id == key["client_id"]

    by_form = token_request(tracker, grant_type="client_credentials", client_id=client_id,
                            client_secret=secret)  # fmt: skip
    assert by_form.status_code == 200, by_form.text
    principal = session_tokens().verify(by_form.json()["access_token"])
    assert principal.kind == "machine"
    assert principal.role == Role.UPLOADER
    assert principal.branches == frozenset({"Nairobi"})

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    by_basic = httpx.post(f"{tracker}/api/auth/token", data={"grant_type": "client_credentials"},
                          headers={"Authorization": f"Basic {basic}"})  # fmt: skip
    assert by_basic.status_code == 200, by_basic.text

    wrong = token_request(tracker, grant_type="client_credentials", client_id=client_id,
                          client_secret=secret[:-2] + "xx")  # fmt: skip
    assert_error_body(wrong, 401, "invalid_grant")

    listed = httpx.get(f"{tracker}/api/api-keys", headers=admin).json()
    shown = next(k for k in listed if k["client_id"] == client_id)
    assert "key" not in shown
    assert shown["created_by"] == "admin"
    assert secret not in str(listed)

    revoked = httpx.delete(f"{tracker}/api/api-keys/{client_id}", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    again = token_request(tracker, grant_type="client_credentials", client_id=client_id,
                          client_secret=secret)  # fmt: skip
    assert_error_body(again, 401, "invalid_grant")
    refresh = token_request(tracker, grant_type="refresh_token",
                            refresh_token=by_form.json()["refresh_token"])  # fmt: skip
    assert_error_body(refresh, 401, "invalid_grant")


def test_admin_routes_need_an_admin(tracker: str) -> None:
    for method, path in [("GET", "/api/users"), ("POST", "/api/users"),
                         ("DELETE", "/api/users/admin"), ("PATCH", "/api/users/admin"),
                         ("GET", "/api/api-keys"), ("POST", "/api/api-keys"),
                         ("DELETE", "/api/api-keys/mk_0123456789abcdef"),
                         ("GET", "/api/audit")]:  # fmt: skip
        anonymous = httpx.request(method, tracker + path, json={})
        assert_error_body(anonymous, 401, "unauthenticated")
        for role in (Role.VIEWER, Role.UPLOADER):
            refused = httpx.request(method, tracker + path, json={}, headers=bearer(role))
            assert_error_body(refused, 403, "forbidden")


def test_only_services_write_the_audit_log(tracker: str, admin: dict[str, str]) -> None:
    record = {"actor": "someone", "action": "upload.refused", "target": "t1", "outcome": "refused",
              "detail": {"reason": "too large"}}  # fmt: skip
    assert_error_body(
        httpx.post(f"{tracker}/api/audit", json=record, headers=admin), 403, "forbidden"
    )
    service = session_tokens().issue(Principal("service:upload", Role.ADMIN, "service"))
    accepted = httpx.post(f"{tracker}/api/audit", json=record, headers=as_bearer(service))
    assert accepted.status_code == 201, accepted.text
    rows = audit(tracker, admin, action="upload.refused", actor="someone")
    assert rows[0]["detail"] == {"reason": "too large", "via": "service:upload"}


def test_sign_ins_and_changes_are_audited_without_any_secret(
    tracker: str, admin: dict[str, str], database_url: str
) -> None:
    name, password = add_user(tracker, admin, "viewer")
    sign_in(tracker, name, password)
    token_request(tracker, grant_type="password", username=name, password=password + "x")

    mine = audit(tracker, admin, actor=name)
    assert [(r["action"], r["outcome"]) for r in mine[:2]] == [
        ("auth.token", "refused"),
        ("auth.token", "ok"),
    ]  # newest first
    assert all(r["source_ip"] == "127.0.0.1" for r in mine)
    assert all(r["request_id"] for r in mine)
    created = audit(tracker, admin, action="user.create")
    assert any(r["target"] == name and r["actor"] == "admin" for r in created)
    assert len(audit(tracker, admin, limit=1)) == 1
    future = audit(tracker, admin, since="2999-01-01T00:00:00")
    assert future == []

    # The whole table, every column, as text: no password or secret a test used is there.
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            dump = str(connection.execute(text("SELECT * FROM audit")).all())
    finally:
        engine.dispose()
    assert name in dump
    for secret in SECRETS_SEEN:
        assert secret not in dump


# -- tasks: an uploader sees only its own ----------------------------------------------------


def register(tracker: str, owner: str) -> str:
    task_id = uuid.uuid4().hex
    service = session_tokens().issue(Principal("service:upload", Role.ADMIN, "service"))
    response = httpx.post(
        f"{tracker}/api/ingest/tasks",
        json={"task_id": task_id, "datasource": "sales", "file_name": "sales.csv",
              "object_key": f"uploads/sales/{task_id}/sales.csv", "size_bytes": 12,
              "sha256": "ab" * 32, "owner": owner},
        headers=as_bearer(service),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return task_id


def as_user(subject: str, role: Role) -> dict[str, str]:
    return as_bearer(session_tokens().issue(Principal(subject, role)))


def test_an_uploader_sees_only_its_own_tasks(tracker: str, admin: dict[str, str]) -> None:
    alice, bob = f"alice-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
    hers, his = register(tracker, alice), register(tracker, bob)
    as_alice = as_user(alice, Role.UPLOADER)

    listed = httpx.get(f"{tracker}/api/ingest/tasks?limit=500", headers=as_alice).json()["tasks"]
    assert {t["task_id"] for t in listed} == {hers}
    assert listed[0]["owner"] == alice
    assert httpx.get(f"{tracker}/api/ingest/status/{hers}", headers=as_alice).status_code == 200
    paths = (
        f"/api/ingest/status/{his}",
        f"/api/ingest/status/{his}?changed_from=received&wait_seconds=1",
        f"/api/ingest/tasks/{his}/report",
        f"/api/ingest/tasks/{his}/rejected-rows",
    )
    for path in paths:
        other = httpx.get(tracker + path, headers=as_alice)
        # As if it did not exist: the same answer as for a task id never registered.
        assert_error_body(other, 404, "task_not_found")

    for role in (Role.VIEWER, Role.ADMIN):
        seen = httpx.get(f"{tracker}/api/ingest/tasks?limit=500", headers=as_user("x", role))
        assert {hers, his} <= {t["task_id"] for t in seen.json()["tasks"]}
        assert httpx.get(f"{tracker}/api/ingest/status/{his}",
                         headers=as_user("x", role)).status_code == 200  # fmt: skip

    uploads = audit(tracker, admin, action="task.upload", actor=alice)
    assert len(uploads) == 1
    assert uploads[0]["target"] == hers
    assert uploads[0]["detail"] == {"datasource": "sales", "file_name": "sales.csv", "bytes": 12,
                                    "via": "service:upload"}  # fmt: skip


def test_retraction_is_for_admins_and_audited(tracker: str, admin: dict[str, str]) -> None:
    owner = f"carol-{uuid.uuid4().hex[:6]}"
    task_id = register(tracker, owner)
    url = f"{tracker}/api/ingest/tasks/{task_id}/data"
    assert_error_body(httpx.delete(url, headers=as_user(owner, Role.UPLOADER)), 403, "forbidden")
    # Not succeeded yet, so not retractable: refused, and the attempt is in the log.
    assert httpx.delete(url, headers=admin).status_code == 409
    rows = audit(tracker, admin, action="task.retract")
    assert rows[0]["target"] == task_id
    assert rows[0]["actor"] == "admin"
    assert rows[0]["outcome"] == "failed"
