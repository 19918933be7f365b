"""Query granularity: Druid's simple names, `period` (with time zone and origin) and `duration`,
parsed by timeutil.granularity; buckets cut with the fast zone conversion of timeutil.zones.

Results print a bucket's start in the granularity's zone, as Druid does
("2018-01-01T00:00:00.000+03:00" for a period in Africa/Nairobi).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from mauzo_olap_lite.native.errors import bad_query
from mauzo_olap_lite.sql.context import format_timestamp, zone_info, zone_name
from mauzo_olap_lite.timeutil.buckets import zoned_floor_sql
from mauzo_olap_lite.timeutil.granularity import Granularity, parse_granularity

MAX_FILLED_BUCKETS = 100_000


class QueryGranularity:
    def __init__(self, raw: Any) -> None:
        try:
            self.spec: Granularity = parse_granularity(raw, "all")
            self.zone = zone_name(self.spec.time_zone) if self.spec.time_zone else "UTC"
        except (ValueError, KeyError) as exc:
            raise bad_query(str(exc)) from exc
        self.tz: tzinfo = zone_info(self.zone)

    @property
    def is_all(self) -> bool:
        return self.spec.kind == "all"

    def bucket_sql(self, expr: str) -> str:
        """The bucket start (naive UTC) of a naive-UTC time expression; NULL for `all`."""
        if self.is_all:
            return "CAST(NULL AS TIMESTAMP)"
        if self.spec.period is None:  # none: every millisecond is its own bucket
            return expr
        return zoned_floor_sql(expr, self.spec.period, self.spec.origin, self.zone)

    def format(self, moment: datetime) -> str:
        local = moment.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)
        return format_timestamp(local, self.tz)

    def buckets(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Bucket starts (naive UTC) of [start, end), stepping in the zone's wall clock."""
        period = self.spec.period
        if period is None or period.is_zero:
            return
        first = self._floor(start)
        local = first.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)
        for step in range(MAX_FILLED_BUCKETS):
            moment = period.add_to(local, step).replace(tzinfo=self.tz).astimezone(UTC)
            naive = moment.replace(tzinfo=None)
            if naive >= end:
                return
            if naive >= start or step == 0:
                yield naive

    def _floor(self, moment: datetime) -> datetime:
        """Python's floor of one instant, through DuckDB-free arithmetic on whole periods."""
        period = self.spec.period
        assert period is not None
        local = moment.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)
        if period.total_months:
            months = (
                (local.year * 12 + local.month - 1) // period.total_months * period.total_months
            )
            floored = datetime(months // 12, months % 12 + 1, 1)  # noqa: DTZ001 - wall clock
        else:
            width = period.fixed_millis * 1000
            origin = datetime(1970, 1, 1)  # noqa: DTZ001 - wall clock
            if period.weeks and not period.days:
                origin = datetime(1970, 1, 5)  # noqa: DTZ001 - ISO weeks start on Monday
            micros = (local - origin) // _MICRO
            floored = origin + (micros // width * width) * _MICRO
        return floored.replace(tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)


_MICRO = datetime(1970, 1, 1, 0, 0, 0, 1) - datetime(1970, 1, 1)  # noqa: DTZ001
