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
