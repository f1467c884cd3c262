"""优先服务 rules without a database: kinds, labels, per-field validation, overdue.

Pure functions, so the kiosk validates each field as the visitor types
(:func:`validate_field` returns a plain Chinese message or ``None``) and
:func:`shared.services.priority.create_request` checks the whole request again before it
writes anything. Messages never repeat the value typed (it may be personal data).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from shared.clock import to_local, utcnow
from shared.errors import ValidationError
from shared.models.priority import REQUEST_KINDS, VISITOR_KINDS

KIND_LABELS = {"green_ticket": "绿色通道", "assistance": "帮办代办", "home_visit": "上门服务"}
VISITOR_LABELS = {
    "elderly": "老年人",
    "disabled": "残障人士",
    "pregnant": "孕妇",
    "other": "其他困难",
}
STATE_LABELS = {"new": "待接单", "accepted": "已接单", "done": "已办结", "cancelled": "已取消"}
HALF_LABELS = {"am": "上午", "pm": "下午"}
OPEN_STATES = ("new", "accepted")
CLOSED_STATES = ("done", "cancelled")


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
NAME_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·• ]+$")
PREFERRED_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(am|pm)$")
NAME_MAX, ADDRESS_MIN, ADDRESS_MAX, NOTE_MAX = 30, 5, 200, 500
#: How far ahead a home visit may be asked for.
PREFERRED_MAX_DAYS = 30
DEFAULT_WORKDAYS = (0, 1, 2, 3, 4)

#: Per kind: the optional fields it takes and the ones it requires (the minimum, spec §10).
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "green_ticket": (frozenset({"matter"}), frozenset()),
    "assistance": (frozenset({"phone", "matter"}), frozenset({"terminal"})),
    "home_visit": (
        frozenset(),
        frozenset({"name", "phone", "address", "matter", "preferred"}),
    ),
}
FIELD_ORDER = ("name", "phone", "address", "matter", "preferred", "terminal")

#: Unambiguous on a slip and over the phone: no 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B.
REFERENCE_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
REFERENCE_LENGTH = 6

REQUIRED_MESSAGES = {
    "name": "请填写姓名。",
    "phone": "请填写手机号码。",
    "address": "请填写上门服务的详细地址。",
    "matter": "请选择要办理的事项。",
    "preferred": "请选择希望上门的日期和时段。",
    "terminal": "无法确定您所在的位置，请到服务台求助。",
}


class RequestInvalid(ValidationError):
    """A request breaks one or more field rules; nothing was written.

    Attributes:
        errors: field → Chinese message, in screen order (``message_zh`` is the first).
    """

    def __init__(self, errors: dict[str, str]) -> None:
        fields = ", ".join(errors)
        super().__init__(f"invalid priority request: {fields}", next(iter(errors.values())))
        self.errors = errors


# -- validation -----------------------------------------------------------------------------


def normalise_phone(value: str) -> str:
    """Spaces and dashes removed (``138 1234-5678`` → ``13812345678``)."""
    return re.sub(r"[\s-]", "", value)


def parse_preferred(value: str) -> tuple[date, str] | None:
    """``"2026-11-27 am"`` → ``(date(2026, 11, 27), "am")``; ``None`` when malformed."""
    match = PREFERRED_RE.match(value.strip().lower())
    if match is None:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day, match.group(2)


def _check_preferred(value: str, now: datetime, working_days: Collection[int]) -> str | None:
    parsed = parse_preferred(value)
    if parsed is None:
        return "日期和时段格式不正确。"
    day, _half = parsed
    today = to_local(now).date()
    if day <= today:
        return "请选择明天或以后的日期。"
    if day > today + timedelta(days=PREFERRED_MAX_DAYS):
        return f"请选择{PREFERRED_MAX_DAYS}天以内的日期。"
    if day.weekday() not in working_days:
        return "所选日期不是工作日，请另选一天。"
    return None


def validate_field(
    kind: str,
    field: str,
    value: str | None,
    *,
    now: datetime | None = None,
    working_days: Collection[int] = DEFAULT_WORKDAYS,
) -> str | None:
    """Check one field of a request of ``kind`` as the visitor types it.

    Pure (no database): a matter's or terminal's existence is checked by
    :func:`create_request`. ``working_days`` are the hall's (Monday = 0; the setting
    ``hall_hours`` holds them).

    Args:
        kind: ``green_ticket``, ``assistance`` or ``home_visit``.
        field: ``kind``, ``visitor``, ``name``, ``phone``, ``address``, ``matter``,
            ``preferred`` or ``terminal``.
        value: what was typed or chosen (``None`` or blank for nothing).

    Returns:
        A plain Chinese message, or ``None`` when the value is fine.
    """
    text = (value or "").strip()
    if field == "kind":
        return None if text in REQUEST_KINDS else "请选择需要的服务。"
    if field == "visitor":
        return None if text in VISITOR_KINDS else "请选择需要帮助的对象。"
    if kind not in FIELDS:
        return "请选择需要的服务。"
    optional, required = FIELDS[kind]
    if field not in optional | required:
        return None if not text else "该服务不需要填写此项。"
    if not text:
        return REQUIRED_MESSAGES.get(field, "请填写此项。") if field in required else None
    if field == "name":
        if len(text) > NAME_MAX:
            return f"姓名不能超过{NAME_MAX}个字。"
        return None if NAME_RE.match(text) else "姓名只能填写文字。"
    if field == "phone":
        return (
            None if PHONE_RE.match(normalise_phone(text)) else "请填写11位手机号码，以13至19开头。"
        )
    if field == "address":
        if len(text) < ADDRESS_MIN:
            return "地址太短，请写到门牌号。"
        return None if len(text) <= ADDRESS_MAX else f"地址不能超过{ADDRESS_MAX}个字。"
    if field == "preferred":
        return _check_preferred(text, now or utcnow(), working_days)
    return None


def validate_request(
    kind: str,
    visitor: str,
    values: dict[str, str | None],
    *,
    now: datetime | None = None,
    working_days: Collection[int] = DEFAULT_WORKDAYS,
) -> dict[str, str]:
    """Every problem of a whole request: field → Chinese message (empty when valid)."""
    errors: dict[str, str] = {}
    for field, value in (("kind", kind), ("visitor", visitor)):
        message = validate_field(kind, field, value)
        if message:
            errors[field] = message
    if "kind" in errors:
        return errors
    for field in FIELD_ORDER:
        message = validate_field(kind, field, values.get(field), now=now, working_days=working_days)
        if message:
            errors[field] = message
    return errors


def new_reference() -> str:
    """A random short reference from the unambiguous alphabet."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _as_limit(limit: timedelta | float) -> timedelta:
    return limit if isinstance(limit, timedelta) else timedelta(minutes=limit)


def is_overdue(request: Any, now: datetime, limit: timedelta | float) -> bool:
    """True for a request still ``new`` longer than ``limit`` (a timedelta, or minutes).

    ``request`` is a :class:`PriorityRequest` or a :class:`RequestView` (anything with
    ``state`` and ``created_at``).
    """
    return bool(request.state == "new" and now - request.created_at > _as_limit(limit))


def waited_seconds(request: Any, now: datetime) -> int:
    """Seconds a request waited for someone to take it: until accepted, cancelled, or now."""
    end = request.accepted_at or request.cancelled_at or request.finished_at
    if end is None or request.state == "new":
        end = now
    return max(0, int((end - request.created_at).total_seconds()))
