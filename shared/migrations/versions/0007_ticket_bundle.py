"""a ticket may be for a 一件事 bundle (issue #11)

A bundle is one queue, not one matter, so its ticket had no matter and its slip no
checklist. ``tickets.bundle_id`` records the bundle the visitor chose; the slip lists the
bundle's combined materials and demand counts the bundle. Added in place (nullable, no
default): no table copy, so a hall with years of tickets upgrades in a moment.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


FK = "fk_tickets_bundle_id_matter_bundles"


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        # Alembic adds a foreign key as a separate ALTER, which SQLite lacks (batch mode would
        # copy the whole table); SQLite takes it inline in ADD COLUMN (a nullable column).
        op.execute(
            f"ALTER TABLE tickets ADD COLUMN bundle_id CHAR(32) "
            f"CONSTRAINT {FK} REFERENCES matter_bundles (id)"
        )
        return
    op.add_column(
        "tickets",
        sa.Column(
            "bundle_id",
            sa.Uuid(),
            sa.ForeignKey("matter_bundles.id", name=FK),
            nullable=True,
        ),
    )


def downgrade() -> None:
    # SQLite reports its foreign keys without names: the convention names the reflected one,
    # so it can be dropped by name before the column (the table is copied, as batch mode does).
    convention = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
    with op.batch_alter_table("tickets", schema=None, naming_convention=convention) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("bundle_id")
