"""HTTP Basic client credentials (RFC 6749 §2.3.1): what a client encodes is what we read."""

from __future__ import annotations

import base64
from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from mauzo_common.errors import MalformedRequest
from mauzo_task_tracker.identity.signin import basic_credentials


def request_with(authorization: str | None) -> Request:
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers})


def basic(user: str, secret: str) -> str:
    pair = f"{quote_plus(user)}:{quote_plus(secret)}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


@given(st.text(min_size=1, max_size=80), st.text(max_size=200))
def test_any_form_encoded_pair_reads_back(client_id: str, secret: str) -> None:
    assert basic_credentials(request_with(basic(client_id, secret))) == (client_id, secret)


@given(st.text(max_size=100))
def test_garbage_is_a_bad_request_or_no_credentials_never_a_crash(value: str) -> None:
    code = "read"
    try:
        basic_credentials(request_with("Basic " + value))
    except MalformedRequest as refusal:
        code = refusal.code
    assert code in ("read", "invalid_request")


def test_other_schemes_are_not_basic_credentials() -> None:
    assert basic_credentials(request_with(None)) is None
    assert basic_credentials(request_with("Bearer abc")) is None
    with pytest.raises(MalformedRequest):
        basic_credentials(request_with("Basic " + base64.b64encode(b"no-colon").decode()))
