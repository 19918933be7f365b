"""Security headers on every response of a Mauzo HTTP service (OWASP's secure-headers set).

Pure ASGI, installed by `install_error_handlers`, so refusals (401 from the gate, 429, 500) carry
them too. A response that set a header itself keeps its own value: the dashboard's index.html
sends the policy its inline script needs, its hashed assets their long cache, GraphiQL its CDN.

- every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
  `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy: same-origin`;
- `Content-Security-Policy`: for HTML the dashboard's policy (scripts, styles, data only from
  this origin), for anything else `default-src 'none'` (an API answer is never a document);
  both with `frame-ancestors 'none'`;
- `Cache-Control: no-store` when the response did not choose: API answers carry sales data,
  which no shared or browser cache should keep (clients cache on purpose, with ETags or not).
"""

from __future__ import annotations

from mauzo_common.http import App, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# ECharts and Preact set element styles through the CSSOM, which style-src does not govern;
# 'unsafe-inline' styles stay allowed for libraries that add <style> (no script can run from CSS).
HTML_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    out = list(headers)
    out.extend(pair for pair in ALWAYS if pair[0] not in present)
    if b"content-security-policy" not in present:
        media = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        policy = HTML_POLICY if media.lower().startswith(b"text/html") else API_POLICY
        out.append((b"content-security-policy", policy.encode()))
    if b"cache-control" not in present:
        out.append((b"cache-control", b"no-store"))
    return out


class SecurityHeaders:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = secured(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, with_headers)
