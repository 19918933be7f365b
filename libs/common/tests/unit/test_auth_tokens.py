"""A token holds only when this deployment signed it, for this audience and issuer, recently,
as an access token, with well-formed claims; a retired signing key still verifies."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.tokens import KeysMissing, Tokens
from mauzo_common.errors import Unauthenticated
from mauzo_common.settings import MauzoSettings

OLD = "old-key-0123456789abcdef0123456789abcdef"
NEW = "new-key-0123456789abcdef0123456789abcdef"
NAIROBI = Principal("amina", Role.UPLOADER, "user", frozenset({"Nairobi"}))


Make = Callable[..., Tokens]


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> Make:
    """`tokens(keys, **settings)`. The keys go in the environment, as in a deployment: settings
    merge a dict given in code with the environment's, where the test session's key is."""

    def make(keys: dict[str, str] | None = None, **settings: Any) -> Tokens:
        monkeypatch.setenv("MAUZO_AUTH_KEYS", json.dumps({"k1": OLD} if keys is None else keys))
        return Tokens(MauzoSettings(**settings))

    return make


def refused(token_service: Tokens, token: str, why: str) -> str:
    with pytest.raises(Unauthenticated) as caught:
        token_service.verify(token)
    assert caught.value.status == 401
    assert why in caught.value.message.lower(), caught.value.message
    return caught.value.message


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def test_a_fresh_access_token_gives_back_the_principal_with_its_branches(tokens: Make) -> None:
    t = tokens()
    assert t.verify(t.issue(NAIROBI)) == NAIROBI
    everywhere = Principal("ops", Role.ADMIN)
    assert t.verify(t.issue(everywhere)).branches is None


def test_an_expired_token_is_refused_and_says_so(tokens: Make) -> None:
    t = tokens()
    message = refused(t, t.issue(NAIROBI, ttl=-5), "expired")
    assert "expired" in message


def test_a_token_whose_claims_were_edited_is_refused(tokens: Make) -> None:
    t = tokens()
    issued = t.issue(NAIROBI)
    header, _, signature = issued.split(".")
    claims = claims_of(issued)
    claims["role"] = "admin"
    claims.pop("branches")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    refused(t, f"{header}.{forged}.{signature}", "signature")


def test_a_token_signed_with_a_guessed_secret_under_our_key_id_is_refused(tokens: Make) -> None:
    forged = jwt.encode(
        {**claims_of(tokens().issue(NAIROBI)), "role": "admin"},
        "a-guess-0123456789abcdef0123456789abcdef",
        "HS256",
        headers={"kid": "k1"},
    )
    refused(tokens(), forged, "signature")


def test_an_unsigned_token_is_refused(tokens: Make) -> None:
    unsigned = jwt.encode(claims_of(tokens().issue(NAIROBI)), None, "none", headers={"kid": "k1"})
    refused(tokens(), unsigned, "not valid")


def test_another_deployments_audience_is_refused(tokens: Make) -> None:
    theirs = tokens(auth_audience="another-deployment").issue(NAIROBI)
    refused(tokens(), theirs, "audience")


def test_another_issuer_is_refused(tokens: Make) -> None:
    theirs = tokens(auth_issuer="someone-else").issue(NAIROBI)
    refused(tokens(), theirs, "issuer")


def test_a_key_id_this_deployment_does_not_hold_is_refused(tokens: Make) -> None:
    theirs = tokens({"k9": NEW}).issue(NAIROBI)
    refused(tokens({"k1": OLD}), theirs, "key this deployment does not hold")


def test_after_rotation_the_new_key_signs_and_the_retired_one_still_verifies(tokens: Make) -> None:
    before = tokens({"k1": OLD})
    issued_before = before.issue(NAIROBI)
    after = tokens({"k2": NEW, "k1": OLD})  # the first key signs
    assert after.verify(issued_before) == NAIROBI
    issued_after = after.issue(NAIROBI)
    assert jwt.get_unverified_header(issued_after)["kid"] == "k2"
    assert after.verify(issued_after) == NAIROBI
    # Once the old key is dropped, what it signed no longer holds.
    refused(tokens({"k2": NEW}), issued_before, "does not hold")


def test_a_refresh_token_is_not_an_access_token_and_the_other_way_round(tokens: Make) -> None:
    t = tokens()
    refused(t, t.issue(NAIROBI, "refresh"), "refresh token")
    assert t.verify(t.issue(NAIROBI, "refresh"), "refresh") == NAIROBI
    with pytest.raises(Unauthenticated):
        t.verify(t.issue(NAIROBI, "access"), "refresh")


@pytest.mark.parametrize("branches", ["Nairobi", [1, 2], {"Nairobi": True}, [None]])
def test_a_malformed_branches_claim_is_refused_not_read_as_every_branch(
    tokens: Make, branches: Any
) -> None:
    claims = {**claims_of(tokens().issue(NAIROBI)), "branches": branches}
    token = jwt.encode(claims, OLD, "HS256", headers={"kid": "k1"})
    refused(tokens(), token, "branches")


def test_an_unknown_role_is_refused(tokens: Make) -> None:
    claims = {**claims_of(tokens().issue(NAIROBI)), "role": "superuser"}
    refused(tokens(), jwt.encode(claims, OLD, "HS256", headers={"kid": "k1"}), "role")


@pytest.mark.parametrize("missing", ["exp", "sub", "aud", "iss", "iat"])
def test_a_token_without_a_required_claim_is_refused(tokens: Make, missing: str) -> None:
    claims = claims_of(tokens().issue(NAIROBI))
    del claims[missing]
    refused(tokens(), jwt.encode(claims, OLD, "HS256", headers={"kid": "k1"}), "not valid")


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "Bearer x"])
def test_garbage_is_refused(tokens: Make, garbage: str) -> None:
    refused(tokens(), garbage, "not valid")


def test_a_service_starts_only_with_keys_long_enough_for_hs256(tokens: Make) -> None:
    with pytest.raises(KeysMissing, match="MAUZO_AUTH_KEYS"):
        tokens({})
    with pytest.raises(KeysMissing, match="shorter"):
        tokens({"k1": "short"})


def test_the_token_response_is_oauth2_shaped(tokens: Make) -> None:
    pair = tokens().pair(NAIROBI)
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900
    assert pair["branches"] == ["Nairobi"]
    assert claims_of(pair["refresh_token"])["typ"] == "refresh"


def test_a_remembered_token_still_expires_and_a_bad_one_is_never_remembered(tokens: Make) -> None:
    t = tokens()
    token = t.issue(NAIROBI, ttl=60)
    assert t.verify(token) == NAIROBI
    assert t.verify(token) == NAIROBI  # from memory
    t.clock = lambda: claims_of(token)["exp"] + 1.0  # the same process, a minute later
    refused(t, token, "expired")
    refused(t, token, "expired")  # forgotten, then refused by the full check too

    t.clock = __import__("time").time
    head, body, signature = t.issue(NAIROBI).split(".")
    tampered = f"{head}.{body}.{signature[::-1]}"
    refused(t, tampered, "not valid")
    refused(t, tampered, "not valid")
    assert tampered not in t._verified
