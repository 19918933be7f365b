"""The token Prometheus scrapes with: minted from the deployment's keys, a machine with the
role asked for, valid for the days asked for."""

from __future__ import annotations

import time

import jwt
import pytest

from mauzo_common.auth.mint import DAY, main
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.testing.auth import test_tokens as signing_tokens


def test_the_minted_token_is_a_machine_admin_for_the_days_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["prometheus", "--days", "30"]) == 0
    token = capsys.readouterr().out.strip()
    assert signing_tokens().verify(token) == Principal("prometheus", Role.ADMIN, "machine")
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert abs(expires - (time.time() + 30 * DAY)) < 60


def test_a_role_can_be_asked_for_and_a_wrong_one_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["dashboard-screen", "--role", "viewer"])
    assert signing_tokens().verify(capsys.readouterr().out.strip()).role is Role.VIEWER
    with pytest.raises(SystemExit):
        main(["x", "--role", "root"])
    with pytest.raises(SystemExit):
        main(["x", "--days", "0"])
