"""tasks and task_events

Revision ID: 0001
Revises:
Create Date: 2025-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("datasource", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255)),
        sa.Column("object_key", sa.String(1024)),
        sa.Column("size_bytes", sa.BigInteger()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("rows_validated", sa.BigInteger()),
        sa.Column("expected_rows", sa.BigInteger()),
        sa.Column("rows_ingested", sa.BigInteger()),
        sa.Column("druid_task_id", sa.String(255)),
        sa.Column("error_code", sa.String(64)),
        sa.Column("error_message", sa.Text()),
        sa.Column("error_hint", sa.Text()),
        sa.Column("mapping", sa.JSON()),
        sa.Column("options", sa.JSON()),
        sa.Column("completion_envelope", sa.JSON()),
        sa.Column("completion_published_at", TS),
        sa.Column("submitted_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_tasks_datasource", "tasks", ["datasource"])
    op.create_index("ix_tasks_state", "tasks", ["state"])
    op.create_index("ix_tasks_created_at", "tasks", ["created_at"])
    op.create_index("ix_tasks_datasource_sha256", "tasks", ["datasource", "sha256"])
    op.create_table(
        "task_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column(
            "task_id",
            sa.String(64),
            sa.ForeignKey("tasks.task_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("state_after", sa.String(16), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
    )
    op.create_index("ix_task_events_task_id", "task_events", ["task_id"])


def downgrade() -> None:
    op.drop_table("task_events")
    op.drop_table("tasks")
