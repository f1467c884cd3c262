"""Tours as screens see them: the plain :class:`TourView`, who acts, and finding tours.

Split from :mod:`shared.services.tours` (the write path) so views, slips and the ledger share
one read model without importing the booking code.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, selectinload

from shared.clock import HALL_TZ, to_local
from shared.errors import NotFound, ValidationError
from shared.models import Site, Staff, Tour
from shared.services.audit import SYSTEM_ACTOR
from shared.services.staff import StaffInfo
from shared.services.tours_rules import OVERRIDE_ROLES, all_venues, venue_windows

STATE_ZH = {
    "requested": "待确认",
    "confirmed": "已确认",
    "in_progress": "进行中",
    "completed": "已完成",
    "cancelled": "已取消",
    "no_show": "未到",
}
FEEDBACK_ZH = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
MIN_PREFIX = 6
_HEX = re.compile(r"^[0-9a-f]+$")


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff account, or the system (no roles)."""

    id: uuid.UUID | None
    username: str
    roles: tuple[str, ...]

    @property
    def may_override(self) -> bool:
        """Managers and admins may override a rule (with a reason)."""
        return any(role in OVERRIDE_ROLES for role in self.roles)


def resolve_actor(session: Session, actor: StaffInfo | str | None) -> Actor:
    """The acting account with its current roles (re-read: a stale StaffInfo grants nothing).

    Raises:
        NotFound: no such account, or it is disabled.
    """
    if actor is None:
        return Actor(None, SYSTEM_ACTOR, ())
    if isinstance(actor, StaffInfo):
        staff = session.get(Staff, actor.id)
        name = actor.username
    else:
        name = actor
        staff = session.scalar(select(Staff).where(Staff.username == actor))
    if staff is None or staff.disabled:
        raise NotFound(f"no active staff account: {name}", "找不到该工作人员账号。")
    return Actor(staff.id, staff.username, tuple(staff.roles))


@dataclass(frozen=True)
class TourView:
    """A tour as screens, slips, the ledger and the CLI see it (plain data, hall-local times
    available through :attr:`local_start` / :attr:`local_end`)."""

    id: uuid.UUID
    site_code: str
    site_name: str
    group_name: str
    organisation: str
    contact_name: str | None
    contact_phone: str | None
    expected_visitors: int
    level: str
    letter_ref: str
    route_code: str
    route_name: str
    segments: tuple[tuple[str, str, dt.datetime, dt.datetime], ...]
    starts_at: dt.datetime
    ends_at: dt.datetime
    extended: bool
    state: str
    docents: tuple[tuple[str, str], ...]
    notes: str
    override_reason: str | None
    override_by: str | None
    arrived_at: dt.datetime | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    actual_visitors: int | None
    log_notes: str
    follow_ups: str
    feedback: int | None

    @property
    def short_id(self) -> str:
        """The first eight hex digits of the id (what staff read out and type)."""
        return self.id.hex[:8]

    @property
    def local_start(self) -> dt.datetime:
        """The start in hall-local time."""
        return to_local(self.starts_at)

    @property
    def local_end(self) -> dt.datetime:
        """The end in hall-local time."""
        return to_local(self.ends_at)

    @property
    def date(self) -> dt.date:
        """The hall-local day of the tour."""
        return self.local_start.date()

    @property
    def docent_names(self) -> str:
        """The docents' display names, joined with 、."""
        return "、".join(name for _user, name in self.docents)

    @property
    def state_zh(self) -> str:
        """The state as the console shows it (已签到 for an arrived group not yet started)."""
        if self.arrived_at and self.state in ("requested", "confirmed"):
            return "已签到"
        return STATE_ZH.get(self.state, self.state)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (times ISO, plus hall-local date and HH:MM)."""

        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": str(self.id),
            "short_id": self.short_id,
            "site": self.site_code,
            "group": self.group_name,
            "org": self.organisation,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "visitors": self.expected_visitors,
            "level": self.level,
            "letter": self.letter_ref,
            "route": self.route_code,
            "route_name": self.route_name,
            "segments": [
                {
                    "venue": v,
                    "venue_name": n,
                    "start": f"{to_local(a):%H:%M}",
                    "end": f"{to_local(b):%H:%M}",
                }
                for v, n, a, b in self.segments
            ],
            "date": self.date.isoformat(),
            "start": f"{self.local_start:%H:%M}",
            "end": f"{self.local_end:%H:%M}",
            "starts_at": iso(self.starts_at),
            "ends_at": iso(self.ends_at),
            "extended": self.extended,
            "state": self.state,
            "docents": [u for u, _n in self.docents],
            "notes": self.notes,
            "override_reason": self.override_reason,
            "override_by": self.override_by,
            "arrived_at": iso(self.arrived_at),
            "actual_start": iso(self.actual_start),
            "actual_end": iso(self.actual_end),
            "actual_visitors": self.actual_visitors,
            "log_notes": self.log_notes,
            "follow_ups": self.follow_ups,
            "feedback": self.feedback,
        }


def tour_view(session: Session, tour: Tour) -> TourView:
    """The plain view of a tour."""
    site = session.get_one(Site, tour.site_id)
    venues = all_venues(session)
    override_by = session.get(Staff, tour.override_by_id) if tour.override_by_id else None
    return TourView(
        id=tour.id,
        site_code=site.code,
        site_name=site.name,
        group_name=tour.group_name,
        organisation=tour.organisation,
        contact_name=tour.contact_name,
        contact_phone=tour.contact_phone,
        expected_visitors=tour.expected_visitors,
        level=tour.level,
        letter_ref=tour.letter_ref,
        route_code=tour.route.code,
        route_name=tour.route.name,
        segments=tuple(
            (w.venue, w.venue_name, w.starts_at, w.ends_at)
            for w in venue_windows(tour.route, venues, tour.starts_at)
        ),
        starts_at=tour.starts_at,
        ends_at=tour.ends_at,
        extended=tour.extended,
        state=tour.state,
        docents=tuple(
            (d.username, d.display_name) for d in sorted(tour.docents, key=lambda s: s.username)
        ),
        notes=tour.notes,
        override_reason=tour.override_reason,
        override_by=override_by.username if override_by else None,
        arrived_at=tour.arrived_at,
        actual_start=tour.actual_start,
        actual_end=tour.actual_end,
        actual_visitors=tour.actual_visitors,
        log_notes=tour.log_notes,
        follow_ups=tour.follow_ups,
        feedback=tour.feedback,
    )


def _prefix_query(prefix: str) -> Any:
    # SQLite stores a Uuid as 32 hex digits, PostgreSQL prints it with dashes: compare both
    # without dashes.
    hex_id = func.replace(cast(Tour.id, String), "-", "")
    return select(Tour).where(func.lower(hex_id).like(f"{prefix}%"))


def find_tour(session: Session, ref: uuid.UUID | str, *, for_update: bool = False) -> Tour:
    """A tour by its full id or a unique prefix of at least six hex digits (dashes ignored).

    Raises:
        NotFound: nothing matches. ValidationError: the prefix is short or ambiguous.
    """
    query: Any
    if isinstance(ref, uuid.UUID):
        query = select(Tour).where(Tour.id == ref)
    else:
        cleaned = ref.strip().lower().replace("-", "")
        if len(cleaned) == 32 and _HEX.match(cleaned):
            query = select(Tour).where(Tour.id == uuid.UUID(cleaned))
        elif len(cleaned) >= MIN_PREFIX and _HEX.match(cleaned):
            query = _prefix_query(cleaned)
        else:
            raise ValidationError(
                f"a tour id is a UUID or at least {MIN_PREFIX} of its hex digits: {ref!r}",
                "接待编号无效。",
            )
    if for_update:
        query = query.with_for_update()
    found: list[Tour] = list(session.scalars(query.limit(2)))
    if not found:
        raise NotFound(f"no such tour: {ref}", "找不到该接待记录。")
    if len(found) > 1:
        raise ValidationError(
            f"tour id prefix {ref!r} is ambiguous", "接待编号不唯一，请输入更多位。"
        )
    return found[0]


def list_tours(
    session: Session,
    *,
    site: str | None = None,
    date_from: dt.date,
    date_to: dt.date | None = None,
    states: tuple[str, ...] | None = None,
) -> list[TourView]:
    """Tours starting on the hall-local days ``date_from`` … ``date_to`` (inclusive), by start."""
    first = dt.datetime.combine(date_from, dt.time(0), HALL_TZ)
    last = dt.datetime.combine((date_to or date_from) + dt.timedelta(days=1), dt.time(0), HALL_TZ)
    query = (
        select(Tour)
        .where(Tour.starts_at >= first, Tour.starts_at < last)
        .options(selectinload(Tour.docents), selectinload(Tour.route))
        .order_by(Tour.starts_at, Tour.group_name)
    )
    if site is not None:
        query = query.join(Site, Site.id == Tour.site_id).where(Site.code == site)
    if states:
        query = query.where(Tour.state.in_(states))
    return [tour_view(session, tour) for tour in session.scalars(query)]
