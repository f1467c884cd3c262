"""Time in one place: UTC instants for storage, Asia/Shanghai for the hall's calendar.

Services take ``now`` as an argument (defaulting to :func:`utcnow`) so tests drive the clock
without patching.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HALL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def to_local(instant: datetime) -> datetime:
    """An instant as hall-local (Asia/Shanghai) time."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(HALL_TZ)


def business_date(instant: datetime, cutover: time = time(0, 0)) -> date:
    """The business day an instant belongs to, given the day's cut-over time (hall-local).

    With a cut-over of 03:00, 02:59 still belongs to the previous day.
    """
    local = to_local(instant)
    shifted = local - timedelta(hours=cutover.hour, minutes=cutover.minute)
    return shifted.date()


def business_day_start(day: date, cutover: time = time(0, 0)) -> datetime:
    """The instant (UTC) a business day begins: its date at the cut-over, hall-local.

    The inverse of :func:`business_date`; a query bounded by it uses an index on an instant
    column instead of computing each row's business day.
    """
    return datetime.combine(day, cutover, HALL_TZ).astimezone(UTC)


def when_zh(instant: datetime, now: datetime) -> str:
    """A coming instant as a visitor reads it: ``今天 14:30``, ``明天 08:30``, ``12月7日 08:30``."""
    local, at = to_local(now), to_local(instant)
    clock = at.strftime("%H:%M")
    if at.date() == local.date():
        return f"今天 {clock}"
    if at.date() == local.date() + timedelta(days=1):
        return f"明天 {clock}"
    return f"{at.month}月{at.day}日 {clock}"
