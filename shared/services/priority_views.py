"""优先服务 as screens see it: masked request views, notes, assistants, and the lists.

Every view leaves the database masked (:mod:`shared.services.masking`); only
:func:`shared.services.priority.reveal_contact` returns a :class:`Contact` unmasked, and its
``repr`` is masked in case one is ever logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shared.clock import to_local, utcnow
from shared.errors import NotFound, ValidationError
from shared.models import (
    PriorityNote,
    PriorityRequest,
    ServiceMatter,
    Site,
    Staff,
    Terminal,
    Ticket,
)
from shared.models.priority import REQUEST_KINDS, REQUEST_STATES
from shared.services.masking import mask_address, mask_name, mask_phone
from shared.services.priority_rules import (
    HALF_LABELS,
    KIND_LABELS,
    STATE_LABELS,
    VISITOR_LABELS,
    is_overdue,
    waited_seconds,
)
from shared.services.settings import get_setting, site_by_code


@dataclass(frozen=True)
class RequestView:
    """A request as the inbox, the CLI and the kiosk's end screen see it: masked only.

    ``waited_seconds`` is how long it waited for someone to take it (until now while new);
    ``overdue`` is true for a new request older than the configured limit, and
    ``overdue_at`` is when a new request becomes overdue (``None`` once someone took it), so
    a screen that stays open can say so on time without knowing the rule (issue #19).
    """

    id: uuid.UUID
    reference: str
    site_code: str
    kind: str
    visitor: str
    state: str
    masked_name: str
    masked_phone: str
    masked_address: str
    has_contact: bool
    matter_code: str | None
    matter_name: str | None
    preferred_date: date | None
    preferred_half: str | None
    location: str | None
    ticket_number: str | None
    created_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    assigned_to: str | None
    finished_at: datetime | None
    cancelled_at: datetime | None
    purged_at: datetime | None
    note_count: int
    waited_seconds: int
    overdue: bool
    overdue_at: datetime | None = None

    def overdue_by(self, now: datetime) -> bool:
        """True when, at ``now``, it is still new past its limit."""
        return self.state == "new" and self.overdue_at is not None and now > self.overdue_at

    def waited_by(self, now: datetime) -> int:
        """Seconds it has waited for someone to take it, as of ``now`` (fixed once taken)."""
        return waited_seconds(self, now) if self.state == "new" else self.waited_seconds

    def urgency(self, now: datetime) -> int:
        """How soon staff should look at it: 3 overdue, 2 new, 1 accepted, 0 closed."""
        if self.overdue_by(now):
            return 3
        return {"new": 2, "accepted": 1}.get(self.state, 0)

    @property
    def kind_label(self) -> str:
        """绿色通道, 帮办代办 or 上门服务."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def visitor_label(self) -> str:
        """老年人, 残障人士, 孕妇 or 其他困难."""
        return VISITOR_LABELS.get(self.visitor, self.visitor)

    @property
    def state_label(self) -> str:
        """待接单, 已接单, 已办结 or 已取消."""
        return STATE_LABELS.get(self.state, self.state)

    @property
    def preferred_text(self) -> str:
        """``2026-11-27 上午`` for a home visit, else ``""``."""
        if self.preferred_date is None:
            return ""
        return f"{self.preferred_date.isoformat()} {HALF_LABELS.get(self.preferred_half or '', '')}"

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (masked fields only)."""
        return {
            "id": str(self.id),
            "reference": self.reference,
            "site": self.site_code,
            "kind": self.kind,
            "visitor": self.visitor,
            "state": self.state,
            "name": self.masked_name,
            "phone": self.masked_phone,
            "address": self.masked_address,
            "matter": self.matter_code,
            "preferred": (
                f"{self.preferred_date.isoformat()} {self.preferred_half}"
                if self.preferred_date
                else None
            ),
            "location": self.location,
            "ticket": self.ticket_number,
            "created_at": self.created_at.isoformat(),
            "accepted_at": self.accepted_at.isoformat() if self.accepted_at else None,
            "accepted_by": self.accepted_by,
            "assigned_to": self.assigned_to,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "cancelled_at": self.cancelled_at.isoformat() if self.cancelled_at else None,
            "purged": self.purged_at is not None,
            "notes": self.note_count,
            "waited_seconds": self.waited_seconds,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class Contact:
    """A request's contact details, unmasked: only from :func:`reveal_contact` (audited).

    Its ``repr`` is masked, so a stray log line or traceback never prints the details.
    """

    reference: str
    name: str | None
    phone: str | None
    address: str | None

    def __repr__(self) -> str:
        return (
            f"Contact(reference={self.reference!r}, name={mask_name(self.name)!r}, "
            f"phone={mask_phone(self.phone)!r}, address={mask_address(self.address)!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True)
class NoteView:
    """One staff note (its text may hold personal data; it is erased by the purge)."""

    at: datetime
    staff: str | None
    text: str


@dataclass(frozen=True)
class Assistant:
    """A member of staff a request can be assigned to."""

    username: str
    display_name: str


def overdue_limit(session: Session, site_id: uuid.UUID | None = None) -> timedelta:
    """How long a request may stay new before it is overdue (``priority_overdue_minutes``)."""
    return timedelta(minutes=float(get_setting(session, "priority_overdue_minutes", site_id)))


def _names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}


def _views(session: Session, rows: Sequence[PriorityRequest], now: datetime) -> list[RequestView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    names = _names(session, [r.accepted_by_id for r in rows] + [r.assigned_to_id for r in rows])
    matters = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            select(ServiceMatter.id, ServiceMatter.code, ServiceMatter.name).where(
                ServiceMatter.id.in_({r.matter_id for r in rows if r.matter_id})
            )
        )
    }
    places = {
        row[0]: row[1]
        for row in session.execute(
            select(Terminal.id, Terminal.location).where(
                Terminal.id.in_({r.terminal_id for r in rows if r.terminal_id})
            )
        )
    }
    tickets = {
        row[0]: row[1]
        for row in session.execute(
            select(Ticket.id, Ticket.number).where(
                Ticket.id.in_({r.ticket_id for r in rows if r.ticket_id})
            )
        )
    }
    notes = {
        row[0]: int(row[1])
        for row in session.execute(
            select(PriorityNote.request_id, func.count())
            .where(PriorityNote.request_id.in_(ids))
            .group_by(PriorityNote.request_id)
        )
    }
    sites = {
        row[0]: row[1]
        for row in session.execute(
            select(Site.id, Site.code).where(Site.id.in_({r.site_id for r in rows}))
        )
    }
    limits: dict[uuid.UUID, timedelta] = {}
    views = []
    for r in rows:
        if r.site_id not in limits:
            limits[r.site_id] = overdue_limit(session, r.site_id)
        matter = matters.get(r.matter_id) if r.matter_id else None
        views.append(
            RequestView(
                id=r.id,
                reference=r.reference,
                site_code=sites.get(r.site_id, ""),
                kind=r.kind,
                visitor=r.visitor,
                state=r.state,
                masked_name=mask_name(r.name),
                masked_phone=mask_phone(r.phone),
                masked_address=mask_address(r.address),
                has_contact=bool(r.name or r.phone or r.address),
                matter_code=matter[0] if matter else None,
                matter_name=matter[1] if matter else None,
                preferred_date=r.preferred_date,
                preferred_half=r.preferred_half,
                location=places.get(r.terminal_id) if r.terminal_id else None,
                ticket_number=tickets.get(r.ticket_id) if r.ticket_id else None,
                created_at=r.created_at,
                accepted_at=r.accepted_at,
                accepted_by=names.get(r.accepted_by_id) if r.accepted_by_id else None,
                assigned_to=names.get(r.assigned_to_id) if r.assigned_to_id else None,
                finished_at=r.finished_at,
                cancelled_at=r.cancelled_at,
                purged_at=r.purged_at,
                note_count=notes.get(r.id, 0),
                waited_seconds=waited_seconds(r, now),
                overdue=is_overdue(r, now, limits[r.site_id]),
                overdue_at=r.created_at + limits[r.site_id] if r.state == "new" else None,
            )
        )
    return views


def view_of(session: Session, request: PriorityRequest, now: datetime) -> RequestView:
    return _views(session, [request], now)[0]


def sort_key(view: RequestView) -> tuple[int, date, int, datetime]:
    """Inbox order: open before closed; home visits by preferred day and half-day, the
    rest by the day they came in; then oldest first."""
    day = view.preferred_date or to_local(view.created_at).date()
    half = {"am": 1, "pm": 2}.get(view.preferred_half or "", 0)
    return (REQUEST_STATES.index(view.state), day, half, view.created_at)


def list_requests(
    session: Session,
    *,
    site: str | None = None,
    states: Sequence[str] | None = None,
    kind: str | None = None,
    now: datetime | None = None,
    limit: int = 500,
) -> list[RequestView]:
    """Requests (masked) in inbox order, with waiting time and overdue flag as of ``now``.

    Args:
        site: a site code (every site when ``None``).
        states: only these states (all when ``None``).
        kind: only this kind.
        limit: at most this many, the newest first chosen.
    """
    now = now or utcnow()
    for state in states or ():
        if state not in REQUEST_STATES:
            raise ValidationError(f"unknown state: {state}", "状态无效。")
    if kind is not None and kind not in REQUEST_KINDS:
        raise ValidationError(f"unknown kind: {kind}", "服务类型无效。")
    query = select(PriorityRequest)
    if site:
        query = query.where(PriorityRequest.site_id == site_by_code(session, site).id)
    if kind:
        query = query.where(PriorityRequest.kind == kind)

    def newest(chosen: Select[PriorityRequest]) -> list[PriorityRequest]:
        return list(
            session.scalars(chosen.order_by(PriorityRequest.created_at.desc()).limit(limit))
        )

    if states:
        # One index range per state (site, state, created), merged here: with ``IN`` the
        # newest-first order would have to walk every request the site ever had.
        found = [
            r
            for state in dict.fromkeys(states)
            for r in newest(query.where(PriorityRequest.state == state))
        ]
        rows = sorted(found, key=lambda r: r.created_at, reverse=True)[:limit]
    else:
        rows = newest(query)
    return sorted(_views(session, rows, now), key=sort_key)


def request_by_id(session: Session, request_id: uuid.UUID | str) -> PriorityRequest:
    request: PriorityRequest | None = None
    if isinstance(request_id, uuid.UUID):
        request = session.get(PriorityRequest, request_id)
    else:
        try:
            request = session.get(PriorityRequest, uuid.UUID(request_id))
        except ValueError:
            request = session.scalar(
                select(PriorityRequest).where(
                    PriorityRequest.reference == request_id.strip().upper()
                )
            )
    if request is None:
        raise NotFound("no such priority request", "找不到该请求。")
    return request


def get_request(
    session: Session, request_id: uuid.UUID | str, now: datetime | None = None
) -> RequestView:
    """One request (masked), by id or reference."""
    return view_of(session, request_by_id(session, request_id), now or utcnow())


def list_notes(session: Session, request_id: uuid.UUID | str) -> list[NoteView]:
    """A request's notes, oldest first."""
    request = request_by_id(session, request_id)
    rows = session.execute(
        select(PriorityNote.created_at, Staff.display_name, PriorityNote.text)
        .outerjoin(Staff, Staff.id == PriorityNote.staff_id)
        .where(PriorityNote.request_id == request.id)
        .order_by(PriorityNote.created_at)
    ).all()
    return [NoteView(at=row[0], staff=row[1], text=row[2]) for row in rows]


def list_assistants(session: Session) -> list[Assistant]:
    """Enabled staff holding the assistant role, by display name."""
    rows = session.scalars(
        select(Staff).where(Staff.disabled.is_(False)).order_by(Staff.display_name)
    ).all()
    return [Assistant(s.username, s.display_name) for s in rows if "assistant" in s.roles]
