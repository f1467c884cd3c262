"""The holiday calendar: public holidays, 调休 working days and extended-hours days.

Entries are dated exceptions to a site's weekly hours, hall-wide or for one site (a site's own
entry for a date wins). :mod:`shared.services.hours` reads them to say whether the hall is open
and when it next opens; the workbook's 节假日 sheet and the console's calendar page write them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import NotFound, ValidationError
from shared.models import CALENDAR_KINDS, CalendarDay, Site
from shared.services.audit import audit
from shared.services.settings import site_by_code
from shared.services.weekly_hours import check_sessions

KIND_LABELS_ZH = {"holiday": "节假日休息", "workday": "调休上班", "extended": "延时服务"}
#: Workbook and console words for each kind.
KIND_WORDS = {
    "holiday": "holiday",
    "休息": "holiday",
    "节假日": "holiday",
    "放假": "holiday",
    "节假日休息": "holiday",
    "workday": "workday",
    "上班": "workday",
    "调休": "workday",
    "调休上班": "workday",
    "extended": "extended",
    "延时": "extended",
    "延时服务": "extended",
}


@dataclass(frozen=True)
class CalendarEntry:
    """One dated exception, as plain data."""

    id: uuid.UUID
    site_code: str | None
    day: date
    kind: str
    name: str
    sessions: tuple[tuple[str, str], ...]

    @property
    def kind_zh(self) -> str:
        """The kind in Chinese."""
        return KIND_LABELS_ZH[self.kind]


def parse_kind(word: str) -> str:
    """A kind from its code or Chinese word, or :class:`ValidationError`."""
    kind = KIND_WORDS.get(str(word).strip())
    if kind is None:
        raise ValidationError(
            f"unknown day kind {word!r} (holiday/休息, workday/调休上班, extended/延时服务)",
            f"“{word}”不是有效的类型（休息、调休上班、延时服务）。",
        )
    return kind


def check_entry(kind: str, sessions: list[Any]) -> list[list[str]]:
    """The sessions an entry of ``kind`` may carry, checked."""
    if kind not in CALENDAR_KINDS:
        raise ValidationError(f"unknown day kind {kind!r}", "日期类型有误。")
    checked = check_sessions(sessions)
    if kind == "holiday" and checked:
        raise ValidationError("a holiday has no sessions", "休息日不应填写时段。")
    if kind == "extended" and not checked:
        raise ValidationError(
            "an extended-hours day needs its extra sessions", "延时服务日请填写延时时段。"
        )
    return checked


def _view(row: CalendarDay, site_code: str | None) -> CalendarEntry:
    return CalendarEntry(
        row.id,
        site_code,
        row.day,
        row.kind,
        row.name,
        tuple((str(a), str(b)) for a, b in row.sessions),
    )


def set_day(
    session: Session,
    *,
    day: date,
    kind: str,
    name: str = "",
    sessions: list[Any] | None = None,
    site: str | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> CalendarEntry:
    """Add or replace the entry for ``day`` (hall-wide, or for ``site``); audited."""
    kind = parse_kind(kind)
    checked = check_entry(kind, list(sessions or []))
    the_site = site_by_code(session, site) if site else None
    site_id = the_site.id if the_site else None
    row = session.scalar(
        select(CalendarDay).where(
            CalendarDay.day == day,
            CalendarDay.site_id == site_id if site_id else CalendarDay.site_id.is_(None),
        )
    )
    if row is None:
        row = CalendarDay(site_id=site_id, day=day, kind=kind)
        session.add(row)
    row.kind, row.name, row.sessions = kind, name.strip()[:60], checked
    session.flush()
    record_change(session, "calendar", row.id, site_id=site_id)
    audit(
        session,
        "calendar.set",
        actor=actor,
        actor_id=actor_id,
        entity_kind="calendar",
        entity_id=row.id,
        site_id=site_id,
        detail={"day": day.isoformat(), "kind": kind, "name": row.name},
    )
    return _view(row, the_site.code if the_site else None)


def remove_day(
    session: Session,
    *,
    day: date,
    site: str | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> None:
    """Remove the entry for ``day``; :class:`NotFound` when there is none."""
    the_site = site_by_code(session, site) if site else None
    site_id = the_site.id if the_site else None
    row = session.scalar(
        select(CalendarDay).where(
            CalendarDay.day == day,
            CalendarDay.site_id == site_id if site_id else CalendarDay.site_id.is_(None),
        )
    )
    if row is None:
        raise NotFound(f"no calendar entry on {day}", "该日期没有节假日设置。")
    row_id = row.id
    session.delete(row)
    session.flush()
    record_change(session, "calendar", row_id, "deleted", site_id=site_id)
    audit(
        session,
        "calendar.removed",
        actor=actor,
        actor_id=actor_id,
        entity_kind="calendar",
        entity_id=row_id,
        site_id=site_id,
        detail={"day": day.isoformat()},
    )


def list_days(
    session: Session,
    *,
    first: date | None = None,
    last: date | None = None,
    site: str | None = None,
    include_hall: bool = True,
) -> list[CalendarEntry]:
    """Entries between ``first`` and ``last`` (inclusive).

    With ``site``: that site's entries (and the hall-wide ones unless ``include_hall`` is
    false); without: every entry.
    """
    query = select(CalendarDay, Site.code).outerjoin(Site, Site.id == CalendarDay.site_id)
    if site is not None:
        the_site = site_by_code(session, site)
        mine = CalendarDay.site_id == the_site.id
        query = query.where(or_(mine, CalendarDay.site_id.is_(None)) if include_hall else mine)
    if first is not None:
        query = query.where(CalendarDay.day >= first)
    if last is not None:
        query = query.where(CalendarDay.day <= last)
    rows = session.execute(query.order_by(CalendarDay.day, Site.code)).all()
    return [_view(row, code) for row, code in rows]


def effective_days(
    session: Session, site_id: uuid.UUID, first: date, last: date
) -> dict[date, CalendarDay]:
    """The entry in force on each day with one (the site's over the hall-wide)."""
    rows = session.scalars(
        select(CalendarDay).where(
            CalendarDay.day >= first,
            CalendarDay.day <= last,
            (CalendarDay.site_id == site_id) | CalendarDay.site_id.is_(None),
        )
    ).all()
    found: dict[date, CalendarDay] = {}
    for row in sorted(rows, key=lambda r: r.site_id is not None):
        found[row.day] = row
    return found


def add_working_days(
    session: Session,
    site_id: uuid.UUID,
    start: date,
    days: int,
    weekdays: Collection[int],
) -> date:
    """The day ``days`` working days after ``start`` (which does not count).

    A day is worked when the calendar says 调休上班, not when it says 节假日休息, and otherwise
    when its weekday is one of ``weekdays`` (the site's hall hours). Due dates of follow-ups
    (a bad rating's 整改 within 15 working days) are counted this way.
    """
    if days <= 0:
        return start
    calendar: dict[date, CalendarDay] = {}
    # Read the calendar a stretch at a time: a run of holidays (春节) can outlast any guess.
    stretch = timedelta(days=days * 2 + 14)
    read_to = start
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if day > read_to:
            calendar.update(effective_days(session, site_id, day, day + stretch))
            read_to = day + stretch
        entry = calendar.get(day)
        if entry is not None and entry.kind in ("workday", "holiday"):
            worked = entry.kind == "workday"
        else:
            worked = day.weekday() in weekdays
        if worked:
            left -= 1
    return day
