"""search aliases, synonyms and guide views (issue #11, item 4)

Three new tables for catalog search: ``matter_aliases`` (another name for one matter),
``search_synonyms`` (words the hall added to the shipped synonym list) and
``guide_view_counts`` (kiosk guide views per day, site and matter, keyed day first so a
recent window is one range of the primary key). Nothing existing changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_synonyms",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("means", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
        sa.UniqueConstraint("term", "means", name=op.f("uq_search_synonyms_term_means")),
    )
    op.create_table(
        "guide_view_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("matter_id", sa.Uuid(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["service_matters.id"],
            name=op.f("fk_guide_view_counts_matter_id_service_matters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_guide_view_counts_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "site_id", "matter_id", name=op.f("pk_guide_view_counts")),
    )
    op.create_table(
        "matter_aliases",
        sa.Column("matter_id", sa.Uuid(), nullable=False),
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["service_matters.id"],
            name=op.f("fk_matter_aliases_matter_id_service_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_aliases")),
        sa.UniqueConstraint("matter_id", "alias", name=op.f("uq_matter_aliases_matter_id_alias")),
    )


def downgrade() -> None:
    op.drop_table("matter_aliases")
    op.drop_table("guide_view_counts")
    op.drop_table("search_synonyms")
