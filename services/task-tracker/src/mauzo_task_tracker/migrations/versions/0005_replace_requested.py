"""replace=true as a typed column instead of the string "true" among the parsing options

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mauzo_common.options import parse_bool

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

tasks = sa.table(
    "tasks",
    sa.column("task_id", sa.String),
    sa.column("options", sa.JSON),
    sa.column("replace_requested", sa.Boolean),
)


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column("replace_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Loads registered before this revision carried the flag as options["replace"].
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(tasks.c.task_id, tasks.c.options).where(tasks.c.options.is_not(None))
    )
    replacing = [
        task_id
        for task_id, options in rows
        if isinstance(options, dict) and parse_bool(str(options.get("replace", ""))) is True
    ]
    if replacing:
        connection.execute(
            tasks.update().where(tasks.c.task_id.in_(replacing)).values(replace_requested=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("replace_requested")
