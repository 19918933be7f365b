"""Mint a long-lived access token for a machine that cannot sign in itself: Prometheus, which
sends a fixed bearer credential from a file when it scrapes `/metrics` (admin only).

    MAUZO_AUTH_KEYS=... python -m mauzo_common.auth.mint prometheus --days 90 > metrics-token

Run it where the deployment's signing keys are; rotate by minting again before `--days` ends
(or by rotating the signing key, which retires every token it signed).
"""

from __future__ import annotations

import argparse
import sys

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings

DAY = 24 * 3600


def mint(subject: str, role: Role, days: int, settings: MauzoSettings | None = None) -> str:
    tokens = Tokens(settings or MauzoSettings())
    return tokens.issue(Principal(subject, role, kind="machine"), "access", days * DAY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("subject", help="who the token is for, e.g. prometheus")
    parser.add_argument("--role", default="admin", type=Role.parse, help="default: admin")
    parser.add_argument("--days", default=90, type=int, help="lifetime (default: 90)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    sys.stdout.write(mint(args.subject, args.role, args.days) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
