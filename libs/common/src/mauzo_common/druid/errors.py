"""Druid's error answers, read once into one typed error, and the one "already exists" rule.

See docs/druid.md#error-bodies and docs/druid.md#task-already-exists.

Druid answers an error in one of three shapes (all carried by DruidError's fields):
- DruidException (newer Druid): `{"error": "druidException", "errorCode", "persona",
  "category", "errorMessage", "context"}`;
- a legacy QueryException in that shape: `error` holds the legacy code ("Query timeout"),
  `errorCode` is "legacyQueryException", and `errorClass` / `host` are added;
- older servers and the Overlord's own refusals: `{"error": message}` (plus `errorMessage`,
  `errorClass`, `host` for old query errors), or a plain-text body.
The HTTP status follows the category: 4xx means the request is wrong and is never retried;
429, 5xx and no answer at all are transient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mauzo_common.errors import MauzoError, TransientError, UpstreamRefused

# The Overlord's legacy refusal of a duplicate task id is a message and nothing else.
_LEGACY_DUPLICATE = re.compile(r"^Task\[.+\] already exists!?$")
_DUPLICATE_CODES = frozenset({"entryalreadyexists", "alreadyexists"})
_TIMEOUT_CODES = frozenset({"Query timeout"})
_BUSY_CATEGORIES = frozenset({"CAPACITY_EXCEEDED", "SERVICE_UNAVAILABLE"})


@dataclass(frozen=True)
class DruidAnswer:
    """The fields of one error answer; empty strings for what the shape does not carry.

    `status` is the HTTP status, 0 when Druid never answered (refused connection, timeout)."""

    status: int
    error: str = ""
    error_code: str = ""
    category: str = ""
    persona: str = ""
    message: str = ""
    error_class: str = ""
    host: str = ""
    context: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, status: int, body: Any) -> DruidAnswer:
        """Any of Druid's error shapes (or a body that is none of them) into the fields."""
        if not isinstance(body, dict):
            text = str(body).strip()[:2000]
            return cls(status, error=text, message=text)
        context = body.get("context")
        fields = {
            key: _text(body.get(name))
            for key, name in (
                ("error", "error"),
                ("error_code", "errorCode"),
                ("category", "category"),
                ("persona", "persona"),
                ("error_class", "errorClass"),
                ("host", "host"),
            )
        }
        # errorMessage always; the legacy `error` is the message when nothing else is.
        message = _text(body.get("errorMessage")) or _text(body.get("message")) or fields["error"]
        return cls(
            status,
            message=message or str(body)[:2000],
            context={str(k): str(v) for k, v in context.items()}
            if isinstance(context, dict)
            else {},
            **fields,
        )

    @property
    def already_exists(self) -> bool:
        """The one rule for "that id is taken": Druid's error code or CONFLICT category, or the
        Overlord's legacy refusal, which has no field but its exact message."""
        if self.error_code.lower() in _DUPLICATE_CODES or self.category == "CONFLICT":
            return True
        return self.status == 400 and bool(_LEGACY_DUPLICATE.match(self.error))

    @property
    def timed_out(self) -> bool:
        return self.status == 504 or self.category == "TIMEOUT" or self.error in _TIMEOUT_CODES

    @property
    def busy(self) -> bool:
        return self.status in (429, 503) or self.category in _BUSY_CATEGORIES

    @property
    def transient(self) -> bool:
        return self.status == 0 or self.status == 429 or self.status >= 500


class DruidError(MauzoError):
    """Every failure of a Druid call: what was asked (`method`, `url`) and what Druid answered
    (`answer`, read once; branch on its fields, never on the text)."""

    code = "olap_error"

    def __init__(self, method: str, url: str, answer: DruidAnswer, detail: str = "") -> None:
        said = detail or (
            f"answered {answer.status}: {answer.message}" if answer.status else "no answer"
        )
        super().__init__(f"{method} {url} {said}")
        self.method = method
        self.url = url
        self.answer = answer


class DruidRefused(DruidError, UpstreamRefused):
    """A 4xx answer: the request is wrong; asking again cannot help."""

    code = "olap_refused"


class DruidUnavailable(DruidError, TransientError):
    """No answer, or 429/5xx: Druid may take the same request later."""

    code = "olap_unavailable"


def druid_error(method: str, url: str, answer: DruidAnswer, detail: str = "") -> DruidError:
    kind = DruidUnavailable if answer.transient else DruidRefused
    return kind(method, url, answer, detail)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
