"""The rows a batch of change records names, read with a bounded number of indexed queries.

One query per kind of row the batch refers to (tickets with their queue and window, requests,
tours, windows, the organisation's records, settings, calendar days, terminals), each an
``IN (…)`` on primary keys or an indexed range, never one query per record and never a scan
of history. The facts come back as the noun phrases sentences use (``A012``, ``9``,
``参观团「…」（重要）``, ``绿色通道请求 K7C3AX``). Only the columns a sentence needs are read:
never a visitor's name, phone or address, nor a tour's contact.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import ChangeRecord
from shared.clock import to_local
from shared.models import (
    CalendarDay,
    Department,
    PriorityRequest,
    Queue,
    Setting,
    Site,
    Terminal,
    Ticket,
    TicketEvent,
    Tour,
    Window,
    WindowEvent,
)
from shared.services.holidays import KIND_LABELS_ZH as CALENDAR_LABELS
from shared.services.priority_rules import KIND_LABELS as REQUEST_LABELS
from shared.services.priority_rules import VISITOR_LABELS
from shared.services.settings.specs import SPECS

#: Ids per ``IN (…)`` list: well below every backend's parameter limit.
CHUNK = 500


@dataclass
class Facts:
    """What the rows named by one batch say, keyed by the record's ``entity_id``."""

    sites: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)  # id → code, name
    home: uuid.UUID | None = None
    tickets: dict[str, str] = field(default_factory=dict)  # number
    queues: dict[str, str] = field(default_factory=dict)  # ticket → queue name
    windows_of: dict[str, int] = field(default_factory=dict)  # ticket → window number
    priorities: dict[str, str] = field(default_factory=dict)  # ticket → visitor label
    transfers: dict[str, str] = field(default_factory=dict)  # ticket → new number
    requests: dict[str, str] = field(default_factory=dict)  # "绿色通道请求 K7C3AX"
    request_details: dict[str, str] = field(default_factory=dict)  # "老年人，号票 A014"
    tours: dict[str, str] = field(default_factory=dict)  # 参观团「…」
    tour_times: dict[str, str] = field(default_factory=dict)
    windows: dict[str, int] = field(default_factory=dict)
    pause_reasons: dict[tuple[str, datetime], str] = field(default_factory=dict)
    org: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    calendar: dict[str, str] = field(default_factory=dict)
    terminals: dict[str, str] = field(default_factory=dict)
    test_prints: dict[tuple[str, datetime], bool] = field(default_factory=dict)
    pin_scopes: dict[str, str] = field(default_factory=dict)


def _ids(records: Iterable[ChangeRecord], kind: str) -> list[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for record in records:
        if record.kind == kind:
            try:
                found.add(uuid.UUID(record.entity_id))
            except ValueError:
                continue  # "all", "aliases" …: not a row
    return sorted(found)


def _chunks(values: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _terminal_text(kind: str, location: str, code: str) -> str:
    from shared.services.org.workbook_format import TERMINAL_KIND_ZH  # light, but not at start

    return f"{TERMINAL_KIND_ZH.get(kind, '终端')}「{location or code}」"


def _load_tickets(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    ids = _ids(records, "ticket")
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Ticket.id, Ticket.number, Ticket.priority, Queue.name, Window.number)
            .join(Queue, Queue.id == Ticket.queue_id)
            .outerjoin(Window, Window.id == Ticket.window_id)
            .where(Ticket.id.in_(chunk))
        )
        for ticket_id, number, priority, queue_name, window_number in rows:
            key = str(ticket_id)
            facts.tickets[key], facts.queues[key] = number, queue_name
            if window_number is not None:
                facts.windows_of[key] = window_number
            if priority:
                facts.priorities[key] = VISITOR_LABELS.get(priority, "")
    moved = sorted({uuid.UUID(r.entity_id) for r in records if _is(r, "ticket", "transferred")})
    for chunk in _chunks([m for m in moved if str(m) in facts.tickets]):
        events = session.execute(
            select(TicketEvent.ticket_id, TicketEvent.detail).where(
                TicketEvent.ticket_id.in_(chunk), TicketEvent.kind == "transferred"
            )
        )
        for ticket_id, detail in events:
            if isinstance(detail, dict) and detail.get("to"):
                facts.transfers[str(ticket_id)] = str(detail["to"])


def _is(record: ChangeRecord, kind: str, action: str) -> bool:
    return record.kind == kind and record.action == action and _is_uuid(record.entity_id)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _load_requests(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    # Only the request's kind, visitor type, reference and ticket: never name, phone, address.
    for chunk in _chunks(_ids(records, "priority_request")):
        rows = session.execute(
            select(
                PriorityRequest.id,
                PriorityRequest.kind,
                PriorityRequest.visitor,
                PriorityRequest.reference,
                Ticket.number,
            )
            .outerjoin(Ticket, Ticket.id == PriorityRequest.ticket_id)
            .where(PriorityRequest.id.in_(chunk))
        )
        for request_id, kind, visitor, reference, number in rows:
            key = str(request_id)
            facts.requests[key] = f"{REQUEST_LABELS.get(kind, '优先服务')}请求 {reference}"
            detail = VISITOR_LABELS.get(visitor, "")
            if number:
                detail = f"{detail}，号票 {number}" if detail else f"号票 {number}"
            facts.request_details[key] = detail


def _load_tours(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    # The group's name and time only: the contact person and phone are never read.
    for chunk in _chunks(_ids(records, "tour")):
        rows = session.execute(
            select(Tour.id, Tour.group_name, Tour.level, Tour.starts_at, Tour.ends_at).where(
                Tour.id.in_(chunk)
            )
        )
        for tour_id, group, level, starts, ends in rows:
            key = str(tour_id)
            marked = f"（{level}）" if level and level != "一般" else ""
            facts.tours[key] = f"参观团「{group}」{marked}"
            start, end = to_local(starts), to_local(ends)
            facts.tour_times[key] = f"{start.month}月{start.day}日 {start:%H:%M}–{end:%H:%M}"


def _load_windows(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    ids = _ids(records, "window")
    for chunk in _chunks(ids):
        for window_id, number in session.execute(
            select(Window.id, Window.number).where(Window.id.in_(chunk))
        ):
            facts.windows[str(window_id)] = number
    moves = [r for r in records if r.kind == "window" and r.action in ("paused", "signed_out")]
    if not moves:
        return
    # The move's event has the record's instant: one range on the (window, at) index.
    earliest, latest = min(r.at for r in moves), max(r.at for r in moves)
    for chunk in _chunks(ids):
        rows = session.execute(
            select(WindowEvent.window_id, WindowEvent.at, WindowEvent.reason).where(
                WindowEvent.window_id.in_(chunk),
                WindowEvent.at >= earliest,
                WindowEvent.at <= latest,
                WindowEvent.kind.in_(("paused", "signed_out")),
            )
        )
        for window_id, at, reason in rows:
            facts.pause_reasons[(str(window_id), at)] = reason or ""


def _load_admin(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    org = _ids(records, "organisation")
    for chunk in _chunks(org):
        for row_id, name in session.execute(select(Site.id, Site.name).where(Site.id.in_(chunk))):
            facts.org[str(row_id)] = f"站点「{name}」"
        for row_id, name in session.execute(
            select(Department.id, Department.name).where(Department.id.in_(chunk))
        ):
            facts.org[str(row_id)] = f"部门「{name}」"
        for row_id, prefix, name in session.execute(
            select(Queue.id, Queue.prefix, Queue.name).where(Queue.id.in_(chunk))
        ):
            facts.org[str(row_id)] = f"业务「{prefix} {name}」"
        for row_id, number in session.execute(
            select(Window.id, Window.number).where(Window.id.in_(chunk))
        ):
            facts.org[str(row_id)] = f"{number} 号窗口"
    for chunk in _chunks(_ids(records, "setting")):
        for row_id, key in session.execute(
            select(Setting.id, Setting.key).where(Setting.id.in_(chunk))
        ):
            spec = SPECS.get(key)
            facts.settings[str(row_id)] = spec.label_zh if spec else "系统设置"
    for chunk in _chunks(_ids(records, "calendar")):
        for row_id, day, kind, name in session.execute(
            select(CalendarDay.id, CalendarDay.day, CalendarDay.kind, CalendarDay.name).where(
                CalendarDay.id.in_(chunk)
            )
        ):
            named = f"（{name}）" if name else ""
            label = CALENDAR_LABELS.get(kind, "特殊安排")
            facts.calendar[str(row_id)] = f"{day.month}月{day.day}日设为{label}{named}"
    for chunk in _chunks(_ids(records, "terminal")):
        for row_id, kind, location, code, printed_at, result in session.execute(
            select(
                Terminal.id,
                Terminal.kind,
                Terminal.location,
                Terminal.code,
                Terminal.last_print_at,
                Terminal.last_print_result,
            ).where(Terminal.id.in_(chunk))
        ):
            facts.terminals[str(row_id)] = _terminal_text(kind, location, code)
            if printed_at is not None:
                facts.test_prints[(str(row_id), printed_at)] = result == "printed"
    _load_pin_scopes(session, records, facts)


def _load_pin_scopes(session: Session, records: list[ChangeRecord], facts: Facts) -> None:
    scopes = {r.entity_id for r in records if r.kind == "kiosk_pin"}
    by_site_code = {code: name for code, name in facts.sites.values()}
    codes = sorted(s.removeprefix("terminal:") for s in scopes if s.startswith("terminal:"))
    for start in range(0, len(codes), CHUNK):
        for kind, location, code in session.execute(
            select(Terminal.kind, Terminal.location, Terminal.code).where(
                Terminal.code.in_(codes[start : start + CHUNK])
            )
        ):
            facts.pin_scopes[f"terminal:{code}"] = _terminal_text(kind, location, code)
    for scope in scopes:
        if scope == "hall":
            facts.pin_scopes[scope] = "全部站点"
        elif scope.startswith("site:"):
            facts.pin_scopes[scope] = by_site_code.get(scope.removeprefix("site:"), "一个站点")
        else:
            facts.pin_scopes.setdefault(scope, "一台终端")


def load_facts(session: Session, records: list[ChangeRecord], home_site: str | None) -> Facts:
    facts = Facts()
    # The sites table is a handful of rows: read whole, it names every other site.
    rows = session.execute(
        select(Site.id, Site.code, Site.name, Site.active).order_by(Site.sort_order, Site.code)
    ).all()
    facts.sites = {site_id: (code, name) for site_id, code, name, _active in rows}
    homes = [r[0] for r in rows if r[1] == home_site] if home_site else [r[0] for r in rows if r[3]]
    facts.home = homes[0] if homes else None
    kinds = {r.kind for r in records}
    if "ticket" in kinds:
        _load_tickets(session, records, facts)
    if "priority_request" in kinds:
        _load_requests(session, records, facts)
    if "tour" in kinds:
        _load_tours(session, records, facts)
    if "window" in kinds:
        _load_windows(session, records, facts)
    if kinds & {"organisation", "setting", "calendar", "terminal", "kiosk_pin"}:
        _load_admin(session, records, facts)
    return facts
