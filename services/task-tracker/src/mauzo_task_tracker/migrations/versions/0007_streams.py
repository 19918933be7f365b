"""Streamed datasources: counters per datasource and the applied batch events

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "streams",
        sa.Column("datasource", sa.String(64), primary_key=True),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("valid", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("duplicate", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_batch_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "stream_batches",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("datasource", sa.String(64), nullable=False),
        sa.Column("valid", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_stream_batches_datasource", "stream_batches", ["datasource"])
    op.create_index("ix_stream_batches_recorded_at", "stream_batches", ["recorded_at"])


def downgrade() -> None:
    op.drop_table("stream_batches")
    op.drop_table("streams")
