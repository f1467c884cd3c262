"""the district-wide priority inbox by state (issue #10)

The inbox as it opens lists the requests still open (new, accepted), newest first. For one
site ``ix_priority_requests_site_state_created`` answers it; for every site at once (the
district view) this index does, so neither scans three years of finished requests.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("priority_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_priority_requests_state_created", ["state", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("priority_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_priority_requests_state_created")
