"""validation details on tasks: rows read/rejected, report keys, date formats

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("rows_read", sa.BigInteger()))
        batch.add_column(sa.Column("rows_rejected", sa.BigInteger()))
        batch.add_column(sa.Column("report_key", sa.String(1024)))
        batch.add_column(sa.Column("rejected_rows_key", sa.String(1024)))
        batch.add_column(sa.Column("date_formats", sa.JSON()))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        for column in (
            "date_formats",
            "rejected_rows_key",
            "report_key",
            "rows_rejected",
            "rows_read",
        ):
            batch.drop_column(column)
