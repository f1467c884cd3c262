"""好差评: ratings one per ticket, with indicators, reasons and contact; cases for bad ratings
(issue #13)

The ``evaluations`` table of the first schema was never written by any release (the kiosk's
评价 said 即将开通), so it is replaced rather than altered; the upgrade refuses to drop it if a
hall has rows in it after all. ``evaluation_cases`` is new.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _refuse_if_rated() -> None:
    rows = op.get_bind().scalar(sa.text("SELECT count(*) FROM evaluations"))
    if rows:
        raise RuntimeError(
            f"evaluations holds {rows} rows written outside ServiceHall: export them first"
        )


def upgrade() -> None:
    _refuse_if_rated()
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_site_id"))
    op.drop_table("evaluations")
    op.create_table(
        "evaluations",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("window_id", sa.Uuid(), nullable=True),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("matter_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_evaluations_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_evaluations_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"], ["windows.id"], name=op.f("fk_evaluations_window_id_windows")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_evaluations_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["service_matters.id"],
            name=op.f("fk_evaluations_matter_id_service_matters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_evaluations_ticket_id")),
        sa.UniqueConstraint("request_key", name=op.f("uq_evaluations_request_key")),
    )
    op.create_index(
        "ix_evaluations_site_created", "evaluations", ["site_id", "created_at"], unique=False
    )
    op.create_table(
        "evaluation_cases",
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("visit_note", sa.Text(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("appeal_reason", sa.Text(), nullable=True),
        sa.Column("appeal_evidence", sa.Text(), nullable=True),
        sa.Column("appealed_by", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_cases_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_evaluation_cases_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["appealed_by"], ["staff.id"], name=op.f("fk_evaluation_cases_appealed_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.id"], name=op.f("fk_evaluation_cases_decided_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_cases")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_evaluation_cases_evaluation_id")),
    )
    op.create_index(
        "ix_evaluation_cases_site_state_due",
        "evaluation_cases",
        ["site_id", "state", "due_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_evaluation_cases_site_state_due", table_name="evaluation_cases")
    op.drop_table("evaluation_cases")
    op.drop_index("ix_evaluations_site_created", table_name="evaluations")
    op.drop_table("evaluations")
    op.create_table(
        "evaluations",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("window_id", sa.Uuid(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_evaluations_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_evaluations_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"], ["windows.id"], name=op.f("fk_evaluations_window_id_windows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_site_id"), ["site_id"], unique=False)
