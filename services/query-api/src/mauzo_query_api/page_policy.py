"""Content-Security-Policy of the two HTML pages query-api serves.

The dashboard's index.html has one small inline script (the theme, set before first paint so a
dark-mode user never sees a white flash). Rather than allow inline scripts, the policy names the
sha256 of each inline script of the built file, read from the file itself, so a rebuild with a
changed script is never blocked and no other inline script (an injected one) can run.

GraphiQL (GET /graphql in a browser) is Strawberry's page: React and GraphiQL from unpkg.com and
an inline bootstrap script. It is a developer tool that holds no data until it asks this origin,
so its policy allows exactly that CDN and inline code, and still no framing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from mauzo_common.security_headers import HTML_POLICY

INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)

GRAPHIQL_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https:; "
    "font-src 'self' data: https://unpkg.com; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def script_hashes(html: bytes) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    ]


def with_hashes(html: bytes) -> str:
    hashes = script_hashes(html)
    if not hashes:
        return HTML_POLICY
    return HTML_POLICY.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes), 1)


@lru_cache(maxsize=4)
def _policy(path: Path, mtime_ns: int) -> str:
    return with_hashes(path.read_bytes())


def index_policy(index: Path) -> str:
    """The policy for the built index.html, recomputed when the file changes."""
    return _policy(index, index.stat().st_mtime_ns)
