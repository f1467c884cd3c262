"""Writing the organisation workbook: the empty template, and the hall as it stands.

Both write the same sheets, headers and help rows that import reads, every cell as text. The
export holds the active records only (an inactive queue or window is history, not
configuration) and the settings that were set (a default is not written out), so importing
it into an empty database and exporting again gives the same workbook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import ValidationError
from shared.models import Setting, Site
from shared.services import terminals as terminal_service
from shared.services.holidays import list_days
from shared.services.org import entities
from shared.services.org import workbook_format as fmt
from shared.services.org.workbook_check_times import HOURS_KEYS
from shared.services.settings.specs import SPECS
from shared.services.weekly_hours import WEEKDAYS_ZH, day_groups

WIDE = {"printer", "location", "name", "description", "departments", "queues", "address", "value"}


def _write(path: Path, data: dict[str, list[list[str]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    for spec in fmt.SHEETS:
        sheet = book.create_sheet(spec.title)
        sheet.append([c.header for c in spec.columns])
        sheet.append([c.help for c in spec.columns])
        for cell in sheet[fmt.HEADER_ROW]:
            cell.font = Font(bold=True)
        for cell in sheet[fmt.HELP_ROW]:
            cell.font = Font(italic=True, color="808080")
        for number, values in enumerate(data.get(spec.title, []), start=fmt.FIRST_DATA_ROW):
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=number, column=column)
                cell.value = value
                # Text, never a number, date or formula: 08:30 and 0711 stay as typed.
                cell.data_type = "s"
                cell.number_format = "@"
        for index, column_spec in enumerate(spec.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = 36 if column_spec.key in WIDE else 16
        sheet.freeze_panes = f"A{fmt.FIRST_DATA_ROW}"
    book.save(path)


def template(path: Path) -> None:
    """The empty workbook; the 设置 sheet lists every key with its label and no value."""
    settings = [
        [key, spec.label_zh, "", ""]
        for key, spec in SPECS.items()
        if not spec.secret and key not in HOURS_KEYS
    ]
    _write(Path(path), {fmt.SETTINGS.title: settings})


def _days_label(days: list[int]) -> str:
    if len(days) == 1:
        return WEEKDAYS_ZH[days[0]]
    return f"{WEEKDAYS_ZH[days[0]]}至{WEEKDAYS_ZH[days[-1]]}"


def _hours_rows(site: str, key: str, value: Any) -> list[list[str]]:
    zone = fmt.ZONE_OF_KEY[key]
    groups = day_groups(value)
    if not groups:
        return [[site, zone, "周一至周日", "", ""]]
    return [
        [site, zone, _days_label(days), start, end]
        for days, sessions in groups
        for start, end in sessions
    ]


def _printer(config: dict[str, Any]) -> str:
    try:
        return fmt.printer_text(config)
    except ValidationError as exc:  # an old row: export it as is, so import names it
        return f"invalid: {exc}"


def organisation_rows(session: Session) -> dict[str, list[list[str]]]:
    """The hall's active organisation as each sheet's rows of text."""
    sites = [s for s in entities.list_sites(session) if s.active]
    codes = {s.code for s in sites}
    departments = [d for d in entities.list_departments(session) if d.active]
    dept_codes = {d.code for d in departments}
    queues = [q for q in entities.list_queues(session) if q.active and q.site_code in codes]
    served = {(q.site_code, q.prefix) for q in queues}
    data: dict[str, list[list[str]]] = {
        fmt.SITES.title: [
            [s.code, s.name, entities.SITE_KIND_ZH[s.kind], s.address, s.phone] for s in sites
        ],
        fmt.DEPARTMENTS.title: [[d.code, d.name, d.short_name] for d in departments],
        fmt.QUEUES.title: [
            [
                q.site_code,
                q.prefix,
                q.name,
                q.description,
                "strict" if q.policy == "strict" else f"interleave {q.interleave_n}",
                str(q.default_service_minutes),
                "、".join(d for d in q.departments if d in dept_codes),
            ]
            for q in queues
        ],
    }
    windows = []
    for w in entities.list_windows(session):
        prefixes = [p for p in w.queues if (w.site_code, p) in served]
        if w.active and prefixes:
            windows.append([w.site_code, str(w.number), w.name, w.location, "、".join(prefixes)])
    data[fmt.WINDOWS.title] = windows
    data[fmt.TERMINALS.title] = [
        [t.code, fmt.TERMINAL_KIND_ZH[t.kind], t.site_code, t.location, _printer(t.printer)]
        for t in terminal_service.list_terminals(session)
        if t.active and t.site_code in codes
    ]
    stored = _stored_settings(session, sites)
    data[fmt.HOURS.title] = [
        row
        for site, key, value in stored
        if key in HOURS_KEYS
        for row in _hours_rows(site, key, value)
    ]
    data[fmt.SETTINGS.title] = [
        [key, SPECS[key].label_zh, SPECS[key].text(value), site]
        for site, key, value in stored
        if key not in HOURS_KEYS
    ]
    calendar = []
    for entry in list_days(session):
        if entry.site_code is not None and entry.site_code not in codes:
            continue
        word = fmt.CALENDAR_WORDS_OUT[entry.kind]
        head = [entry.day.isoformat(), entry.site_code or "", word, entry.name]
        calendar += [[*head, a, b] for a, b in entry.sessions] or [[*head, "", ""]]
    data[fmt.CALENDAR.title] = calendar
    return data


def _stored_settings(
    session: Session, sites: list[entities.SiteInfo]
) -> list[tuple[str, str, Any]]:
    """(site code or "", key, value) of every stored, non-secret setting, in a stable order."""
    order = {s.code: i for i, s in enumerate(sites)}
    keys = list(SPECS)
    rows = session.execute(
        select(Setting.key, Site.code, Setting.value).outerjoin(Site, Site.id == Setting.site_id)
    )
    kept = [
        (site or "", key, value)
        for key, site, value in rows
        if key in SPECS and not SPECS[key].secret and (site is None or site in order)
    ]
    return sorted(kept, key=lambda r: (keys.index(r[1]), -1 if not r[0] else order[r[0]]))


def export(session: Session, path: Path) -> dict[str, int]:
    """Write the hall's organisation to ``path``; returns the number of rows per sheet."""
    data = organisation_rows(session)
    _write(Path(path), data)
    return {title: len(rows) for title, rows in data.items()}
