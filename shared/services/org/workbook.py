"""The organisation workbook (issue #9): a whole hall set up, exported and re-imported from Excel.

A new hall's IT person starts from :func:`template`, fills in sites, departments, queues,
windows, terminals, opening hours, the holiday calendar and settings, and imports it with
:func:`import_workbook`. Import is all or nothing: every sheet is read and checked first
(:mod:`shared.services.org.workbook_check`), and a workbook with any bad cell raises one
:class:`shared.errors.WorkbookError` listing them all before anything is written. Then it writes
through the same services the console and the CLI use (entities, terminals, settings, holidays)
in the caller's transaction, so every change is audited and reaches running terminals through
the change feed.

Re-import updates by code and never deletes: a queue, window or terminal that is no longer in
the workbook is deactivated (history keeps its references); sites, departments, calendar days
and settings not in it are left as they are. Records that would not change are not written,
so re-importing the same file changes nothing. :func:`export` writes the current organisation
(its active records) in the same form, so export → import → export gives the same workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shared.errors import WorkbookError
from shared.services.audit import audit
from shared.services.org import workbook_format as fmt
from shared.services.org.workbook_check import check_workbook
from shared.services.org.workbook_export import export, template
from shared.services.org.workbook_read import Problems, read_workbook
from shared.services.org.workbook_write import Writer

__all__ = ["ImportReport", "SheetReport", "export", "import_workbook", "template"]


@dataclass
class SheetReport:
    """What an import did (or would do) to one sheet's records.

    For 营业时间 a record is one weekly-hours value (a site's or every site's 大厅 or 自助区),
    however many rows it took; for 节假日 it is one date (hall-wide or for one site).
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivated),
            "deactivated_records": self.deactivated,
        }


@dataclass
class ImportReport:
    """Counts per sheet; with ``dry_run`` nothing was written."""

    file: str
    dry_run: bool
    sheets: dict[str, SheetReport] = field(
        default_factory=lambda: {spec.title: SheetReport() for spec in fmt.SHEETS}
    )

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json``)."""
        return {
            "ok": True,
            "file": self.file,
            "dry_run": self.dry_run,
            "sheets": {title: sheet.as_json() for title, sheet in self.sheets.items()},
        }

    def lines(self) -> list[str]:
        """One line per sheet, then what was deactivated."""
        out = [
            f"{title}: {s.created} created, {s.updated} updated, {s.unchanged} unchanged"
            + (f", {len(s.deactivated)} deactivated" if s.deactivated else "")
            for title, s in self.sheets.items()
        ]
        out += [
            f"deactivated ({title}): {', '.join(s.deactivated)}"
            for title, s in self.sheets.items()
            if s.deactivated
        ]
        return out


def import_workbook(
    session: Session, path: Path, *, dry_run: bool = False, actor: str = "cli"
) -> ImportReport:
    """Check the whole workbook, then write it in the caller's transaction (see the module).

    With ``dry_run`` the report says what would change and nothing is written.

    Raises:
        WorkbookError: any bad cell (all of them listed); nothing was written.
        ValidationError: the file cannot be opened as a workbook.
    """
    path = Path(path)
    problems = Problems()
    rows = read_workbook(path, problems)
    plan = check_workbook(session, rows, problems)
    if problems.items:
        order = {spec.title: i for i, spec in enumerate(fmt.SHEETS)}
        found = sorted(problems.items, key=lambda p: (order.get(p.sheet, 0), p.row))
        raise WorkbookError(found, path.name)
    report = ImportReport(path.name, dry_run)
    writer = Writer(session, report, actor)
    writer.sites(plan)
    writer.departments(plan)
    writer.queues(plan)
    writer.windows(plan)
    writer.terminals(plan)
    writer.hours_and_settings(plan)
    writer.calendar(plan)
    if not dry_run:
        audit(
            session,
            "organisation.imported",
            actor=actor,
            entity_kind="organisation",
            detail={"file": path.name, "sheets": report.as_json()["sheets"]},
        )
    return report
