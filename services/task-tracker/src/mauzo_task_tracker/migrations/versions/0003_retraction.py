"""retraction: task kind, the task a retraction retracts, the upload's time interval

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default=sa.text("'load'"))
        )
        batch.add_column(sa.Column("retracts_task_id", sa.String(64)))
        batch.add_column(sa.Column("interval_start", TS))
        batch.add_column(sa.Column("interval_end", TS))
        batch.create_index("ix_tasks_retracts_task_id", ["retracts_task_id"])


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_retracts_task_id")
        for column in ("interval_end", "interval_start", "retracts_task_id", "kind"):
            batch.drop_column(column)
