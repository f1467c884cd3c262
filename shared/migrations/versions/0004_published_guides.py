"""guides as governments publish them, and 一件事 bundles (issue #11)

The catalog now holds what a published 办事指南 says and nothing it does not: materials in
groups with a rule, quantities as published, time limits and visits as text with an optional
number, the fee as text (``NULL`` when not published), 办理时间, phones, 设定依据, 办件类型,
online channels, the 跨域通办/全程网办 flags and the source reference. 一件事 bundles get
three tables of their own.

Existing rows are converted, keeping what was stored and inventing nothing new: a time
limit of N days becomes ``N个工作日`` (0 becomes ``即办``), visits ``N次``, each material
``{"name", "original", "copy"}`` one item of a single "all" group with its counts written
out (``原件1份，复印件1份``), the online address one channel, the audience tags its
published text; empty text becomes ``NULL``.

Columns whose type or nullability changes are replaced (add, copy, drop, rename) rather
than altered: SQLite would otherwise rebuild ``service_matters``, and dropping the old table
inside the migration's transaction would cascade to ``matter_sites`` and trip the tickets'
foreign keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 13:30:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "service_matters"


def _replace_column(name: str, column_type: Any, nullable: bool, default: str | None) -> None:
    """Give column ``name`` a new type or nullability, keeping its values."""
    temporary = f"{name}_v4"
    op.add_column(
        TABLE,
        sa.Column(
            temporary,
            column_type,
            nullable=nullable,
            server_default=None if default is None else sa.text(default),
        ),
    )
    op.execute(f"UPDATE {TABLE} SET {temporary} = {name}")
    op.drop_column(TABLE, name)
    op.execute(f"ALTER TABLE {TABLE} RENAME COLUMN {temporary} TO {name}")


def _blank(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _days_text(days: int | None) -> str | None:
    if days is None:
        return None
    return "即办" if days <= 0 else f"{days}个工作日"


def _item(old: dict[str, Any]) -> dict[str, Any]:
    """An old ``{"name", "original", "copy"}`` material as an item of the new shape."""
    original = int(old.get("original") or 0)
    copy = int(old.get("copy") or 0)
    parts = []
    if original:
        parts.append(f"原件{original}份")
    if copy:
        parts.append(f"复印件{copy}份")
    # The quantity says original or copy; a count only when it gives one number.
    count = original if original and not copy else (copy if copy and not original else None)
    return {
        "name": str(old.get("name") or ""),
        "quantity": "，".join(parts) or None,
        "count": count,
        "form": None,
        "required": None,
        "note": None,
        "blank_form": None,
    }


def _groups(materials: Any) -> list[dict[str, Any]]:
    if not materials:
        return []
    if all(isinstance(m, dict) and "items" in m for m in materials):
        return list(materials)  # already grouped
    items = [_item(m) for m in materials if isinstance(m, dict) and m.get("name")]
    return [{"title": None, "rule": "all", "items": items}] if items else []


def upgrade() -> None:
    op.create_table(
        "matter_bundles",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("queue_prefix", sa.String(length=4), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("hours", sa.Text(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("promised_limit_text", sa.Text(), nullable=True),
        sa.Column("promised_limit_days", sa.Integer(), nullable=True),
        sa.Column("visits_text", sa.String(length=100), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=True),
        sa.Column("fee", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_matter_bundles_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_bundles")),
        sa.UniqueConstraint("code", name=op.f("uq_matter_bundles_code")),
    )
    op.create_table(
        "matter_bundle_items",
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("matter_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["matter_bundles.id"],
            name=op.f("fk_matter_bundle_items_bundle_id_matter_bundles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["service_matters.id"],
            name=op.f("fk_matter_bundle_items_matter_id_service_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bundle_id", "matter_id", name=op.f("pk_matter_bundle_items")),
    )
    op.create_index(
        op.f("ix_matter_bundle_items_matter_id"),
        "matter_bundle_items",
        ["matter_id"],
        unique=False,
    )
    op.create_table(
        "matter_bundle_sites",
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["matter_bundles.id"],
            name=op.f("fk_matter_bundle_sites_bundle_id_matter_bundles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_matter_bundle_sites_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bundle_id", "site_id", name=op.f("pk_matter_bundle_sites")),
    )

    # New published fields: all optional, so existing rows start with nothing published.
    op.add_column(
        TABLE,
        sa.Column("code_derived", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    for name, column_type in (
        ("audience_text", sa.Text()),
        ("hours", sa.Text()),
        ("legal_limit_text", sa.Text()),
        ("promised_limit_text", sa.Text()),
        ("instant", sa.Boolean()),
        ("handling_type", sa.String(length=50)),
        ("visits_text", sa.String(length=100)),
        ("complaint_phone", sa.Text()),
        ("basis", sa.Text()),
        ("cross_region", sa.Boolean()),
        ("fully_online", sa.Boolean()),
        ("index_no", sa.String(length=100)),
        ("source_url", sa.String(length=500)),
    ):
        op.add_column(TABLE, sa.Column(name, column_type, nullable=True))
    op.add_column(
        TABLE, sa.Column("online", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    # Columns that may now be empty (NULL: not published), some also wider.
    _replace_column("location", sa.Text(), True, None)
    _replace_column("conditions", sa.Text(), True, None)
    _replace_column("legal_limit_days", sa.Integer(), True, None)
    _replace_column("promised_limit_days", sa.Integer(), True, None)
    _replace_column("fee", sa.Text(), True, None)
    _replace_column("visits", sa.Integer(), True, None)
    _replace_column("phone", sa.Text(), True, None)

    matters = sa.table(
        TABLE,
        sa.column("id", sa.Uuid()),
        sa.column("audience", sa.String()),
        sa.column("audience_text", sa.Text()),
        sa.column("materials", sa.JSON()),
        sa.column("legal_limit_days", sa.Integer()),
        sa.column("legal_limit_text", sa.Text()),
        sa.column("promised_limit_days", sa.Integer()),
        sa.column("promised_limit_text", sa.Text()),
        sa.column("instant", sa.Boolean()),
        sa.column("visits", sa.Integer()),
        sa.column("visits_text", sa.String()),
        sa.column("fee", sa.Text()),
        sa.column("location", sa.Text()),
        sa.column("conditions", sa.Text()),
        sa.column("phone", sa.String()),
        sa.column("online_url", sa.String()),
        sa.column("online", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            matters.c.id,
            matters.c.audience,
            matters.c.materials,
            matters.c.legal_limit_days,
            matters.c.promised_limit_days,
            matters.c.visits,
            matters.c.fee,
            matters.c.location,
            matters.c.conditions,
            matters.c.phone,
            matters.c.online_url,
        )
    ).all()
    updates = []
    for row in rows:
        url = _blank(row.online_url)
        updates.append(
            {
                "row_id": row.id,
                "audience_text": _blank(row.audience),
                "materials": _groups(row.materials),
                "legal_limit_text": _days_text(row.legal_limit_days),
                "promised_limit_text": _days_text(row.promised_limit_days),
                "instant": None
                if row.promised_limit_days is None
                else row.promised_limit_days <= 0,
                "visits_text": None if row.visits is None else f"{row.visits}次",
                "fee": _blank(row.fee),
                "location": _blank(row.location),
                "conditions": _blank(row.conditions),
                "phone": _blank(row.phone),
                "online": [{"name": "网上办理", "url": url}] if url else [],
            }
        )
    if updates:
        connection.execute(
            matters.update()
            .where(matters.c.id == sa.bindparam("row_id"))
            .values(
                {
                    name: sa.bindparam(name)
                    for name in (
                        "audience_text",
                        "materials",
                        "legal_limit_text",
                        "promised_limit_text",
                        "instant",
                        "visits_text",
                        "fee",
                        "location",
                        "conditions",
                        "phone",
                        "online",
                    )
                }
            ),
            updates,
        )
    op.drop_column(TABLE, "online_url")


def _old_item(item: dict[str, Any]) -> dict[str, Any]:
    form = str(item.get("form") or "")
    count = item.get("count") or 0
    quantity = str(item.get("quantity") or "")
    original = copy = 0
    for word, target in (("原件", "original"), ("复印件", "copy")):
        digits = quantity.split(word, 1)[1] if word in quantity else ""
        number = "".join(c for c in digits[:4] if c.isdigit())
        if number:
            if target == "original":
                original = int(number)
            else:
                copy = int(number)
    if not (original or copy) and count:
        if form == "复印件":
            copy = int(count)
        else:
            original = int(count)
    return {"name": item.get("name", ""), "original": original, "copy": copy}


def downgrade() -> None:
    matters = sa.table(
        TABLE,
        sa.column("id", sa.Uuid()),
        sa.column("materials", sa.JSON()),
        sa.column("online", sa.JSON()),
        sa.column("online_url", sa.String()),
    )
    op.add_column(
        TABLE,
        sa.Column("online_url", sa.String(length=300), nullable=False, server_default=""),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(matters.c.id, matters.c.materials, matters.c.online))
    updates = []
    for row in rows:
        items = [i for g in row.materials or [] for i in g.get("items", [])]
        url = next((c.get("url") for c in row.online or [] if c.get("url")), "") or ""
        updates.append(
            {
                "row_id": row.id,
                "materials": [_old_item(i) for i in items],
                "online_url": url[:300],
            }
        )
    if updates:
        connection.execute(
            matters.update()
            .where(matters.c.id == sa.bindparam("row_id"))
            .values(materials=sa.bindparam("materials"), online_url=sa.bindparam("online_url")),
            updates,
        )
    for name in ("location", "conditions", "fee", "phone"):
        op.execute(f"UPDATE {TABLE} SET {name} = '' WHERE {name} IS NULL")
    op.execute(f"UPDATE {TABLE} SET legal_limit_days = 0 WHERE legal_limit_days IS NULL")
    op.execute(f"UPDATE {TABLE} SET promised_limit_days = 0 WHERE promised_limit_days IS NULL")
    op.execute(f"UPDATE {TABLE} SET visits = 1 WHERE visits IS NULL")
    _replace_column("location", sa.String(length=100), False, "''")
    _replace_column("conditions", sa.Text(), False, "''")
    _replace_column("legal_limit_days", sa.Integer(), False, "0")
    _replace_column("promised_limit_days", sa.Integer(), False, "0")
    _replace_column("fee", sa.String(length=100), False, "''")
    _replace_column("visits", sa.Integer(), False, "1")
    _replace_column("phone", sa.String(length=40), False, "''")
    for name in (
        "online",
        "source_url",
        "index_no",
        "fully_online",
        "cross_region",
        "basis",
        "complaint_phone",
        "visits_text",
        "handling_type",
        "instant",
        "promised_limit_text",
        "legal_limit_text",
        "hours",
        "audience_text",
        "code_derived",
    ):
        op.drop_column(TABLE, name)
    op.drop_table("matter_bundle_sites")
    op.drop_index(op.f("ix_matter_bundle_items_matter_id"), table_name="matter_bundle_items")
    op.drop_table("matter_bundle_items")
    op.drop_table("matter_bundles")
