"""Every service builds its FastAPI app the same way where it matters for every request.

`FastAPI(telemetry=FASTAPI_TELEMETRY)`: FastAPI's own OpenTelemetry layer switches on by itself
once a tracer provider exists, doubling the server span our middleware already makes (see
mauzo_common.observability.asgi). A service that forgets it pays for that on every request, which
no functional test would notice, so the source is checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def fastapi_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "FastAPI"
    ]


def test_every_service_app_turns_off_fastapis_own_telemetry() -> None:
    checked = 0
    for path in sorted(REPO.glob("services/*/src/**/*.py")):
        for call in fastapi_calls(path):
            checked += 1
            telemetry = {k.arg: k.value for k in call.keywords}.get("telemetry")
            where = f"{path.relative_to(REPO)}:{call.lineno}"
            assert isinstance(telemetry, ast.Name), f"{where}: FastAPI() without telemetry="
            assert telemetry.id == "FASTAPI_TELEMETRY", f"{where}: telemetry={telemetry.id}"
    assert checked >= 6, "every service (six) builds a FastAPI app"
