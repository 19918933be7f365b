"""A sales file's rows as sale events in the producer contract, mapped as a drop would map them.

`mauzo produce` posts a file to `POST /api/ingest/sale-events` and publishes what comes back: the
validator's own pipeline runs on the file in scratch space (reading, mapping, row rules, exactly as
for a drop), and its clean rows become `SaleEvent`s (mauzo_common.events): `time` in UTC ISO-8601,
the dimensions, `amount` and `quantity` signed (a return is negative), `cost`, `discount`, `tax`.
Rows the rules refuse are counted, not converted. Each event id is the file's SHA-256 prefix and
the row's number, so producing the same file twice loads it once.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mauzo_common.errors import InputRejected
from mauzo_common.events import FileUploaded
from mauzo_common.file_kinds import HEAD_BYTES, kind_of
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_common.sales_model import Dimension
from mauzo_validator.pipeline import Rejected, validate_upload
from mauzo_validator.settings import ValidatorSettings


@dataclass(frozen=True)
class SaleEvents:
    events: pl.DataFrame
    rows_read: int
    rows_refused: int


def sale_events(
    path: Path, datasource: str, settings: ValidatorSettings, *, options: dict[str, str]
) -> SaleEvents:
    """The file's clean rows as contract events, its rows read and the rows the rules refused."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory(prefix="sale-events-", dir=settings.scratch_dir()) as tmp:
        root = Path(tmp) / "objects"
        store = LocalObjectStore(root)
        key = f"produce/{datasource}/{path.name}"
        store.put_bytes(key, data)
        uploaded = FileUploaded(
            datasource=datasource,
            object_key=key,
            file_name=path.name,
            size_bytes=len(data),
            sha256=digest,
            file_kind=kind_of(data[:HEAD_BYTES]),
            options=options,
        )
        local = settings.model_copy(update={"object_store": "local", "object_store_root": root})
        outcome = validate_upload(store, uploaded, "sale-events", local)
        if isinstance(outcome, Rejected):
            raise InputRejected(outcome.error.code, outcome.error.message, outcome.error.hint)
        frame = pl.concat([pl.read_parquet(root / k) for k in outcome.processed_keys])
    dims = [d.value for d in Dimension if d.value in frame.columns]
    optional = [m for m in ("discount", "tax") if m in frame.columns]
    events = frame.with_row_index("__n").select(
        pl.concat_str(pl.lit(f"{digest[:16]}-"), pl.col("__n").cast(pl.String)).alias("event_id"),
        pl.lit(datasource).alias("datasource"),
        pl.col("__time").dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").alias("time"),
        *(pl.col(d) for d in dims),
        (pl.col("gross_revenue") + pl.col("returns_value")).alias("amount"),
        (pl.col("units_sold") - pl.col("units_returned")).alias("quantity"),
        pl.col("cost"),
        *(pl.col(m) for m in optional),
    )  # fmt: skip
    return SaleEvents(events, outcome.rows_read, outcome.rows_rejected)
