"""优先服务: priority-service requests from kiosks and desks, and their life in the inbox.

A visitor (elderly, disabled, pregnant, other) asks for a green-channel ticket, for an
assistant to come to the kiosk now (帮办代办), or for a home visit (上门服务). States:
``new`` → ``accepted`` (by whom) → ``done``, or ``cancelled``; every change is timestamped,
recorded in the change feed (kind ``priority_request``) and in the audit trail. A request not
accepted within ``priority_overdue_minutes`` (default 5) is overdue.

Personal data (name, phone, address) is the minimum each kind needs (:data:`FIELDS`). It
leaves this module only masked (:class:`RequestView`); the one way to read it whole is
:func:`reveal_contact`, which writes an audit entry. Audit details, change records, log lines
and error messages never carry it; :mod:`shared.services.privacy` erases it after the
retention period.

Validation is per field (:func:`validate_field`) so the kiosk can check as the visitor types,
and :func:`create_request` checks the whole request again before anything is written.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import PriorityNote, PriorityRequest, ServiceMatter, Site, Staff, Terminal
from shared.services.audit import audit
from shared.services.priority_rules import (
    DEFAULT_WORKDAYS,
    FIELDS,
    KIND_LABELS,
    NOTE_MAX,
    OPEN_STATES,
    REQUIRED_MESSAGES,
    STATE_LABELS,
    VISITOR_LABELS,
    RequestInvalid,
    is_overdue,
    new_reference,
    normalise_phone,
    parse_preferred,
    validate_field,
    validate_request,
    waited_seconds,
)
from shared.services.priority_views import (
    Assistant,
    Contact,
    NoteView,
    RequestView,
    get_request,
    list_assistants,
    list_notes,
    list_requests,
    overdue_limit,
    request_by_id,
    view_of,
)
from shared.services.settings import get_setting, site_by_code
from shared.services.tickets import issue_ticket
from shared.services.weekly_hours import working_weekdays

__all__ = [
    "FIELDS",
    "INBOX_ROLES",
    "KIND_LABELS",
    "STATE_LABELS",
    "VISITOR_LABELS",
    "Assistant",
    "Contact",
    "NoteView",
    "RequestInvalid",
    "RequestView",
    "accept",
    "add_note",
    "assign",
    "cancel",
    "create_request",
    "finish",
    "get_request",
    "is_overdue",
    "list_assistants",
    "list_notes",
    "list_requests",
    "overdue_limit",
    "reveal_contact",
    "validate_field",
    "validate_request",
    "waited_seconds",
]

log = logging.getLogger(__name__)

#: Roles that work the inbox (accept, assign, note, finish, cancel, reveal).
INBOX_ROLES = frozenset({"assistant", "manager", "admin"})

# -- creating -------------------------------------------------------------------------------


def _blank(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _working_days(session: Session, site: Site) -> tuple[int, ...]:
    return working_weekdays(get_setting(session, "hall_hours", site.id)) or DEFAULT_WORKDAYS


def _insert_with_reference(session: Session, request: PriorityRequest) -> None:
    for _ in range(20):
        reference = new_reference()
        taken = session.scalar(
            select(PriorityRequest.id).where(PriorityRequest.reference == reference)
        )
        if taken is not None:
            continue
        request.reference = reference
        try:
            with session.begin_nested():
                session.add(request)
                session.flush()
        except IntegrityError:
            continue
        return
    raise Conflict("could not find a free request reference", "系统繁忙，请稍后再试。")


def create_request(
    session: Session,
    *,
    site: str,
    kind: str,
    visitor: str,
    name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    matter: str | None = None,
    preferred: str | None = None,
    terminal: str | None = None,
    queue: str | None = None,
    request_key: str | None = None,
    staff: str | None = None,
    now: datetime | None = None,
) -> RequestView:
    """Record a visitor's request (state ``new``) in the caller's transaction.

    A ``green_ticket`` also issues a priority ticket (``priority=visitor``, channel
    ``priority``) in the same transaction, in ``queue``, else the queue serving ``matter``,
    else queue ``A``; the same ``request_key`` returns the same request (a retried tap). An
    ``assistance`` request takes the kiosk's ``terminal`` code: its location tells the
    assistant where to go. A ``home_visit`` needs name, phone, address, matter and a
    ``preferred`` working day after today (``"YYYY-MM-DD am|pm"``).

    Args:
        staff: the username when a member of staff enters the request at a desk.

    Returns:
        The request, masked.

    Raises:
        RequestInvalid: one or more fields break the rules (``errors`` has each message).
        NotFound: the site, matter, terminal or queue does not exist.
        Conflict: a green-channel ticket outside hall hours.
    """
    now = now or utcnow()
    the_site = site_by_code(session, site)
    values = {
        "name": _blank(name),
        "phone": _blank(phone),
        "address": _blank(address),
        "matter": _blank(matter),
        "preferred": _blank(preferred),
        "terminal": _blank(terminal),
    }
    errors = validate_request(
        kind, visitor, values, now=now, working_days=_working_days(session, the_site)
    )
    if errors:
        raise RequestInvalid(errors)
    the_matter = None
    if values["matter"]:
        the_matter = session.scalar(
            select(ServiceMatter).where(ServiceMatter.code == values["matter"])
        )
        if the_matter is None:
            raise RequestInvalid({"matter": "找不到该事项，请重新选择。"})
    the_terminal = None
    if values["terminal"]:
        the_terminal = session.scalar(select(Terminal).where(Terminal.code == values["terminal"]))
        if the_terminal is None:
            raise RequestInvalid({"terminal": REQUIRED_MESSAGES["terminal"]})
    actor, actor_id = _creator(session, staff, the_terminal)

    ticket_id = None
    if kind == "green_ticket":
        prefix = queue or (the_matter.queue_prefix if the_matter else "A")
        ticket = issue_ticket(
            session,
            site=site,
            queue=prefix,
            priority=visitor,
            request_key=request_key,
            matter=the_matter.code if the_matter else None,
            channel="priority",
            staff_id=actor_id,
            now=now,
        )
        earlier = session.scalar(
            select(PriorityRequest).where(PriorityRequest.ticket_id == ticket.id)
        )
        if earlier is not None:
            return view_of(session, earlier, now)
        ticket_id = ticket.id

    preferred_day = parse_preferred(values["preferred"]) if values["preferred"] else None
    request = PriorityRequest(
        site_id=the_site.id,
        kind=kind,
        visitor=visitor,
        state="new",
        name=values["name"],
        phone=normalise_phone(values["phone"]) if values["phone"] else None,
        address=values["address"],
        matter_id=the_matter.id if the_matter else None,
        preferred_date=preferred_day[0] if preferred_day else None,
        preferred_half=preferred_day[1] if preferred_day else None,
        terminal_id=the_terminal.id if the_terminal else None,
        ticket_id=ticket_id,
        created_at=now,
    )
    _insert_with_reference(session, request)
    _record(session, request, "created", "priority.created", actor, actor_id, now)
    log.info("priority request %s created (%s, %s)", request.reference, kind, visitor)
    return view_of(session, request, now)


def _creator(
    session: Session, staff: str | None, terminal: Terminal | None
) -> tuple[str, uuid.UUID | None]:
    if staff:
        member = _staff(session, staff)
        return member.username, member.id
    if terminal is not None:
        return f"terminal:{terminal.code}", None
    return "system", None


def _record(
    session: Session,
    request: PriorityRequest,
    change: str,
    action: str,
    actor: str,
    actor_id: uuid.UUID | None,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    # Audit details name the request by reference, kind and visitor type only: never a
    # name, phone, address or note text.
    record_change(session, "priority_request", request.id, change, site_id=request.site_id, now=now)
    audit(
        session,
        action,
        actor=actor,
        actor_id=actor_id,
        entity_kind="priority_request",
        entity_id=request.id,
        site_id=request.site_id,
        detail={"reference": request.reference, "kind": request.kind, **(detail or {})},
        now=now,
    )


# -- reading --------------------------------------------------------------------------------


# -- working the inbox ----------------------------------------------------------------------


def _staff(session: Session, username: str) -> Staff:
    member = session.scalar(select(Staff).where(Staff.username == username))
    if member is None or member.disabled:
        raise NotFound(f"no such active staff account: {username}", "找不到该工作人员。")
    return member


def _worker(session: Session, username: str) -> Staff:
    member = _staff(session, username)
    if INBOX_ROLES.isdisjoint(member.roles):
        raise Conflict(f"{username} may not work priority requests", "您没有处理优先服务的权限。")
    return member


def _require(request: PriorityRequest, allowed: tuple[str, ...], message_zh: str) -> None:
    if request.state not in allowed:
        raise Conflict(f"request {request.reference} is {request.state}", message_zh)


def accept(
    session: Session, request_id: uuid.UUID | str, staff: str, *, now: datetime | None = None
) -> RequestView:
    """接单: ``staff`` takes a new request (it is also assigned to them if nobody is)."""
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    _require(request, ("new",), "该请求已被接单或已结束。")
    request.state = "accepted"
    request.accepted_at = now
    request.accepted_by_id = member.id
    if request.assigned_to_id is None:
        request.assigned_to_id = member.id
    _record(session, request, "accepted", "priority.accepted", member.username, member.id, now)
    return view_of(session, request, now)


def assign(
    session: Session,
    request_id: uuid.UUID | str,
    staff: str,
    to: str,
    *,
    now: datetime | None = None,
) -> RequestView:
    """指派: ``staff`` hands an open request to assistant ``to`` (a new one is accepted too)."""
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    target = _staff(session, to)
    if "assistant" not in target.roles:
        raise Conflict(f"{to} is not an assistant", "只能指派给帮办代办岗的工作人员。")
    _require(request, OPEN_STATES, "该请求已结束，不能再指派。")
    if request.state == "new":
        request.state = "accepted"
        request.accepted_at = now
        request.accepted_by_id = member.id
    request.assigned_to_id = target.id
    _record(
        session,
        request,
        "assigned",
        "priority.assigned",
        member.username,
        member.id,
        now,
        {"to": target.username},
    )
    return view_of(session, request, now)


def add_note(
    session: Session,
    request_id: uuid.UUID | str,
    staff: str,
    text: str,
    *,
    now: datetime | None = None,
) -> RequestView:
    """备注: add a note (its text stays out of the audit trail and is purged later)."""
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    body = text.strip()
    if not body:
        raise ValidationError("a note needs text", "请填写备注内容。")
    if len(body) > NOTE_MAX:
        raise ValidationError("note too long", f"备注不能超过{NOTE_MAX}个字。")
    if request.purged_at is not None:
        raise Conflict("request was purged", "该请求的信息已清除，不能再添加备注。")
    session.add(PriorityNote(request_id=request.id, staff_id=member.id, text=body, created_at=now))
    session.flush()
    _record(session, request, "noted", "priority.noted", member.username, member.id, now)
    return view_of(session, request, now)


def finish(
    session: Session, request_id: uuid.UUID | str, staff: str, *, now: datetime | None = None
) -> RequestView:
    """办结: an accepted request is done."""
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    _require(
        request, ("accepted",), "请先接单，再办结。" if request.state == "new" else "该请求已结束。"
    )
    request.state = "done"
    request.finished_at = now
    _record(session, request, "done", "priority.finished", member.username, member.id, now)
    return view_of(session, request, now)


def cancel(
    session: Session,
    request_id: uuid.UUID | str,
    staff: str,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> RequestView:
    """取消: an open request is cancelled; a reason becomes a note (purged like any note)."""
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    _require(request, OPEN_STATES, "该请求已结束。")
    if reason and reason.strip():
        session.add(
            PriorityNote(
                request_id=request.id,
                staff_id=member.id,
                text=f"取消原因：{reason.strip()[:NOTE_MAX]}",
                created_at=now,
            )
        )
    request.state = "cancelled"
    request.cancelled_at = now
    _record(session, request, "cancelled", "priority.cancelled", member.username, member.id, now)
    return view_of(session, request, now)


def reveal_contact(
    session: Session, request_id: uuid.UUID | str, staff: str, *, now: datetime | None = None
) -> Contact:
    """查看联系方式: the unmasked name, phone and address, with an audit entry.

    The entry (``priority.revealed``) says who looked at which request, never what they saw.
    """
    now = now or utcnow()
    request = request_by_id(session, request_id)
    member = _worker(session, staff)
    if request.purged_at is not None:
        raise Conflict("request was purged", "该请求的个人信息已按规定清除。")
    if not (request.name or request.phone or request.address):
        raise Conflict("request has no contact details", "该请求没有留下联系方式。")
    audit(
        session,
        "priority.revealed",
        actor=member.username,
        actor_id=member.id,
        entity_kind="priority_request",
        entity_id=request.id,
        site_id=request.site_id,
        detail={"reference": request.reference},
        now=now,
    )
    log.info("contact of priority request %s revealed to %s", request.reference, member.username)
    return Contact(request.reference, request.name, request.phone, request.address)
