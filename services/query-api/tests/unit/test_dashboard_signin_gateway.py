"""Sign-in through query-api's same-origin gateway: the dashboard posts the OAuth2 password
grant to /api/auth/token here, and task-tracker (which owns the route) must get the form as
sent and the browser's address, not one the caller names."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mauzo_common.testing.services import Served
from mauzo_query_api.settings import QueryApiSettings


def echo_tracker() -> FastAPI:
    """The upstream's side of the wire: what arrived at task-tracker's sign-in route."""
    upstream = FastAPI()

    @upstream.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @upstream.post("/api/auth/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        return JSONResponse(
            {
                "form": {k: str(v) for k, v in form.items()},
                "content_type": request.headers.get("content-type"),
                "forwarded_for": request.headers.get("x-forwarded-for"),
                "authorization": request.headers.get("authorization"),
            },
            status_code=401 if form.get("password") == "wrong" else 200,
        )

    return upstream


async def test_sign_in_through_the_gateway_reaches_task_tracker_with_the_callers_address() -> None:
    from mauzo_query_api.app import create_app

    with Served(echo_tracker()) as tracker:
        app = create_app(QueryApiSettings(task_tracker_url=tracker.url))
        browser = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50123)),
            base_url="http://dash",
        )
        form = {"grant_type": "password", "username": "vera", "password": "s3cret pass"}
        # A standard OAuth2 client sends no dashboard header; a forged address is replaced.
        answer = await browser.post(
            "/api/auth/token", data=form, headers={"x-forwarded-for": "10.9.9.9"}
        )
        assert answer.status_code == 200
        seen = answer.json()
        assert seen["form"] == form
        assert seen["content_type"] == "application/x-www-form-urlencoded"
        assert seen["forwarded_for"] == "203.0.113.7"
        refused = await browser.post("/api/auth/token", data=form | {"password": "wrong"})
        assert refused.status_code == 401, "the tracker's refusal reaches the browser as it is"
