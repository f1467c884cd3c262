"""Moving a booked tour to another time, day or docent (the planner's drag), under the rules.

A move is a booking of the same tour somewhere else: the same :class:`TourDraft` is built
from the tour as it stands, with the new day, start and docents and the tour itself
excluded, and checked by :func:`~shared.services.tours_rules.evaluate` — the rules the
booking dialog and :func:`~shared.services.tours.book_tour` keep. A move that breaks a rule
is refused with the reason, unless a manager or admin overrides it with a written reason
(:func:`~shared.services.tours.decide_override`), which is audited as ``tour.override`` like
a booking's. The tour keeps its length; its route, head count and 延时 mark stay.

Only a tour not yet under way moves (requested or confirmed); a group already checked in
may change time or docent on its day but not its day. A slip printed before a move to
another day no longer checks in (:mod:`shared.services.tours_docs`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import HALL_TZ, to_local, utcnow
from shared.errors import Conflict, ValidationError
from shared.models import Site, Tour
from shared.services.audit import audit
from shared.services.staff import StaffInfo
from shared.services.tours import audit_override, decide_override
from shared.services.tours_rules import (
    RuleConflict,
    TourDraft,
    evaluate,
    lock_schedule,
    parse_hhmm,
)
from shared.services.tours_views import STATE_ZH, TourView, find_tour, resolve_actor, tour_view

MOVABLE_STATES = ("requested", "confirmed")
"""A tour in these states may still change time, day or docent."""


def movable(view: TourView) -> bool:
    """Whether a tour may be moved at all (the service checks again, with the day)."""
    return view.state in MOVABLE_STATES


@dataclass(frozen=True)
class MovePlan:
    """Where a tour would go: the rules' draft and the docents it would then have."""

    draft: TourDraft
    docents: tuple[str, ...]
    before: dict[str, Any]


def _span(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.time, dt.time]:
    a, b = to_local(start), to_local(end)
    return a.date(), a.time().replace(second=0, microsecond=0), b.time().replace(second=0)


def _docents_after(tour: Tour, docent_from: str | None, docent_to: str | None) -> tuple[str, ...]:
    current = tuple(sorted(d.username for d in tour.docents))
    if not docent_to or docent_to == docent_from:
        return current
    if docent_to in current:
        raise ValidationError(
            f"{docent_to} already leads this tour", "该讲解员已在这次接待中，请换一位讲解员。"
        )
    if docent_from is None or docent_from not in current:
        raise ValidationError(
            f"{docent_from} does not lead this tour", "请从该接待的讲解员一行拖动。"
        )
    return tuple(docent_to if u == docent_from else u for u in current)


def plan_move(
    session: Session,
    tour: Tour,
    *,
    date: dt.date,
    start: dt.time | str,
    docent_from: str | None = None,
    docent_to: str | None = None,
) -> MovePlan:
    """The draft a move of ``tour`` would book (read-only).

    Args:
        date, start: the new hall-local day and start; the end keeps the tour's length.
        docent_from, docent_to: hand the tour from one of its docents to another (both
            ``None``: the same docents).

    Raises:
        Conflict: the tour is under way, finished or cancelled, or a checked-in group
            would change day.
        ValidationError: the new docent is not an active docent, already leads it, or the
            tour would run past midnight.
    """
    if tour.state not in MOVABLE_STATES:
        raise Conflict(
            f"tour '{tour.group_name}' is {tour.state} and can no longer be moved",
            f"接待“{tour.group_name}”当前为{STATE_ZH.get(tour.state, tour.state)}，不能再调整。",
        )
    old_date, old_start, old_end = _span(tour.starts_at, tour.ends_at)
    if tour.arrived_at is not None and date != old_date:
        raise Conflict(
            f"the group of '{tour.group_name}' has checked in; it stays on {old_date}",
            "该团组已签到，只能调整当天的时间或讲解员。",
        )
    start = parse_hhmm(start)
    length = tour.ends_at - tour.starts_at
    ends = dt.datetime.combine(date, start, HALL_TZ) + length
    if ends.date() != date:
        raise ValidationError("a tour must end on the day it starts", "调整后的接待不能跨过午夜。")
    docents = _docents_after(tour, docent_from, docent_to)
    site = session.get_one(Site, tour.site_id)
    draft = TourDraft(
        date=date,
        start=start,
        end=ends.time(),
        route=tour.route.code,
        visitors=tour.expected_visitors,
        docents=docents,
        extended=tour.extended,
        site=site.code,
        exclude_id=tour.id,
    )
    before = {
        "date": old_date.isoformat(),
        "start": f"{old_start:%H:%M}",
        "end": f"{old_end:%H:%M}",
        "docents": [d.username for d in sorted(tour.docents, key=lambda s: s.username)],
    }
    return MovePlan(draft, docents, before)


def check_move(
    session: Session,
    tour: uuid.UUID | str,
    *,
    date: dt.date,
    start: dt.time | str,
    docent_from: str | None = None,
    docent_to: str | None = None,
) -> list[RuleConflict]:
    """The rules a move would break (empty: it may be moved as it stands). Read-only: the
    planner calls it while a tour is dragged; :func:`move_tour` checks again under the lock.

    Raises:
        Conflict, ValidationError: as :func:`plan_move` (the move is impossible, not merely
            against a rule).
    """
    plan = plan_move(
        session,
        find_tour(session, tour),
        date=date,
        start=start,
        docent_from=docent_from,
        docent_to=docent_to,
    )
    return evaluate(session, plan.draft).conflicts


def move_tour(
    session: Session,
    tour: uuid.UUID | str,
    *,
    date: dt.date,
    start: dt.time | str,
    docent_from: str | None = None,
    docent_to: str | None = None,
    override_reason: str | None = None,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """Move a tour to ``date`` at ``start`` (same length), optionally handing it from
    ``docent_from`` to ``docent_to``, if the booking rules allow it or a manager overrides.

    Call in a write transaction: the schedule lock is taken first, as for a booking.
    Records the change ``tour/<id>/moved`` and the audit entry ``tour.moved`` (from, to),
    plus ``tour.override`` when rules were overridden.

    Raises:
        TourRefused: a rule refuses the move and there is no valid override.
        Conflict, ValidationError: as :func:`plan_move`.
    """
    now = now or utcnow()
    lock_schedule(session)
    who = resolve_actor(session, actor)
    found = find_tour(session, tour, for_update=True)
    plan = plan_move(
        session, found, date=date, start=start, docent_from=docent_from, docent_to=docent_to
    )
    result = evaluate(session, plan.draft)
    reason = (override_reason or "").strip()
    overridden = decide_override(result.conflicts, reason, who, "调整")
    draft = plan.draft
    found.starts_at = draft.starts_at.astimezone(dt.UTC)
    found.ends_at = draft.ends_at.astimezone(dt.UTC)
    found.docents = list(result.docents)
    if overridden:
        found.override_reason = reason
        found.override_by_id = who.id
    session.flush()
    record_change(session, "tour", found.id, "moved", site_id=found.site_id, now=now)
    after = {
        "date": draft.date.isoformat(),
        "start": f"{draft.start:%H:%M}",
        "end": f"{draft.end:%H:%M}",
        "docents": list(plan.docents),
    }
    audit(
        session,
        "tour.moved",
        actor=who.username,
        actor_id=who.id,
        entity_kind="tour",
        entity_id=found.id,
        site_id=found.site_id,
        now=now,
        detail={"from": plan.before, "to": after},
    )
    if overridden:
        audit_override(session, who, found, overridden, reason, now, action="move", to=after)
    return tour_view(session, found)


__all__ = ["MOVABLE_STATES", "MovePlan", "check_move", "movable", "move_tour", "plan_move"]
