"""The rules a tour booking must keep, checked the same way by the booking dialog and the service.

Three rules (spec §5 Tours), each of which a manager or admin may override with a written
reason:

- ``docent``: a docent leads one tour at a time — no overlap of ``[start, end)`` with any other
  live (not cancelled, not no-show) tour of theirs, at any site;
- ``capacity``: the visitors in a venue at any moment stay within its capacity. A route's
  segments give each venue a window: segment *i* occupies ``start + sum(previous minutes)``
  for its own minutes. The peak load over the window is checked, not the sum of every tour
  that touches it;
- ``hours``: a tour lies within one session of hall hours on a working day, unless it is
  marked extended (延时服务).

Malformed drafts (an unknown route or docent, a tour shorter than its route) are not rule
clashes: they raise :class:`~shared.errors.ValidationError` and cannot be overridden.

Concurrency: :func:`lock_schedule` must be the first statement of every transaction that
books (or later moves) a tour. On SQLite every write transaction already starts with
``BEGIN IMMEDIATE`` (``shared.db``), which serialises writers; on PostgreSQL a
transaction-scoped advisory lock does. An advisory lock rather than ``SELECT … FOR UPDATE``
on venue and docent rows because the clash is with rows that do not exist yet (the other
console's new tour), which only a lock on some parent row or a named lock can cover; row
locks on ``staff`` would also make logins wait behind bookings, and auto-picking a docent
would have to lock every docent anyway. The lock is one per installation, not per site,
because a docent may be booked at any site; bookings are a handful a day, so nobody waits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from shared.clock import HALL_TZ, to_local
from shared.errors import Conflict, ValidationError
from shared.models import Site, Staff, StaffRole, Tour, TourRoute, Venue
from shared.services.hours import sessions_on
from shared.services.settings import get_setting, site_by_code
from shared.services.weekly_hours import hours_text

INACTIVE_STATES = ("cancelled", "no_show")
"""Tours in these states hold no docent and no room."""
OVERRIDE_ROLES = ("manager", "admin")
RULES = ("docent", "capacity", "hours")
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# A fixed 63-bit number ("SHTOURS"): the transaction-scoped PostgreSQL lock every tour booking
# takes before it checks the rules.
_PG_LOCK_ID = 0x0053_4854_4F55_5253


def lock_schedule(session: Session) -> None:
    """Serialise tour bookings until the caller's transaction ends.

    Call first in a write transaction, before any rule is checked. PostgreSQL: an advisory
    transaction lock (READ COMMITTED then shows every booking committed before it was
    granted). SQLite: nothing to do — the transaction began with ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})


def parse_hhmm(value: dt.time | str) -> dt.time:
    """``"09:30"`` or a ``time`` → ``time`` (minutes precision)."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        hours, minutes = str(value).strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValidationError(
            f"not a time of day (HH:MM): {value!r}", "时间格式应为 时:分。"
        ) from None


def hhmm(instant: dt.datetime) -> str:
    """An instant as hall-local ``HH:MM``."""
    return f"{to_local(instant):%H:%M}"


def span_text(start: dt.datetime, end: dt.datetime) -> str:
    """``09:00-10:00`` in hall-local time."""
    return f"{hhmm(start)}-{hhmm(end)}"


@dataclass(frozen=True)
class TourDraft:
    """A tour as far as the rules care: when, where, how many, with whom.

    Attributes:
        date: the hall-local day.
        start: hall-local start time. ``end``: hall-local end time (same day).
        route: the route's code (``hall``, ``centre``, ``both``).
        visitors: expected head count.
        docents: usernames, or ``None`` to pick a free docent automatically.
        extended: marked 延时服务 (allowed outside hall hours).
        site: the site's code.
        exclude_id: a tour being rescheduled, which must not clash with itself.
    """

    date: dt.date
    start: dt.time
    end: dt.time
    route: str
    visitors: int
    docents: tuple[str, ...] | None = None
    extended: bool = False
    site: str = "huarong"
    exclude_id: uuid.UUID | None = None

    @property
    def starts_at(self) -> dt.datetime:
        """The start as a timezone-aware instant."""
        return dt.datetime.combine(self.date, self.start, HALL_TZ)

    @property
    def ends_at(self) -> dt.datetime:
        """The end as a timezone-aware instant."""
        return dt.datetime.combine(self.date, self.end, HALL_TZ)


@dataclass(frozen=True)
class RuleConflict:
    """One rule a draft breaks, with the reason in English and Chinese.

    Attributes:
        rule: ``docent``, ``capacity`` or ``hours``.
        overridable: whether a manager's written reason may book it anyway (``False`` only
            when no docent is free and none was named: there is nobody to book).
        docent: the docent's username (docent rule).
        venue: the venue's code (capacity rule).
        tour_ids: the other tours involved.
    """

    rule: str
    message: str
    message_zh: str
    overridable: bool = True
    docent: str | None = None
    venue: str | None = None
    tour_ids: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "rule": self.rule,
            "message": self.message,
            "message_zh": self.message_zh,
            "overridable": self.overridable,
            "docent": self.docent,
            "venue": self.venue,
            "tour_ids": list(self.tour_ids),
        }


class TourRefused(Conflict):
    """A booking refused by one or more rules; ``conflicts`` lists them."""

    default_zh = "该预约与现有安排冲突。"

    def __init__(
        self, conflicts: Sequence[RuleConflict], hint: str = "", hint_zh: str = ""
    ) -> None:
        self.conflicts = list(conflicts)
        message = "; ".join(c.message for c in self.conflicts)
        message_zh = "；".join(c.message_zh for c in self.conflicts)
        if hint:
            message = f"{message} ({hint})"
            message_zh = f"{message_zh}（{hint_zh}）"
        super().__init__(message, message_zh)


@dataclass(frozen=True)
class VenueWindow:
    """The time a tour spends in one venue."""

    venue: str
    venue_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass
class _Resolved:
    site: Site
    route: TourRoute
    venues: dict[str, Venue]
    windows: list[VenueWindow]
    docents: list[Staff] | None
    others: list[Tour] = field(default_factory=list)


def route_minutes(route: TourRoute) -> int:
    """How long a route takes, in minutes."""
    return sum(int(segment["minutes"]) for segment in route.segments)


def venue_windows(
    route: TourRoute, venues: dict[str, Venue], starts_at: dt.datetime
) -> list[VenueWindow]:
    """Each segment of ``route`` as a time window, starting at ``starts_at``."""
    windows = []
    at = starts_at
    for segment in route.segments:
        until = at + dt.timedelta(minutes=int(segment["minutes"]))
        venue = venues.get(str(segment["venue"]))
        name = venue.name if venue else str(segment["venue"])
        windows.append(VenueWindow(str(segment["venue"]), name, at, until))
        at = until
    return windows


def all_venues(session: Session) -> dict[str, Venue]:
    """Every venue by code."""
    return {v.code: v for v in session.scalars(select(Venue))}


def route_by_code(session: Session, code: str) -> TourRoute:
    """The route with this code, or :class:`ValidationError`."""
    route = session.scalar(select(TourRoute).where(TourRoute.code == code))
    if route is None:
        known = ", ".join(session.scalars(select(TourRoute.code).order_by(TourRoute.code)))
        raise ValidationError(f"no such route: {code} (routes: {known})", "参观路线无效。")
    return route


def docent_query() -> Any:
    """Active staff holding the docent role."""
    return (
        select(Staff)
        .join(StaffRole, StaffRole.staff_id == Staff.id)
        .where(StaffRole.role == "docent", Staff.disabled.is_(False))
    )


def docents_by_username(session: Session, usernames: Iterable[str]) -> list[Staff]:
    """The named docents, in the order given (duplicates dropped).

    Raises:
        ValidationError: a name is not an active docent.
    """
    wanted = list(dict.fromkeys(u.strip() for u in usernames if u.strip()))
    if not wanted:
        raise ValidationError("name at least one docent", "请至少选择一名讲解员。")
    found = {
        s.username: s for s in session.scalars(docent_query().where(Staff.username.in_(wanted)))
    }
    missing = [u for u in wanted if u not in found]
    if missing:
        raise ValidationError(
            f"not an active docent: {', '.join(missing)}", f"不是在岗讲解员：{'、'.join(missing)}"
        )
    return [found[u] for u in wanted]


def _overlapping(session: Session, draft: TourDraft) -> list[Tour]:
    query = (
        select(Tour)
        .where(
            Tour.state.not_in(INACTIVE_STATES),
            Tour.starts_at < draft.ends_at,
            Tour.ends_at > draft.starts_at,
        )
        .options(selectinload(Tour.docents), selectinload(Tour.route))
        .order_by(Tour.starts_at)
    )
    if draft.exclude_id is not None:
        query = query.where(Tour.id != draft.exclude_id)
    return list(session.scalars(query))


def _resolve(session: Session, draft: TourDraft) -> _Resolved:
    site = site_by_code(session, draft.site)
    if draft.visitors < 1:
        raise ValidationError(
            f"visitors must be at least 1 (got {draft.visitors})", "预计人数至少为 1 人。"
        )
    route = route_by_code(session, draft.route)
    venues = all_venues(session)
    unknown = [s["venue"] for s in route.segments if s["venue"] not in venues]
    if unknown:
        raise ValidationError(f"route {route.code} names unknown venue(s): {unknown}")
    if draft.end <= draft.start:
        raise ValidationError(
            f"the tour must end after it starts ({draft.start:%H:%M}-{draft.end:%H:%M})",
            "结束时间应晚于开始时间。",
        )
    minutes = route_minutes(route)
    earliest = draft.starts_at + dt.timedelta(minutes=minutes)
    if draft.ends_at < earliest:
        raise ValidationError(
            f"route {route.code} takes {minutes} minutes: a tour starting at "
            f"{draft.start:%H:%M} must end at {hhmm(earliest)} or later",
            f"路线“{route.name}”需 {minutes} 分钟，结束时间不应早于 {hhmm(earliest)}。",
        )
    docents = None if draft.docents is None else docents_by_username(session, draft.docents)
    return _Resolved(
        site=site,
        route=route,
        venues=venues,
        windows=venue_windows(route, venues, draft.starts_at),
        docents=docents,
        others=_overlapping(session, draft),
    )


def _docent_conflicts(r: _Resolved, draft: TourDraft) -> list[RuleConflict]:
    found = []
    for docent in r.docents or []:
        busy = [t for t in r.others if any(d.id == docent.id for d in t.docents)]
        if not busy:
            continue
        other = busy[0]
        span = span_text(other.starts_at, other.ends_at)
        found.append(
            RuleConflict(
                rule="docent",
                message=f"docent {docent.username} already leads '{other.group_name}' {span}",
                message_zh=f"讲解员{docent.display_name}在 {span} 已有接待“{other.group_name}”",
                docent=docent.username,
                tour_ids=tuple(str(t.id) for t in busy),
            )
        )
    return found


def _capacity_conflicts(r: _Resolved, draft: TourDraft) -> list[RuleConflict]:
    found = []
    for window in r.windows:
        venue = r.venues[window.venue]
        present: list[tuple[dt.datetime, dt.datetime, Tour]] = []
        for other in r.others:
            for w in venue_windows(other.route, r.venues, other.starts_at):
                if (
                    w.venue == window.venue
                    and w.starts_at < window.ends_at
                    and w.ends_at > window.starts_at
                ):
                    present.append((w.starts_at, w.ends_at, other))
        # The load only rises when a tour enters: check the window's start and every entry.
        moments = [window.starts_at] + [s for s, _e, _t in present if s > window.starts_at]
        peak, peak_at, peak_tours = draft.visitors, window.starts_at, []
        for moment in sorted(moments):
            inside = [t for s, e, t in present if s <= moment < e]
            load = draft.visitors + sum(t.expected_visitors for t in inside)
            if load > peak:
                peak, peak_at, peak_tours = load, moment, inside
        if peak <= venue.capacity:
            continue
        others = sum(t.expected_visitors for t in peak_tours)
        names = ", ".join(f"'{t.group_name}'" for t in peak_tours)
        already = f"; {others} already there from {names}" if peak_tours else ""
        already_zh = (
            f"，其中已有{'、'.join(f'“{t.group_name}”' for t in peak_tours)}共 {others} 人"
            if peak_tours
            else ""
        )
        found.append(
            RuleConflict(
                rule="capacity",
                message=(
                    f"venue {venue.code} ({venue.name}) would hold {peak} visitors at "
                    f"{hhmm(peak_at)}, over its capacity of {venue.capacity}{already}"
                ),
                message_zh=(
                    f"{venue.name}在 {hhmm(peak_at)} 将有 {peak} 人，超过容量 {venue.capacity} 人"
                    f"{already_zh}"
                ),
                venue=venue.code,
                tour_ids=tuple(str(t.id) for t in peak_tours),
            )
        )
    return found


def within_sessions(sessions: list[tuple[dt.time, dt.time]], draft: TourDraft) -> bool:
    """Whether the draft lies inside one of the day's sessions."""
    return any(a <= draft.start and draft.end <= b for a, b in sessions)


def _hours_conflicts(session: Session, r: _Resolved, draft: TourDraft) -> list[RuleConflict]:
    if draft.extended:
        return []
    if within_sessions(sessions_on(session, r.site, draft.date), draft):
        return []
    en, zh = hours_text(get_setting(session, "hall_hours", r.site.id))
    span = f"{draft.start:%H:%M}-{draft.end:%H:%M}"
    weekday = draft.date.strftime("%a")
    return [
        RuleConflict(
            rule="hours",
            message=(
                f"{span} on {weekday} {draft.date} is outside hall hours ({en}); "
                "mark it extended (延时) if the hall stays open"
            ),
            message_zh=(
                f"{draft.date}（{WEEKDAYS_ZH[draft.date.weekday()]}）{span} 不在大厅开放时间内"
                f"（{zh}），如安排延时服务请勾选“延时”"
            ),
        )
    ]


def _free(r: _Resolved, candidates: list[Staff]) -> list[Staff]:
    busy = {d.id for t in r.others for d in t.docents}
    return [c for c in candidates if c.id not in busy]


def free_docents(session: Session, draft: TourDraft) -> list[Staff]:
    """Active docents of the draft's site (or of no site) with no tour in its time, least
    busy that day first — the order :func:`~shared.services.tours.book_tour` picks from."""
    r = _resolve(session, draft)
    return _free_ranked(session, r, draft)


def _free_ranked(session: Session, r: _Resolved, draft: TourDraft) -> list[Staff]:
    candidates = list(
        session.scalars(
            docent_query()
            .where((Staff.site_id == r.site.id) | Staff.site_id.is_(None))
            .order_by(Staff.username)
        )
    )
    free = _free(r, candidates)
    if not free:
        return []
    day_start = dt.datetime.combine(draft.date, dt.time(0), HALL_TZ)
    day_tours = session.scalars(
        select(Tour)
        .where(
            Tour.state.not_in(INACTIVE_STATES),
            Tour.starts_at >= day_start,
            Tour.starts_at < day_start + dt.timedelta(days=1),
        )
        .options(selectinload(Tour.docents))
    )
    load: dict[uuid.UUID, int] = {}
    for tour in day_tours:
        for d in tour.docents:
            load[d.id] = load.get(d.id, 0) + 1
    return sorted(free, key=lambda s: (load.get(s.id, 0), s.username))


def _no_docent(draft: TourDraft) -> RuleConflict:
    span = f"{draft.start:%H:%M}-{draft.end:%H:%M}"
    return RuleConflict(
        rule="docent",
        message=f"no docent is free {draft.date} {span}; name one to override",
        message_zh=f"{draft.date} {span} 没有空闲的讲解员，如需强制预约请指定讲解员",
        overridable=False,
    )


@dataclass(frozen=True)
class CheckResult:
    """The rules' verdict on a draft, and the docents it would get."""

    conflicts: list[RuleConflict]
    docents: list[Staff]
    route: TourRoute
    site: Site
    windows: list[VenueWindow]


def evaluate(session: Session, draft: TourDraft) -> CheckResult:
    """Check every rule; with ``draft.docents`` ``None``, pick the least busy free docent."""
    r = _resolve(session, draft)
    conflicts: list[RuleConflict] = []
    if r.docents is None:
        free = _free_ranked(session, r, draft)
        docents = free[:1]
        if not docents:
            conflicts.append(_no_docent(draft))
    else:
        docents = r.docents
        conflicts.extend(_docent_conflicts(r, draft))
    conflicts.extend(_capacity_conflicts(r, draft))
    conflicts.extend(_hours_conflicts(session, r, draft))
    return CheckResult(conflicts, docents, r.route, r.site, r.windows)


def check_conflicts(session: Session, draft: TourDraft) -> list[RuleConflict]:
    """The rules ``draft`` breaks (empty when it may be booked as it stands).

    Read-only: the booking dialog calls it on every change; :func:`book_tour` calls it again
    under :func:`lock_schedule` before writing.

    Raises:
        ValidationError: the draft is malformed (unknown route, site or docent; no visitors;
            it ends before its route can be walked).
        NotFound: the site does not exist.
    """
    return evaluate(session, draft).conflicts


__all__ = [
    "INACTIVE_STATES",
    "OVERRIDE_ROLES",
    "RULES",
    "CheckResult",
    "RuleConflict",
    "TourDraft",
    "TourRefused",
    "VenueWindow",
    "check_conflicts",
    "evaluate",
    "free_docents",
    "lock_schedule",
    "route_minutes",
    "venue_windows",
]
