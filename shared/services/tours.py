"""Tours (参观接待): book under the rules, then confirm, check in, start, finish or cancel.

Every function here is one step of a user action in the caller's transaction: it checks,
changes, records the change (kind ``tour``) and an audit entry, and returns a plain
:class:`TourView`. The rules live in :mod:`shared.services.tours_rules`; slips, codes and the
ledger in :mod:`shared.services.tours_docs`.

States: requested → confirmed → in_progress → completed, or cancelled / no_show. A scanned
slip marks the group arrived (``arrived_at``) without changing the state; an arrived group
may be started even if nobody confirmed the booking.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import to_local, utcnow
from shared.errors import Conflict, ValidationError
from shared.models import Tour
from shared.services.audit import audit
from shared.services.settings import get_setting
from shared.services.staff import StaffInfo
from shared.services.tours_rules import (
    RuleConflict,
    TourDraft,
    TourRefused,
    check_conflicts,
    evaluate,
    lock_schedule,
    parse_hhmm,
)
from shared.services.tours_views import (
    FEEDBACK_ZH,
    STATE_ZH,
    Actor,
    TourView,
    find_tour,
    list_tours,
    resolve_actor,
    tour_view,
)

__all__ = [
    "FEEDBACK_ZH",
    "STATE_ZH",
    "Actor",
    "RuleConflict",
    "TourDraft",
    "TourRefused",
    "TourView",
    "book_tour",
    "cancel",
    "check_conflicts",
    "confirm",
    "decide_override",
    "find_tour",
    "finish",
    "list_tours",
    "mark_arrived",
    "no_show",
    "reception_levels",
    "resolve_actor",
    "start",
    "tour_view",
]


def reception_levels(session: Session, site_id: uuid.UUID | None = None) -> list[str]:
    """The configured reception levels (setting ``reception_levels``)."""
    return [str(level) for level in get_setting(session, "reception_levels", site_id)]


def _text(value: str | None, label: str, label_zh: str, limit: int, required: bool) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(f"{label} is required", f"请填写{label_zh}。")
    if len(cleaned) > limit:
        raise ValidationError(
            f"{label} is longer than {limit} characters", f"{label_zh}不能超过 {limit} 个字。"
        )
    return cleaned


def decide_override(
    conflicts: list[RuleConflict], reason: str, who: Actor, verb_zh: str
) -> list[RuleConflict]:
    """The conflicts a booking or a move goes ahead over, or :class:`TourRefused`.

    No conflict: nothing to override. Otherwise every conflict must be overridable, the
    actor a manager or admin, and the written ``reason`` non-empty; ``verb_zh`` (预约, 调整)
    names the action in the refusal's hint.
    """
    if not conflicts:
        return []
    if any(not c.overridable for c in conflicts):
        raise TourRefused(conflicts)
    if reason and not who.may_override:
        raise TourRefused(
            conflicts,
            f"only a manager or admin may override; {who.username} is "
            f"{', '.join(who.roles) or 'no role'}",
            f"仅项目经理或管理员可强制{verb_zh}",
        )
    if not reason:
        hint = (
            "a manager may override with a written reason"
            if not who.may_override
            else "to override, give a written reason"
        )
        raise TourRefused(conflicts, hint, f"经理可填写理由后强制{verb_zh}")
    return conflicts


def book_tour(
    session: Session,
    *,
    site: str = "huarong",
    date: dt.date,
    start: dt.time | str,
    end: dt.time | str,
    group: str,
    org: str,
    visitors: int,
    route: str,
    docents: list[str] | tuple[str, ...] | None = None,
    level: str = "一般",
    letter: str = "",
    contact_name: str | None = None,
    contact_phone: str | None = None,
    extended: bool = False,
    notes: str = "",
    override_reason: str | None = None,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """Book a tour (state ``requested``) if the rules allow it, or a manager overrides them.

    Call in a write transaction (``factory.begin()``): the schedule lock is taken first, so
    two consoles booking the last docent or the last places at once cannot both succeed.

    Args:
        date, start, end: hall-local day and times (``"HH:MM"`` or ``time``).
        docents: usernames; ``None`` picks the least busy free docent.
        override_reason: a manager's or admin's written reason to book despite the rules.
        actor: who books (a StaffInfo or a username); ``None`` is the system.

    Raises:
        TourRefused: a rule refuses it and there is no valid override; the message names
            each reason.
        ValidationError: malformed input (unknown route, level or docent, empty group…).
    """
    now = now or utcnow()
    lock_schedule(session)
    who = resolve_actor(session, actor)
    group = _text(group, "group name", "团组名称", 100, True)
    org = _text(org, "organisation", "来访单位", 100, True)
    letter = _text(letter, "letter reference", "公函编号", 60, False)
    contact_name = _text(contact_name, "contact name", "联系人", 60, False) or None
    contact_phone = _text(contact_phone, "contact phone", "联系电话", 20, False) or None
    draft = TourDraft(
        date=date,
        start=parse_hhmm(start),
        end=parse_hhmm(end),
        route=route,
        visitors=int(visitors),
        docents=None if docents is None else tuple(docents),
        extended=extended,
        site=site,
    )
    result = evaluate(session, draft)
    levels = reception_levels(session, result.site.id)
    if level not in levels:
        raise ValidationError(
            f"unknown reception level: {level} (levels: {', '.join(levels)})", "接待等级无效。"
        )
    reason = (override_reason or "").strip()
    overridden = decide_override(result.conflicts, reason, who, "预约")
    tour = Tour(
        site_id=result.site.id,
        group_name=group,
        organisation=org,
        contact_name=contact_name,
        contact_phone=contact_phone,
        expected_visitors=draft.visitors,
        level=level,
        letter_ref=letter,
        route_id=result.route.id,
        starts_at=draft.starts_at.astimezone(dt.UTC),
        ends_at=draft.ends_at.astimezone(dt.UTC),
        extended=extended,
        state="requested",
        notes=notes.strip(),
        override_reason=reason if overridden else None,
        override_by_id=who.id if overridden else None,
        created_by_id=who.id,
        created_at=now,
    )
    tour.route = result.route
    tour.docents = list(result.docents)
    session.add(tour)
    session.flush()
    record_change(session, "tour", tour.id, "booked", site_id=tour.site_id, now=now)
    audit(
        session,
        "tour.booked",
        actor=who.username,
        actor_id=who.id,
        entity_kind="tour",
        entity_id=tour.id,
        site_id=tour.site_id,
        now=now,
        detail={
            "date": draft.date.isoformat(),
            "start": f"{draft.start:%H:%M}",
            "end": f"{draft.end:%H:%M}",
            "route": result.route.code,
            "visitors": draft.visitors,
            "level": level,
            "docents": [d.username for d in result.docents],
            "extended": extended,
            "auto_docent": docents is None,
        },
    )
    if overridden:
        audit_override(session, who, tour, overridden, reason, now)
    return tour_view(session, tour)


def audit_override(
    session: Session,
    who: Actor,
    tour: Tour,
    overridden: Sequence[Any],
    reason: str | None,
    now: dt.datetime,
    **extra: Any,
) -> None:
    """The audit entry of a rule overridden for ``tour`` (a booking, or ``extra`` naming the
    action, as a move): which rules, what they said, why, by whom."""
    audit(
        session,
        "tour.override",
        actor=who.username,
        actor_id=who.id,
        entity_kind="tour",
        entity_id=tour.id,
        site_id=tour.site_id,
        now=now,
        detail={
            **{k: v for k, v in extra.items() if k == "action"},
            "rules": sorted({c.rule for c in overridden}),
            "reasons": [c.message for c in overridden],
            "override_reason": reason,
            "by": who.username,
            **{k: v for k, v in extra.items() if k != "action"},
        },
    )


def _step(
    session: Session,
    ref: uuid.UUID | str,
    action: str,
    allowed: Callable[[Tour], bool],
    allowed_text: str,
    change: Callable[[Tour], dict[str, Any]],
    actor: StaffInfo | str | None,
    now: dt.datetime,
) -> TourView:
    who = resolve_actor(session, actor)
    tour = find_tour(session, ref, for_update=True)
    if not allowed(tour):
        raise Conflict(
            f"cannot {action.replace('_', '-')} tour '{tour.group_name}': it is {tour.state}"
            f" (allowed when {allowed_text})",
            f"接待“{tour.group_name}”当前为{STATE_ZH.get(tour.state, tour.state)}，"
            "不能执行该操作。",
        )
    detail = change(tour)
    session.flush()
    record_change(session, "tour", tour.id, action, site_id=tour.site_id, now=now)
    audit(
        session,
        f"tour.{action}",
        actor=who.username,
        actor_id=who.id,
        entity_kind="tour",
        entity_id=tour.id,
        site_id=tour.site_id,
        now=now,
        detail=detail,
    )
    return tour_view(session, tour)


def confirm(
    session: Session,
    tour: uuid.UUID | str,
    *,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """requested → confirmed."""

    def change(t: Tour) -> dict[str, Any]:
        t.state = "confirmed"
        return {}

    return _step(
        session,
        tour,
        "confirmed",
        lambda t: t.state == "requested",
        "requested",
        change,
        actor,
        now or utcnow(),
    )


def start(
    session: Session,
    tour: uuid.UUID | str,
    *,
    actor: StaffInfo | str | None = None,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """confirmed (or arrived) → in_progress; ``at`` is the actual start (default now)."""
    now = now or utcnow()

    def change(t: Tour) -> dict[str, Any]:
        t.state = "in_progress"
        t.actual_start = at or now
        return {"actual_start": t.actual_start.isoformat()}

    return _step(
        session,
        tour,
        "started",
        lambda t: t.state == "confirmed" or (t.state == "requested" and t.arrived_at is not None),
        "confirmed or checked in",
        change,
        actor,
        now,
    )


def finish(
    session: Session,
    tour: uuid.UUID | str,
    *,
    actual_visitors: int,
    feedback: int | None = None,
    notes: str = "",
    follow_ups: str = "",
    actual_end: dt.datetime | None = None,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """in_progress → completed, with the log: actual end and head count, notes, follow-up
    items, and the group's feedback (1 非常不满意 … 5 非常满意)."""
    now = now or utcnow()
    if actual_visitors < 0:
        raise ValidationError("actual visitors cannot be negative", "实到人数不能为负数。")
    if feedback is not None and feedback not in FEEDBACK_ZH:
        raise ValidationError("feedback is 1 to 5", "评价应为 1 至 5 级。")

    def change(t: Tour) -> dict[str, Any]:
        end = actual_end or now
        if t.actual_start and end < t.actual_start:
            raise ValidationError("the tour cannot end before it started", "结束时间早于开始时间。")
        t.state = "completed"
        t.actual_end = end
        t.actual_visitors = actual_visitors
        t.feedback = feedback
        t.log_notes = notes.strip()
        t.follow_ups = follow_ups.strip()
        return {
            "actual_end": end.isoformat(),
            "actual_visitors": actual_visitors,
            "feedback": feedback,
        }

    return _step(
        session,
        tour,
        "completed",
        lambda t: t.state == "in_progress",
        "in progress",
        change,
        actor,
        now,
    )


def cancel(
    session: Session,
    tour: uuid.UUID | str,
    *,
    reason: str = "",
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """requested or confirmed → cancelled (frees the docent and the venue)."""

    def change(t: Tour) -> dict[str, Any]:
        t.state = "cancelled"
        return {"reason": reason.strip()} if reason.strip() else {}

    return _step(
        session,
        tour,
        "cancelled",
        lambda t: t.state in ("requested", "confirmed"),
        "requested or confirmed",
        change,
        actor,
        now or utcnow(),
    )


def no_show(
    session: Session,
    tour: uuid.UUID | str,
    *,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """requested or confirmed, not arrived, and its start has passed → no_show."""
    now = now or utcnow()

    def allowed(t: Tour) -> bool:
        return t.state in ("requested", "confirmed") and t.arrived_at is None

    def change(t: Tour) -> dict[str, Any]:
        if now < t.starts_at:
            raise Conflict(
                f"tour '{t.group_name}' is not due yet ({to_local(t.starts_at):%Y-%m-%d %H:%M})",
                "尚未到预约开始时间，不能标记为未到。",
            )
        t.state = "no_show"
        return {}

    return _step(
        session,
        tour,
        "no_show",
        allowed,
        "requested or confirmed and not checked in",
        change,
        actor,
        now,
    )


def mark_arrived(
    session: Session,
    tour: uuid.UUID | str,
    *,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """Mark the group arrived today (check-in); a second scan changes nothing.

    Use :func:`shared.services.tours_docs.check_in` for a scanned slip code.

    Raises:
        Conflict: the tour is not requested/confirmed, or it is for another day.
    """
    now = now or utcnow()
    found = find_tour(session, tour, for_update=True)
    if found.arrived_at is not None and found.state in ("requested", "confirmed"):
        return tour_view(session, found)
    tour_day = to_local(found.starts_at).date()
    if found.state in ("requested", "confirmed") and tour_day != to_local(now).date():
        raise Conflict(
            f"tour '{found.group_name}' is booked for {tour_day}, not today",
            f"该接待预约日期为 {tour_day}，不是今天。",
        )

    def change(t: Tour) -> dict[str, Any]:
        t.arrived_at = now
        return {}

    return _step(
        session,
        found.id,
        "arrived",
        lambda t: t.state in ("requested", "confirmed"),
        "requested or confirmed",
        change,
        actor,
        now,
    )
