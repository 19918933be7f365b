"""A file's batches checked concurrently, their results handed back in file order.

Building the canonical columns of one batch (canonical.py) is a chain of Polars steps, each
parallel inside but with serial Python between them, so one batch at a time kept about 1.3 of
the 2 cores busy. Two batches in flight fill the gaps of each other, and the next batch is read
meanwhile. Everything that depends on order (part numbers, row numbers, totals, rejected rows)
stays with the caller, which takes the results one by one in the order the batches were read.
Memory grows by one batch in flight (settings.batch_workers bounds it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from mauzo_validator.canonical import Canonical, build
from mauzo_validator.mapping import Mapping
from mauzo_validator.plan import Plan
from mauzo_validator.rules import RuleOutcome, evaluate
from mauzo_validator.settings import ValidatorSettings


@dataclass(frozen=True)
class CheckedBatch:
    source: pl.DataFrame
    first_row: int
    canonical: Canonical
    outcome: RuleOutcome
    valid: pl.DataFrame


@dataclass(frozen=True)
class BatchChecker:
    mapping: Mapping
    plan: Plan
    settings: ValidatorSettings
    now: datetime
    upload_id: str

    def check(self, source: pl.DataFrame, first_row: int) -> CheckedBatch:
        canonical = build(
            source,
            self.mapping,
            self.plan,
            self.settings,
            now=self.now,
            upload_id=self.upload_id,
            first_row=first_row,
        )
        examples = self.settings.report_examples
        outcome = evaluate(canonical.frame, canonical.checks, examples=examples)
        valid = canonical.frame.filter(~outcome.invalid)
        return CheckedBatch(source, first_row, canonical, outcome, valid)


def checked_in_order(
    batches: Iterable[pl.DataFrame],
    check: Callable[[pl.DataFrame, int], CheckedBatch],
    *,
    workers: int,
    seen: Callable[[pl.DataFrame], None] = lambda _: None,
) -> Iterator[CheckedBatch]:
    """`check(batch, first_row)` of every batch, at most `workers` at once, in file order.

    `seen` is called on each batch as it is read, on the caller's thread. A failure is raised
    when its batch's turn comes; the batches still in flight are waited for, not abandoned."""
    row = 1
    with ThreadPoolExecutor(workers, thread_name_prefix="batch-check") as pool:
        pending: deque[Future[CheckedBatch]] = deque()
        try:
            for batch in batches:
                seen(batch)
                pending.append(pool.submit(check, batch, row))
                row += batch.height
                if len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
