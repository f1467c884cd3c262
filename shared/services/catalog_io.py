"""Catalog import and export: CSV or XLSX in, the whole file checked, then all or nothing.

The provincial platform exports Excel, and IT edits the catalog in Excel, so both forms use
the columns of :mod:`shared.services.catalog_format` under Chinese headers. CSV is written as
UTF-8 with a BOM (Excel then opens it correctly); CSV read falls back to GB18030, which is what
Excel on a Chinese Windows saves.

:func:`import_catalog` checks every row — the cells, then the department, sites and queue
against the database (the queue must exist at every site of the matter, since a visitor takes
a ticket for it at each), then duplicates — before it writes anything. A file with any bad row
raises :class:`CatalogImportError` listing each problem with its row number as the
spreadsheet shows it (header = row 1), and nothing is written. Otherwise new codes are
inserted and existing ones updated in the caller's transaction, which also gets one
``catalog`` change and one audit entry. Matters not in the file are left as they are.

Every problem and every refusal is in two languages: ``message`` (and ``str()``) in English
for the CLI, ``message_zh`` in Chinese for the console's screens.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.changes import record_change
from shared.errors import ValidationError
from shared.models import Department, Queue, ServiceMatter, Site
from shared.services.audit import SYSTEM_ACTOR, audit
from shared.services.catalog_format import (
    COLUMN_BY_HEADER,
    COLUMNS,
    EXAMPLE_ROW,
    Reason,
    cell_text,
    format_row,
    parse_row,
)

__all__ = [
    "COLUMNS",
    "FORMATS",
    "CatalogImportError",
    "ImportResult",
    "RowProblem",
    "catalog_rows",
    "export_catalog",
    "import_catalog",
    "read_rows",
    "write_catalog_file",
    "write_template",
]

FORMATS = (".csv", ".xlsx")
SHEET_TITLE = "事项目录"
HELP_TITLE = "填写说明"
#: The fields a matter row sets, besides ``department`` and ``sites``.
PLAIN_FIELDS = (
    "name",
    "matter_type",
    "audience",
    "queue_prefix",
    "location",
    "conditions",
    "materials",
    "steps",
    "legal_limit_days",
    "promised_limit_days",
    "fee",
    "visits",
    "phone",
    "online_url",
    "life_events",
    "active",
)


@dataclass(frozen=True)
class RowProblem:
    """Why one row (spreadsheet numbering, header = 1) cannot be imported.

    ``message`` is English (the CLI, ``str()``), ``message_zh`` Chinese (the console).
    """

    row: int
    message: str
    message_zh: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class CatalogImportError(ValidationError):
    """The file was refused whole; ``problems`` lists every bad row."""

    default_zh = "导入文件有错误，未导入任何事项。"

    def __init__(self, problems: list[RowProblem], source: str = "the file") -> None:
        rows = len({p.row for p in problems})
        where = "文件" if source == "the file" else f"文件“{source}”"
        super().__init__(
            f"{source}: {rows} bad row(s), {len(problems)} problem(s); nothing imported",
            f"{where}中有 {rows} 行有误，未导入任何事项。",
        )
        self.problems = problems


@dataclass
class ImportResult:
    """What an import did: codes inserted, updated, and found unchanged."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (counts; the codes of inserted and updated matters)."""
        return {
            "ok": True,
            "rows": len(self.inserted) + len(self.updated) + len(self.unchanged),
            "inserted": len(self.inserted),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "inserted_codes": self.inserted,
            "updated_codes": self.updated,
        }


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"unsupported file type {path.name!r}: use .xlsx or .csv",
            f"不支持文件“{path.name}”的类型：请用 .xlsx 或 .csv 文件。",
        )
    return suffix


# ---------------------------------------------------------------- reading


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return [list(record) for record in csv.reader(text.splitlines(keepends=True))]


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(row number, {column key: text})``; blank rows skipped.

    Raises:
        CatalogImportError: a header problem (unknown, repeated or missing column).
        ValidationError: the file cannot be read at all.
    """
    kind = _format_of(path)
    try:
        records = _read_csv(path) if kind == ".csv" else _read_xlsx(path)
    except (
        OSError,
        UnicodeDecodeError,
        csv.Error,
        ValueError,
        KeyError,
        zipfile.BadZipFile,  # a damaged .xlsx (or another file renamed to .xlsx)
    ) as exc:
        raise ValidationError(
            f"cannot read {path.name}: {exc}",
            f"无法读取文件“{path.name}”：请确认它是完好的 Excel（.xlsx）或 CSV 文件。",
        ) from exc
    if not records:
        raise ValidationError(
            f"{path.name} is empty: the first row must hold the headers",
            f"文件“{path.name}”是空的：第一行应为表头。",
        )
    keys: list[str | None] = []
    problems: list[RowProblem] = []
    for value in records[0]:
        header = cell_text(value).strip("*＊ ")
        column = COLUMN_BY_HEADER.get(header)
        if header and column is None:
            problems.append(RowProblem(1, f"unknown column {header!r}", f"无法识别的列“{header}”"))
        elif column is not None and column.key in keys:
            problems.append(
                RowProblem(1, f"column {header!r} appears twice", f"“{header}”列出现了两次")
            )
        keys.append(column.key if column else None)
    if "code" not in keys:
        problems.append(RowProblem(1, "no 事项编码 (code) column", "缺少“事项编码”列"))
    if problems:
        raise CatalogImportError(problems, path.name)
    for number, record in enumerate(records[1:], start=2):
        cells = {k: cell_text(v) for k, v in zip(keys, record, strict=False) if k is not None}
        if any(cells.values()):
            for key in keys:
                if key is not None:
                    cells.setdefault(key, "")
            yield number, cells


# ---------------------------------------------------------------- importing


def import_catalog(session: Session, path: Path, *, actor: str = SYSTEM_ACTOR) -> ImportResult:
    """Check the whole file, then insert new matters and update existing ones (see module).

    Raises:
        CatalogImportError: any bad row; nothing was written.
    """
    rows = list(read_rows(path))
    if not rows:
        raise ValidationError(
            f"{path.name} has no rows to import", f"文件“{path.name}”中没有要导入的事项。"
        )
    departments: dict[str, Department] = {}
    for department in session.scalars(select(Department)):
        departments[department.code] = departments[department.name] = department
    sites: dict[str, Site] = {}
    for site in session.scalars(select(Site)):
        sites[site.code] = sites[site.name] = site
    queues = {
        (site_id, prefix)
        for site_id, prefix in session.execute(select(Queue.site_id, Queue.prefix))
    }
    existing = {
        m.code: m
        for m in session.scalars(select(ServiceMatter).options(selectinload(ServiceMatter.sites)))
    }

    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    parsed: list[tuple[dict[str, Any], Department | None, list[Site] | None]] = []
    for number, cells in rows:
        fields, reasons = parse_row(cells)
        code = fields.get("code", "")
        current = existing.get(code)
        if code in first_row:
            reasons.append(
                Reason(
                    f"duplicate code {code!r} (also on row {first_row[code]})",
                    f"第{number}行与第{first_row[code]}行的事项编码重复",
                )
            )
        elif code:
            first_row[code] = number
        if current is None:
            missing = [c.header for c in COLUMNS if c.required and c.key not in cells]
            if missing:
                reasons.append(
                    Reason(
                        f"new matter needs the columns {', '.join(missing)}",
                        f"新事项缺少以下列：{'、'.join(missing)}",
                    )
                )
        dept: Department | None = None
        if fields.get("department"):
            dept = departments.get(fields["department"])
            if dept is None:
                name = fields["department"]
                reasons.append(Reason(f"unknown department {name!r}", f"部门“{name}”不存在"))
        row_sites: list[Site] | None = None
        if fields.get("sites"):
            row_sites = []
            for token in fields["sites"]:
                if token not in sites:
                    reasons.append(Reason(f"unknown site {token!r}", f"站点“{token}”不存在"))
                elif sites[token] not in row_sites:
                    row_sites.append(sites[token])
        prefix = fields.get("queue_prefix", current.queue_prefix if current else "A")
        served_at = row_sites if row_sites is not None else (current.sites if current else [])
        # A ticket for the matter is taken at each of its sites, so each must have the queue.
        reasons.extend(
            Reason(
                f"queue {prefix!r} does not exist at site {s.code!r}",
                f"站点 {s.code} 没有队列 {prefix}",
            )
            for s in served_at
            if (s.id, prefix) not in queues
        )
        problems.extend(RowProblem(number, r.message, r.message_zh) for r in reasons)
        parsed.append((fields, dept, row_sites))
    if problems:
        raise CatalogImportError(problems, path.name)

    result = ImportResult()
    for fields, dept, row_sites in parsed:
        code = fields["code"]
        matter = existing.get(code)
        if matter is None:
            # Columns the file lacks take the model's defaults.
            matter = ServiceMatter(code=code, materials=[], steps=[], life_events=[])
            session.add(matter)
            result.inserted.append(code)
            changed = True
        else:
            changed = False
        for key in PLAIN_FIELDS:
            if key in fields and getattr(matter, key, None) != fields[key]:
                setattr(matter, key, fields[key])
                changed = True
        if dept is not None and matter.department_id != dept.id:
            matter.department = dept
            changed = True
        if row_sites is not None and {s.id for s in matter.sites} != {s.id for s in row_sites}:
            matter.sites = row_sites
            changed = True
        if code in result.inserted:
            continue
        (result.updated if changed else result.unchanged).append(code)
    if result.inserted or result.updated:
        session.flush()
        record_change(session, "catalog", "all", "imported")
    audit(
        session,
        "catalog.imported",
        actor=actor,
        entity_kind="catalog",
        detail={
            "file": path.name,
            "inserted": len(result.inserted),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
    )
    return result


# ---------------------------------------------------------------- exporting


def catalog_rows(session: Session) -> list[dict[str, Any]]:
    """Every matter (in code order) as the values of the spreadsheet's columns."""
    matters = session.scalars(
        select(ServiceMatter)
        .options(selectinload(ServiceMatter.sites), selectinload(ServiceMatter.department))
        .order_by(ServiceMatter.code)
    )
    rows = []
    for matter in matters:
        values: dict[str, Any] = {key: getattr(matter, key) for key in PLAIN_FIELDS}
        values["code"] = matter.code
        values["department"] = matter.department.name
        values["sites"] = [
            s.code for s in sorted(matter.sites, key=lambda s: (s.sort_order, s.code))
        ]
        rows.append(values)
    return rows


def write_catalog_file(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write the header and ``rows`` (as from :func:`catalog_rows`) to CSV or XLSX."""
    kind = _format_of(path)
    headers = [c.header for c in COLUMNS]
    body = [format_row(values) for values in rows]
    if kind == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(body)
        return
    _write_xlsx(path, headers, body)


def _write_xlsx(path: Path, headers: list[str], body: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, values in enumerate(body, start=2):
        for column_number, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column_number)
            cell.value = value
            # Text, never a formula or a number: codes keep their digits, "=…" stays text.
            cell.data_type = "s"
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 30 if column.key in ("materials", "steps") else 16
    guide = workbook.create_sheet(HELP_TITLE)
    guide.append(["列", "必填", "说明"])
    for column in COLUMNS:
        guide.append([column.header, "是" if column.required else "", column.help])
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["C"].width = 70
    workbook.save(path)


def export_catalog(session: Session, path: Path) -> int:
    """Write the whole catalog to ``path`` (.xlsx or .csv); returns the number of matters."""
    rows = catalog_rows(session)
    write_catalog_file(path, rows)
    return len(rows)


def write_template(path: Path) -> None:
    """The empty template: the headers and one example row (fits the demo hall)."""
    write_catalog_file(path, [EXAMPLE_ROW])
