"""spec-builder's failures. None of them is the user's fault: each is retried, then dead-lettered.

A file the user got wrong is rejected by the validator before it reaches us, so a spec that cannot
be built, or that the Overlord refuses, is a bug on our side (or a broken contract between
services), never an `InputRejected`.
"""

from __future__ import annotations

from mauzo_common.errors import MauzoError, TransientError, UpstreamRefused


class SpecError(MauzoError):
    """The validated event cannot be turned into a Druid spec (a broken event contract)."""

    code = "spec_not_buildable"


class OverlordRefused(UpstreamRefused):
    """The Overlord answered 4xx to our spec: our bug; retried, then dead-lettered."""

    code = "overlord_refused"

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(f"Overlord refused the task ({status_code}): {message}")
        self.status_code = status_code


class OverlordUnavailable(TransientError):
    """The Overlord could not be reached, timed out or answered 5xx/429: retried."""

    code = "overlord_unavailable"
