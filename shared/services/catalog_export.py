"""Catalog export and the import template, in the forms :mod:`shared.services.catalog_io`
reads back (issue #11).

The workbook carries everything: 事项, 材料 (one row per material with its group and rule),
流程 (one row per step) and 一件事. The single-sheet CSV carries each matter's row with its
materials and steps as lines in a cell; it has no room for 一件事 bundles, which
:func:`csv_losses` counts so the caller can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.models import ServiceMatter
from shared.models.catalog import MatterBundle, MatterBundleItem
from shared.services.catalog_files import format_of, write_csv, write_workbook
from shared.services.catalog_format import (
    BUNDLE_COLUMNS,
    BUNDLE_SHEET,
    COLUMNS,
    EXAMPLE_BUNDLE,
    EXAMPLE_ROW,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    MATTER_COLUMNS,
    MATTER_SHEET,
    STEP_COLUMNS,
    STEP_SHEET,
    bundle_rows,
    format_row,
    material_rows,
    matter_cell,
    step_rows,
)

__all__ = [
    "bundle_values",
    "catalog_rows",
    "csv_losses",
    "export_catalog",
    "write_catalog_file",
    "write_template",
]

#: What the workbook's 填写说明 sheet says under the columns.
_NOTES = (
    "示例行（编码以“示例”开头）不会被导入：请删除或改为真实内容。",
    "未公布的内容请留空，系统显示“请咨询窗口”，不会自动填写默认值。",
)
#: The matter's own fields, by column key (the rest are derived below).
_PLAIN = (
    "code_derived",
    "name",
    "matter_type",
    "queue_prefix",
    "location",
    "hours",
    "conditions",
    "materials",
    "steps",
    "instant",
    "handling_type",
    "fee",
    "phone",
    "complaint_phone",
    "basis",
    "online",
    "fully_online",
    "cross_region",
    "index_no",
    "source_url",
    "life_events",
    "active",
)


def _sites(sites: Sequence[Any]) -> list[str]:
    return [s.code for s in sorted(sites, key=lambda s: (s.sort_order, s.code))]


def catalog_rows(session: Session) -> list[dict[str, Any]]:
    """Every matter (in code order) as the values of the file's columns."""
    matters = session.scalars(
        select(ServiceMatter)
        .options(selectinload(ServiceMatter.sites), selectinload(ServiceMatter.department))
        .order_by(ServiceMatter.code)
    )
    rows = []
    for matter in matters:
        values: dict[str, Any] = {key: getattr(matter, key) for key in _PLAIN}
        values["code"] = matter.code
        values["department"] = matter.department.name
        values["audience"] = matter.audience_text
        values["sites"] = _sites(matter.sites)
        values["legal_limit"] = matter.legal_limit_text
        values["promised_limit"] = matter.promised_limit_text
        values["visits"] = matter.visits_text
        rows.append(values)
    return rows


def bundle_values(session: Session) -> list[dict[str, Any]]:
    """Every 一件事 bundle (in code order) with its matters' codes, materials and steps."""
    bundles = session.scalars(
        select(MatterBundle)
        .options(
            selectinload(MatterBundle.sites),
            selectinload(MatterBundle.department),
            selectinload(MatterBundle.items).selectinload(MatterBundleItem.matter),
        )
        .order_by(MatterBundle.code)
    )
    return [
        {
            "code": b.code,
            "name": b.name,
            "matters": [item.matter.code for item in b.items],
            "department": b.department.name if b.department else None,
            "sites": _sites(b.sites),
            "queue_prefix": b.queue_prefix,
            "location": b.location,
            "hours": b.hours,
            "conditions": b.conditions,
            "promised_limit": b.promised_limit_text,
            "visits": b.visits_text,
            "fee": b.fee,
            "phone": b.phone,
            "source_url": b.source_url,
            "active": b.active,
            "materials": list(b.materials),
            "steps": list(b.steps),
        }
        for b in bundles
    ]


def csv_losses(rows: Sequence[Mapping[str, Any]], bundles: Sequence[Any] = ()) -> int:
    """How many records a CSV cannot carry: the 一件事 bundles (it has only the 事项 sheet)."""
    del rows  # every matter's fields fit in its row
    return len(bundles)


def write_catalog_file(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    bundles: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Write matters (as from :func:`catalog_rows`) and bundles to an XLSX workbook, or the
    matters to a single-sheet CSV."""
    if format_of(path) == ".csv":
        write_csv(path, COLUMNS, [format_row(values) for values in rows])
        return
    materials: list[list[str]] = []
    steps: list[list[str]] = []
    for values in [*rows, *bundles]:
        materials += material_rows(str(values["code"]), values.get("materials") or ())
        steps += step_rows(str(values["code"]), values.get("steps") or ())
    write_workbook(
        path,
        [
            (
                MATTER_SHEET,
                MATTER_COLUMNS,
                [[matter_cell(values, c.key) for c in MATTER_COLUMNS] for values in rows],
            ),
            (MATERIAL_SHEET, MATERIAL_COLUMNS, materials),
            (STEP_SHEET, STEP_COLUMNS, steps),
            (BUNDLE_SHEET, BUNDLE_COLUMNS, [r for b in bundles for r in bundle_rows(b)]),
        ],
        _NOTES,
    )


def export_catalog(session: Session, path: Path) -> int:
    """Write the whole catalog to ``path`` (.xlsx or .csv); returns the number of matters."""
    rows = catalog_rows(session)
    write_catalog_file(path, rows, bundle_values(session))
    return len(rows)


def write_template(path: Path) -> None:
    """The template: the columns with example rows, which the import refuses (their codes
    start with 示例), so they are never imported by accident."""
    bundle = EXAMPLE_BUNDLE | {"materials": [], "steps": []}
    write_catalog_file(path, [EXAMPLE_ROW], [bundle])
