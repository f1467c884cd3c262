"""好差评: one rating per finished ticket (or of the hall), and the case a bad one opens.

The national rules ask for 现场服务"一次一评" on five levels and a follow-up of every bad rating:
回访 (call the citizen back), 核实 (find out what happened), then 整改 (put it right) or 说明
(explain: no legal basis to do otherwise), or 申诉 (show the rating was mistaken or malicious,
decided by a second person) — within a number of working days of the hall calendar
(``rating_case_days``, 15 by default). These are the only write path for ratings: the rating
pad at a window, the 24-hour kiosk, the console and the CLI all call them.

One rating per ticket holds whatever the terminals do: the database refuses a second row for a
ticket, and a retried submission (``request_key``) finds the rating it already made. Nothing
is rated by default: a visitor who does not answer leaves no rating.

Phones and notes are personal data: never logged, masked in every view, erased by the purge.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import business_date, business_day_start, utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import (
    BAD_LEVELS,
    EVALUATION_CHANNELS,
    EVALUATION_INDICATORS,
    EVALUATION_LEVELS,
    Evaluation,
    EvaluationCase,
    Site,
    Staff,
    Ticket,
    TicketEvent,
)
from shared.services.audit import audit
from shared.services.holidays import add_working_days
from shared.services.masking import mask_phone
from shared.services.priority_rules import PHONE_RE, normalise_phone
from shared.services.settings import get_setting, site_by_code
from shared.services.weekly_hours import working_weekdays

log = logging.getLogger(__name__)

#: Roles that work the cases of bad ratings.
CASE_ROLES = frozenset({"manager", "admin"})
NOTE_LIMIT = 200
#: A case's states before it is closed.
OPEN_STATES = ("open", "visited", "verified", "appealed")
#: Working weekdays when a hall has no hours set (Monday to Friday).
DEFAULT_WORKDAYS = (0, 1, 2, 3, 4)


def level_name(level: int) -> str:
    """``5`` → 非常满意 … ``1`` → 非常不满意."""
    return EVALUATION_LEVELS[5 - level]


@dataclass(frozen=True)
class Rated:
    """What a rating submission did.

    Attributes:
        evaluation_id: the rating (new, or the one a retry had already made).
        level: its level, 5 (非常满意) to 1 (非常不满意).
        case_id: the case it opened (a 差评), else ``None``.
        case_due_on: the case's due date, else ``None``.
        repeated: ``True`` when a retry found its earlier rating (nothing was written).
    """

    evaluation_id: uuid.UUID
    level: int
    case_id: uuid.UUID | None
    case_due_on: date | None
    repeated: bool


@dataclass(frozen=True)
class CaseView:
    """A case as the manager's list shows it (the phone masked)."""

    id: uuid.UUID
    state: str
    due_on: date
    overdue: bool
    level: int
    level_name: str
    reasons: tuple[str, ...]
    masked_phone: str
    ticket_number: str | None
    outcome: str | None
    created_at: datetime


# -- checking what is submitted -------------------------------------------------------------


def _check_level(level: int) -> int:
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise ValidationError(
            "level must be 1 (very dissatisfied) to 5 (very satisfied)", "请选择评价等级。"
        )
    return level


def _check_indicators(indicators: Mapping[str, int] | None) -> dict[str, int]:
    checked: dict[str, int] = {}
    for name, value in (indicators or {}).items():
        if name not in EVALUATION_INDICATORS:
            raise ValidationError(
                f"unknown indicator {name!r} (known: {', '.join(EVALUATION_INDICATORS)})",
                "评价指标不正确。",
            )
        checked[name] = _check_level(value)
    return checked


def _check_reasons(
    session: Session, site_id: uuid.UUID, level: int, reasons: Sequence[str]
) -> list[str]:
    if not reasons:
        return []
    if level not in BAD_LEVELS:
        raise ValidationError(
            "reasons are given for a bad rating only", "只有不满意时才需选择原因。"
        )
    allowed = list(get_setting(session, "rating_reasons", site_id))
    unknown = [r for r in reasons if r not in allowed]
    if unknown:
        raise ValidationError(
            f"unknown reason(s): {', '.join(unknown)} (set: {'、'.join(allowed)})",
            "请从列出的原因中选择。",
        )
    return list(dict.fromkeys(reasons))


def _check_phone(phone: str | None) -> str | None:
    text = normalise_phone((phone or "").strip())
    if not text:
        return None
    if not PHONE_RE.match(text):
        raise ValidationError(
            "phone must be an 11-digit mobile number", "请填写11位手机号码，以13至19开头。"
        )
    return text


def _check_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise ValidationError(
            f"note longer than {NOTE_LIMIT} characters", f"意见最多 {NOTE_LIMIT} 个字。"
        )
    return text or None


def _cutover(session: Session, site_id: uuid.UUID) -> time:
    return datetime.strptime(
        str(get_setting(session, "business_day_cutover", site_id)), "%H:%M"
    ).time()


def _weekdays(session: Session, site_id: uuid.UUID) -> tuple[int, ...]:
    return working_weekdays(get_setting(session, "hall_hours", site_id)) or DEFAULT_WORKDAYS


# -- rating ---------------------------------------------------------------------------------


def _ticket_to_rate(
    session: Session, site: Site, ticket_id: uuid.UUID, channel: str, now: datetime
) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.site_id != site.id:
        raise NotFound(f"no ticket {ticket_id} at {site.code}", "找不到这张号票。")
    if ticket.state != "done":
        raise Conflict(
            f"ticket {ticket.number} is {ticket.state}, not finished",
            "这张号票还没有办结，办结后才能评价。",
        )
    if channel != "console" and ticket.business_date != business_date(
        now, _cutover(session, site.id)
    ):
        # A visitor rates today's service; a slip from another day cannot be used to rate it.
        raise Conflict(
            f"ticket {ticket.number} is of {ticket.business_date}, not today",
            "只能评价今天办理的号票。",
        )
    return ticket


@dataclass(frozen=True)
class RatingMenu:
    """What the kiosk's 评价 needs: its site, the letters its tickets start with (the number
    pad's letter keys) and the reasons a visitor may pick for a bad rating."""

    site_code: str
    prefixes: tuple[str, ...]
    reasons: tuple[str, ...]
    #: The levels that ask for reasons and open a case (不满意, 非常不满意).
    bad_levels: tuple[int, ...] = BAD_LEVELS


@dataclass(frozen=True)
class RatingTarget:
    """A ticket a visitor is about to rate, as the screen names it."""

    ticket_id: uuid.UUID
    number: str
    queue_name: str
    window_number: int | None
    matter_name: str | None


def rating_menu(session: Session, site_code: str | None) -> RatingMenu:
    """The 评价 menu of a site (the first site when ``site_code`` is ``None``)."""
    from shared.models import Queue
    from shared.services.home import resolve_site

    site = resolve_site(session, site_code)
    prefixes = session.scalars(
        select(Queue.prefix).where(Queue.site_id == site.id).order_by(Queue.prefix)
    ).all()
    return RatingMenu(
        site_code=site.code,
        prefixes=tuple(dict.fromkeys(prefixes)),
        reasons=tuple(get_setting(session, "rating_reasons", site.id)),
    )


def ticket_to_rate(
    session: Session, site_code: str, number: str, *, now: datetime | None = None
) -> RatingTarget:
    """Today's ticket ``number`` at ``site_code``, if it can be rated now.

    Raises:
        NotFound: no ticket of that number today.
        Conflict: it is not finished yet, or was rated already.
    """
    from shared.models import Queue, ServiceMatter, Window

    now = now or utcnow()
    site = site_by_code(session, site_code)
    day = business_date(now, _cutover(session, site.id))
    wanted = number.strip().upper()
    row = session.execute(
        select(Ticket, Queue.name, Window.number, ServiceMatter.name)
        .join(Queue, Queue.id == Ticket.queue_id)
        .outerjoin(Window, Window.id == Ticket.window_id)
        .outerjoin(ServiceMatter, ServiceMatter.id == Ticket.matter_id)
        .where(Ticket.site_id == site.id, Ticket.business_date == day, Ticket.number == wanted)
        .order_by(Ticket.issued_at.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(
            f"no ticket {wanted} today at {site.code}",
            f"今天没有 {wanted} 这个号码，请核对号票上的号码。",
        )
    ticket, queue_name, window_number, matter_name = row
    if ticket.state != "done":
        raise Conflict(
            f"ticket {wanted} is {ticket.state}, not finished",
            "这张号票还没有办结，办结后才能评价。",
        )
    rated = session.scalar(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id))
    if rated is not None:
        raise Conflict(f"ticket {wanted} was rated already", "这张号票已经评价过了，谢谢您。")
    return RatingTarget(ticket.id, ticket.number, queue_name, window_number, matter_name)


def rate(
    session: Session,
    *,
    site_code: str,
    level: int,
    channel: str,
    ticket_id: uuid.UUID | None = None,
    indicators: Mapping[str, int] | None = None,
    reasons: Sequence[str] = (),
    note: str | None = None,
    phone: str | None = None,
    request_key: str | None = None,
    now: datetime | None = None,
) -> Rated:
    """Record one rating of ticket ``ticket_id`` (finished today, at ``site_code``), or of
    the hall when ``ticket_id`` is ``None``; a 不满意 or 非常不满意 opens a case.

    Raises:
        ValidationError: a level, indicator, reason, phone or note that cannot be taken.
        NotFound: no such site or ticket.
        Conflict: the ticket is not finished, not of today (except at the console), or was
            rated already.
    """
    now = now or utcnow()
    if channel not in EVALUATION_CHANNELS:
        raise ValidationError(f"unknown channel {channel!r}", "评价渠道不正确。")
    if request_key is not None:
        earlier = session.scalar(select(Evaluation).where(Evaluation.request_key == request_key))
        if earlier is not None:
            return _rated(session, earlier, repeated=True)
    site = site_by_code(session, site_code)
    level = _check_level(level)
    checked_indicators = _check_indicators(indicators)
    checked_reasons = _check_reasons(session, site.id, level, reasons)
    checked_phone, checked_note = _check_phone(phone), _check_note(note)
    evaluation = Evaluation(
        id=uuid.uuid4(),
        site_id=site.id,
        level=level,
        indicators=checked_indicators,
        reasons=checked_reasons,
        note=checked_note,
        phone=checked_phone,
        channel=channel,
        request_key=request_key,
        created_at=now,
    )
    if ticket_id is not None:
        ticket = _ticket_to_rate(session, site, ticket_id, channel, now)
        evaluation.ticket_id = ticket.id
        evaluation.window_id = ticket.window_id
        evaluation.staff_id = session.scalar(  # who finished it (the events are by ticket)
            select(TicketEvent.staff_id)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "done")
            .order_by(TicketEvent.at.desc())
            .limit(1)
        )
        evaluation.matter_id = ticket.matter_id
    try:
        with session.begin_nested():
            session.add(evaluation)
            session.flush()
    except IntegrityError:
        if request_key is not None:
            earlier = session.scalar(
                select(Evaluation).where(Evaluation.request_key == request_key)
            )
            if earlier is not None:  # the same submission, sent twice at once
                return _rated(session, earlier, repeated=True)
        raise Conflict("this ticket was rated already", "这张号票已经评价过了，谢谢您。") from None
    record_change(session, "evaluation", evaluation.id, "created", site_id=site.id, now=now)
    case = None
    if level in BAD_LEVELS:
        case = _open_case(session, evaluation, now)
    # Level and channel only: never the phone or the note.
    log.info("rating %s (%s) by %s", level, "ticket" if ticket_id else "hall", channel)
    return Rated(
        evaluation.id,
        level,
        case.id if case else None,
        case.due_on if case else None,
        repeated=False,
    )


def _rated(session: Session, evaluation: Evaluation, *, repeated: bool) -> Rated:
    case = session.scalar(
        select(EvaluationCase).where(EvaluationCase.evaluation_id == evaluation.id)
    )
    return Rated(
        evaluation.id,
        evaluation.level,
        case.id if case else None,
        case.due_on if case else None,
        repeated,
    )


def _open_case(session: Session, evaluation: Evaluation, now: datetime) -> EvaluationCase:
    site_id = evaluation.site_id
    today = business_date(now, _cutover(session, site_id))
    days = int(get_setting(session, "rating_case_days", site_id))
    case = EvaluationCase(
        evaluation_id=evaluation.id,
        site_id=site_id,
        state="open",
        due_on=add_working_days(session, site_id, today, days, _weekdays(session, site_id)),
        created_at=now,
    )
    session.add(case)
    session.flush()
    record_change(session, "evaluation_case", case.id, "created", site_id=site_id, now=now)
    return case


# -- the manager's follow-up ----------------------------------------------------------------


def _manager(session: Session, username: str) -> Staff:
    member = session.scalar(select(Staff).where(Staff.username == username))
    if member is None or member.disabled:
        raise NotFound(f"no such active staff account: {username}", "找不到该工作人员。")
    if CASE_ROLES.isdisjoint(member.roles):
        raise Conflict(f"{username} may not work rating cases", "您没有处理差评回访的权限。")
    return member


def _case(session: Session, case_id: uuid.UUID | str) -> EvaluationCase:
    try:
        key = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    except ValueError:
        raise NotFound(f"no rating case {case_id}", "找不到该差评记录。") from None
    case = session.get(EvaluationCase, key)
    if case is None:
        raise NotFound(f"no rating case {case_id}", "找不到该差评记录。")
    return case


def _step(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    allowed: Collection[str],
    action: str,
    now: datetime | None,
) -> tuple[EvaluationCase, Staff, datetime]:
    now = now or utcnow()
    case = _case(session, case_id)
    member = _manager(session, staff)
    if case.state not in allowed:
        raise Conflict(f"case is {case.state}: cannot {action}", "该差评记录当前不能进行这一步。")
    return case, member, now


def _written(text: str | None, what_en: str, what_zh: str) -> str:
    value = (text or "").strip()
    if not value:
        raise ValidationError(f"{what_en} is required", f"请填写{what_zh}。")
    if len(value) > 1000:
        raise ValidationError(f"{what_en} longer than 1000 characters", f"{what_zh}最多 1000 字。")
    return value


def _log_step(
    session: Session,
    case: EvaluationCase,
    member: Staff,
    action: str,
    now: datetime,
    detail: dict[str, str] | None = None,
) -> None:
    # The audit names the case and the step, never what the citizen said.
    record_change(session, "evaluation_case", case.id, action, site_id=case.site_id, now=now)
    audit(
        session,
        f"rating_case.{action}",
        actor=member.username,
        actor_id=member.id,
        entity_kind="evaluation_case",
        entity_id=case.id,
        site_id=case.site_id,
        detail=detail or {},
        now=now,
    )


def record_visit(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    note: str,
    *,
    now: datetime | None = None,
) -> EvaluationCase:
    """回访: the citizen was called back (or could not be reached); what they said."""
    case, member, now = _step(session, case_id, staff, ("open",), "visit", now)
    case.visit_note = _written(note, "the call-back note", "回访情况")
    case.visited_at = now
    case.state = "visited"
    _log_step(session, case, member, "visited", now)
    return case


def record_finding(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    finding: str,
    *,
    now: datetime | None = None,
) -> EvaluationCase:
    """核实: what was found to have happened."""
    case, member, now = _step(session, case_id, staff, ("visited",), "verify", now)
    case.finding = _written(finding, "the finding", "核实情况")
    case.verified_at = now
    case.state = "verified"
    _log_step(session, case, member, "verified", now)
    return case


def resolve(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    outcome: str,
    note: str,
    *,
    now: datetime | None = None,
) -> EvaluationCase:
    """整改 (``rectified``: put right) or 说明 (``explained``): the case closes."""
    if outcome not in ("rectified", "explained"):
        raise ValidationError("outcome is rectified or explained", "请选择整改或说明。")
    case, member, now = _step(session, case_id, staff, ("verified",), "resolve", now)
    _close(session, case, member, outcome, _written(note, "what was done", "整改或说明情况"), now)
    return case


def appeal(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    reason: str,
    evidence: str,
    *,
    now: datetime | None = None,
) -> EvaluationCase:
    """申诉: the rating is said to be mistaken or malicious, with evidence; a second person
    decides (:func:`decide_appeal`)."""
    case, member, now = _step(session, case_id, staff, ("verified",), "appeal", now)
    case.appeal_reason = _written(reason, "the appeal's reason", "申诉理由")
    case.appeal_evidence = _written(evidence, "the evidence", "申诉证据")
    case.appealed_by = member.id
    case.state = "appealed"
    _log_step(session, case, member, "appealed", now)
    return case


def decide_appeal(
    session: Session,
    case_id: uuid.UUID | str,
    staff: str,
    upheld: bool,
    note: str,
    *,
    now: datetime | None = None,
) -> EvaluationCase:
    """The second person's decision on an appeal: upheld (the rating is set aside) or
    rejected (it stands); the case closes."""
    case, member, now = _step(session, case_id, staff, ("appealed",), "decide", now)
    if member.id == case.appealed_by:
        raise Conflict("the appeal must be decided by someone else", "申诉须由另一位负责人审核。")
    outcome = "appeal_upheld" if upheld else "appeal_rejected"
    _close(session, case, member, outcome, _written(note, "the decision's reason", "审核意见"), now)
    return case


def _close(
    session: Session,
    case: EvaluationCase,
    member: Staff,
    outcome: str,
    note: str,
    now: datetime,
) -> None:
    case.outcome = outcome
    case.outcome_note = note
    case.decided_by = member.id
    case.state = "closed"
    case.closed_at = now
    _log_step(session, case, member, "closed", now, {"outcome": outcome})


def open_cases(
    session: Session, site_code: str, *, today: date, overdue_only: bool = False
) -> list[CaseView]:
    """A site's cases not yet closed, soonest due first (``overdue_only``: past their due
    date). One indexed range per state, the ratings and tickets by key."""
    site = site_by_code(session, site_code)
    query = (
        select(EvaluationCase, Evaluation, Ticket.number)
        .join(Evaluation, Evaluation.id == EvaluationCase.evaluation_id)
        .outerjoin(Ticket, Ticket.id == Evaluation.ticket_id)
        .where(EvaluationCase.site_id == site.id, EvaluationCase.state.in_(OPEN_STATES))
        .order_by(EvaluationCase.due_on, EvaluationCase.created_at)
    )
    if overdue_only:
        query = query.where(EvaluationCase.due_on < today)
    return [
        CaseView(
            id=case.id,
            state=case.state,
            due_on=case.due_on,
            overdue=case.due_on < today,
            level=evaluation.level,
            level_name=level_name(evaluation.level),
            reasons=tuple(evaluation.reasons),
            masked_phone=mask_phone(evaluation.phone),
            ticket_number=number,
            outcome=case.outcome,
            created_at=case.created_at,
        )
        for case, evaluation, number in session.execute(query)
    ]


@dataclass(frozen=True)
class RatingView:
    """A rating as lists show it (the phone masked, never the note)."""

    id: uuid.UUID
    created_at: datetime
    level: int
    level_name: str
    channel: str
    ticket_number: str | None
    window_number: int | None
    reasons: tuple[str, ...]
    masked_phone: str
    case_state: str | None
    case_due_on: date | None

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "id": str(self.id),
            "at": self.created_at.isoformat(),
            "level": self.level,
            "level_name": self.level_name,
            "channel": self.channel,
            "ticket": self.ticket_number,
            "window": self.window_number,
            "reasons": list(self.reasons),
            "phone": self.masked_phone,
            "case_state": self.case_state,
            "case_due_on": self.case_due_on.isoformat() if self.case_due_on else None,
        }


def list_ratings(
    session: Session,
    site_code: str,
    first: date,
    last: date,
    *,
    window: int | None = None,
    levels: Collection[int] = (),
) -> list[RatingView]:
    """A site's ratings given on business days ``first`` to ``last``, oldest first: one
    range of the (site, created) index, tickets, windows and cases by key."""
    from shared.models import Window

    site = site_by_code(session, site_code)
    cutover = _cutover(session, site.id)
    query = (
        select(
            Evaluation, Ticket.number, Window.number, EvaluationCase.state, EvaluationCase.due_on
        )
        .outerjoin(Ticket, Ticket.id == Evaluation.ticket_id)
        .outerjoin(Window, Window.id == Evaluation.window_id)
        .outerjoin(EvaluationCase, EvaluationCase.evaluation_id == Evaluation.id)
        .where(
            Evaluation.site_id == site.id,
            Evaluation.created_at >= business_day_start(first, cutover),
            Evaluation.created_at < business_day_start(last + timedelta(days=1), cutover),
        )
        .order_by(Evaluation.created_at)
    )
    if window is not None:
        query = query.where(Window.number == window)
    if levels:
        query = query.where(Evaluation.level.in_(list(levels)))
    return [
        RatingView(
            id=row.id,
            created_at=row.created_at,
            level=row.level,
            level_name=level_name(row.level),
            channel=row.channel,
            ticket_number=number,
            window_number=window_number,
            reasons=tuple(row.reasons),
            masked_phone=mask_phone(row.phone),
            case_state=case_state,
            case_due_on=due_on,
        )
        for row, number, window_number, case_state, due_on in session.execute(query)
    ]
