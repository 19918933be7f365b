"""Keycloak in docker-compose.yml, checked statically: the services trust the realm the file
imports, and its tokens carry what Mauzo reads (audience, mauzo_role, mauzo_branches)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from mauzo_common.settings import MauzoSettings

ROOT = Path(__file__).resolve().parents[2]
MAUZO_SERVICES = ("upload", "validator", "spec-builder", "task-tracker", "query-api")
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")


def interpolate(value: str) -> str:
    return _VARIABLE.sub(lambda m: m.group("default") or "", value)


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def realm() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((ROOT / "deploy/keycloak/mauzo-realm.json").read_text())
    return document


def test_every_service_verifies_keycloak_tokens_of_the_imported_realm() -> None:
    services = compose()["services"]
    keycloak = services["keycloak"]
    assert interpolate(keycloak["image"]).startswith("quay.io/keycloak/keycloak:")
    assert "--import-realm" in keycloak["command"]
    assert "./deploy/keycloak:/opt/keycloak/data/import:ro" in keycloak["volumes"]
    name = realm()["realm"]
    for service in MAUZO_SERVICES:
        env = {k: interpolate(str(v)) for k, v in services[service]["environment"].items()}
        assert env["MAUZO_AUTH_JWKS_URL"] == (
            f"http://keycloak:8080/realms/{name}/protocol/openid-connect/certs"
        )
        issuer_base = interpolate(keycloak["environment"]["KC_HOSTNAME"])
        assert env["MAUZO_AUTH_OIDC_ISSUER"] == f"{issuer_base}/realms/{name}"
        keys = json.loads(env["MAUZO_AUTH_KEYS"])
        assert all(len(secret.encode()) >= 32 for secret in keys.values())


def test_the_realms_client_puts_audience_role_and_branches_in_access_tokens() -> None:
    defaults = MauzoSettings.model_fields
    (client,) = [c for c in realm()["clients"] if c["clientId"] == "mauzo"]
    mappers = {m["protocolMapper"]: m for m in client["protocolMappers"] if "audience" in m["name"]}
    audience = mappers["oidc-audience-mapper"]["config"]
    assert audience["included.client.audience"] == defaults["auth_audience"].default
    assert audience["access.token.claim"] == "true"
    claims = {
        m["config"]["claim.name"]: m["config"]
        for m in client["protocolMappers"]
        if m["protocolMapper"] == "oidc-usermodel-attribute-mapper"
    }
    role = claims[defaults["auth_role_claim"].default]
    branches = claims[defaults["auth_branches_claim"].default]
    assert role["multivalued"] == "false"
    assert branches["multivalued"] == "true"  # a JSON list, as Mauzo reads it
    assert role["access.token.claim"] == branches["access.token.claim"] == "true"


def test_only_realm_admins_edit_role_and_branches() -> None:
    provider = realm()["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
    profile = json.loads(provider["config"]["kc.user.profile.config"][0])
    attributes = {a["name"]: a for a in profile["attributes"]}
    for name in ("mauzo_role", "mauzo_branches"):
        assert attributes[name]["permissions"]["edit"] == ["admin"]
    roles = attributes["mauzo_role"]["validations"]["options"]["options"]
    assert roles == ["viewer", "uploader", "admin"]
