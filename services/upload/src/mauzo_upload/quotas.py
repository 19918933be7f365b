"""Upload quotas per identity: files per hour and bytes per day, in the `limits` counters.

Counted per token subject (a Mauzo service is never counted; a request without a principal has
no identity to count, which only happens where the auth gate is not installed). A file is
admitted when the hour still has a file left and the day's bytes still hold the size the request
declares; the bytes actually received are then spent. Fixed windows: the message can say when
the quota resets, and a window of bytes keeps one counter, not one entry per byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

from limits import parse

from mauzo_common.auth.principal import Principal
from mauzo_common.errors import RateLimited, TooLarge
from mauzo_common.throttle.counters import Counters, Used
from mauzo_upload.settings import MB, UploadSettings


def size(n: float) -> str:
    for unit, scale in (("GiB", 1024 * MB), ("MiB", MB), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} bytes"


def resets(used: Used) -> str:
    at = dt.datetime.fromtimestamp(used.reset_at, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"it resets in {used.retry_after} s (at {at})"


class UploadQuotas:
    def __init__(self, settings: UploadSettings) -> None:
        self.enabled = settings.limits_enabled
        self.files = parse(f"{settings.upload_quota_files_per_hour}/hour")
        self.bytes = parse(f"{settings.upload_quota_bytes_per_day}/day")
        self.counters = Counters.from_uri(settings.rate_limit_storage, fixed=True)

    def key(self, principal: Principal | None) -> str | None:
        if not self.enabled or principal is None or principal.is_service:
            return None
        return f"upload-quota:{principal.kind}:{principal.subject}"

    async def admit(self, principal: Principal | None, declared: int) -> None:
        """Refuses (429) before a byte is read when either quota is spent."""
        key = self.key(principal)
        if key is None or principal is None:
            return
        over = await self.counters.fits(self.bytes, key, max(declared, 1))
        if over is not None:
            spent = self.bytes.amount - over.remaining
            if spent == 0:  # waiting would not help: it is bigger than a whole day's quota
                raise TooLarge(
                    "upload_over_quota",
                    f"The upload ({size(declared)}) is larger than the daily upload quota of "
                    f"{size(self.bytes.amount)} for {principal.subject}.",
                    "Split the file, or ask an admin to raise MAUZO_UPLOAD_QUOTA_BYTES_PER_DAY.",
                )
            raise RateLimited(
                f"Daily upload quota of {size(self.bytes.amount)} for {principal.subject}: "
                f"{size(spent)} used, this upload is {size(declared)}; {resets(over)}.",
                retry_after=over.retry_after,
                hint="Upload again after the reset, or ask an admin to raise "
                "MAUZO_UPLOAD_QUOTA_BYTES_PER_DAY.",
            )
        over = await self.counters.hit([self.files], key)
        if over is not None:
            raise RateLimited(
                f"Upload quota of {self.files.amount} files per hour for {principal.subject}: "
                f"{self.files.amount} used; {resets(over)}.",
                retry_after=over.retry_after,
                hint="Upload again after the reset, or ask an admin to raise "
                "MAUZO_UPLOAD_QUOTA_FILES_PER_HOUR.",
            )

    async def spend(self, principal: Principal | None, received: int) -> None:
        """Spends the bytes a request actually sent (refused or not: they were received)."""
        key = self.key(principal)
        if key is not None and received > 0:
            await self.counters.hit([self.bytes], key, cost=received)


class Tally:
    """Counts a request body's bytes as they pass, without touching the counters per chunk."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self.chunks = chunks
        self.total = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.chunks:
            self.total += len(chunk)
            yield chunk
