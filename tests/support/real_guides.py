"""Real published 办事指南 (``tests/fixtures/guides/real_guides.json``) loaded as a hall's IT
person would: set up the departments, take the import template, delete its example rows and
fill in 事项, 材料 and 流程 one row per matter, material and step (issue #11, item 6).

:func:`expected_guide` says what reading each guide back must give: every published value
as published (cells are trimmed at their ends, as a spreadsheet does), ``None`` or empty
where the page published nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Department, Queue, Site
from shared.services.catalog_format import (
    BUNDLE_SHEET,
    MATERIAL_COLUMNS,
    MATERIAL_SHEET,
    MATTER_COLUMNS,
    MATTER_SHEET,
    STEP_COLUMNS,
    STEP_SHEET,
)
from shared.services.catalog_io import write_template
from shared.services.catalog_values import RULE_WORDS
from shared.services.org import save_department, save_queue, save_site

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "guides" / "real_guides.json"
SITE = "rg-hall"
QUEUE = "A"
#: The hall department IT files a guide under when the page names none.
UNNAMED_DEPARTMENT = "综合受理窗口"


def load_guides() -> list[dict[str, Any]]:
    """The real guides, as collected."""
    guides: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return guides


def clean(value: Any) -> Any:
    """A published text as a spreadsheet cell gives it back: trimmed at its ends, line
    breaks as ``\\n``; empty is not published (``None``)."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def hall_department(guide: dict[str, Any]) -> str:
    """The hall department IT files the guide under: the one the page names, else the
    general windows."""
    return clean(guide["department"]) or UNNAMED_DEPARTMENT


def reference(guide: dict[str, Any]) -> str:
    """How the 材料 and 流程 sheets name the guide's matter: its code, else its 索引号,
    else its name (as the template's help says)."""
    return str(clean(guide["code"]) or clean(guide["index_no"]) or clean(guide["name"]))


def set_up_hall(session: Session, guides: list[dict[str, Any]], site: str = SITE) -> None:
    """What IT does before importing: the site and its queue (unless the hall has them) and
    a department for each department the guides name (unless one has that name)."""
    existing = {d.name: d.code for d in session.scalars(select(Department))}
    if session.scalar(select(Site.id).where(Site.code == site)) is None:
        save_site(session, code=site, name="示范区政务服务中心", kind="district")
    codes = []
    for number, name in enumerate(sorted({hall_department(g) for g in guides}), start=1):
        if name not in existing:
            existing[name] = f"rg{number:02d}"
            save_department(session, code=existing[name], name=name)
        codes.append(existing[name])
    queue = session.scalar(
        select(Queue.id)
        .join(Site, Site.id == Queue.site_id)
        .where(Site.code == site, Queue.prefix == QUEUE)
    )
    if queue is None:
        save_queue(session, site=site, prefix=QUEUE, name="综合受理", departments=codes)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _channels(channels: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{c['name']} {c['url']}" if c.get("url") else str(c["name"]) for c in channels
    )


def _matter_cells(guide: dict[str, Any], site: str) -> dict[str, Any]:
    return {
        "code": guide["code"],
        "name": guide["name"],
        "department": hall_department(guide),
        "matter_type": guide["matter_type"],
        "audience": guide["audience"],
        "sites": site,
        "queue_prefix": QUEUE,
        "location": guide["location"],
        "hours": guide["hours"],
        "conditions": guide["conditions"],
        "legal_limit": guide["legal_limit"],
        "promised_limit": guide["promised_limit"],
        "handling_type": guide["handling_type"],
        "visits": guide["visits"],
        "fee": guide["fee"],
        "phone": guide["consult_phone"],
        "complaint_phone": guide["complaint_phone"],
        "basis": guide["basis"],
        "online": _channels(guide["online"]),
        "fully_online": _yes_no(guide["fully_online"]),
        "cross_region": _yes_no(guide["cross_region"]),
        "index_no": guide["index_no"],
        "source_url": guide["source"]["url"],
        "active": "在用",
    }


def _material_cells(guide: dict[str, Any], material: dict[str, Any]) -> dict[str, Any]:
    return {
        "matter": reference(guide),
        "group": material["group"],
        "rule": RULE_WORDS[material["rule"] or "all"],
        "name": material["name"],
        "quantity": material["quantity"],
        "form": material["form"],
        "required": _yes_no(material["required"]),
        "note": material["note"],
        "blank_form": material["blank_form"],
    }


def build_workbook(path: Path, guides: list[dict[str, Any]], site: str = SITE) -> Path:
    """The filled-in template: example rows deleted, one row per matter, material, step."""
    write_template(path)
    book = load_workbook(path)
    for title in (MATTER_SHEET, MATERIAL_SHEET, STEP_SHEET, BUNDLE_SHEET):
        sheet = book[title]
        sheet.delete_rows(2, sheet.max_row)  # the example rows
    fills = {
        MATTER_SHEET: (MATTER_COLUMNS, [_matter_cells(g, site) for g in guides]),
        MATERIAL_SHEET: (
            MATERIAL_COLUMNS,
            [_material_cells(g, m) for g in guides for m in g["materials"]],
        ),
        STEP_SHEET: (
            STEP_COLUMNS,
            [
                {"matter": reference(g), "order": str(n), "step": step}
                for g in guides
                for n, step in enumerate(g["steps"], start=1)
            ],
        ),
    }
    for title, (columns, rows) in fills.items():
        sheet = book[title]
        for row in rows:
            sheet.append(["" if row.get(c.key) is None else str(row[c.key]) for c in columns])
    book.save(path)
    return path


def expected_guide(guide: dict[str, Any]) -> dict[str, Any]:
    """What :func:`shared.services.catalog.get_guide` must give back for ``guide``, by field
    of :class:`~shared.services.catalog_guide.MatterGuide`."""
    return {
        "name": clean(guide["name"]),
        "department": hall_department(guide),
        "index_no": clean(guide["index_no"]),
        "matter_type": clean(guide["matter_type"]) or "",
        "handling_type": clean(guide["handling_type"]),
        "audience_text": clean(guide["audience"]),
        "basis": clean(guide["basis"]),
        "conditions": clean(guide["conditions"]),
        "legal_limit_text": clean(guide["legal_limit"]),
        "promised_limit_text": clean(guide["promised_limit"]),
        "visits_text": clean(guide["visits"]),
        "fee": clean(guide["fee"]),
        "location": clean(guide["location"]),
        "hours": clean(guide["hours"]),
        "phone": clean(guide["consult_phone"]),
        "complaint_phone": clean(guide["complaint_phone"]),
        "online": tuple(
            {"name": clean(c["name"]), "url": clean(c["url"])} for c in guide["online"]
        ),
        "cross_region": guide["cross_region"],
        "fully_online": guide["fully_online"],
        "source_url": guide["source"]["url"],
        "steps": tuple(clean(s) for s in guide["steps"] if clean(s)),
        "materials": [
            {
                "group": clean(m["group"]),
                "rule": m["rule"] or "all",
                "name": clean(m["name"]),
                "quantity": clean(m["quantity"]),
                "form": clean(m["form"]),
                "required": m["required"],
                "note": clean(m["note"]),
                "blank_form": clean(m["blank_form"]),
            }
            for m in guide["materials"]
        ],
    }


def materials_read_back(groups: Any) -> list[dict[str, Any]]:
    """A guide's material groups flattened to one dict per material, like the fixture's."""
    return [
        {
            "group": group["title"],
            "rule": group["rule"],
            "name": item["name"],
            "quantity": item["quantity"],
            "form": item["form"],
            "required": item["required"],
            "note": item["note"],
            "blank_form": item["blank_form"],
        }
        for group in groups
        for item in group["items"]
    ]
