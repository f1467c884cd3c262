"""Who is ahead of a ticket, and how long the wait will be (spec §5 "Wait estimate").

Estimate = people ahead × mean service time of the queue (its last finished tickets; the
queue's default when there are none) ÷ windows open for the queue, shown as a range in minutes
so the screen never claims false precision. Windows still busy with a visitor count too: a
newcomer waits for ``ahead - free windows`` services to end, and the one in progress may end
at once or only after a whole slot (mean ÷ windows). A simulation test checks the range.

"Open" means signed in today and not paused (:mod:`shared.services.window_sessions`), never
merely configured (issue #9): with no window open the estimate has no range at all, and carries
the hall's next opening when the hall is closed, so no screen can say 即将叫号 to a visitor
with people ahead and nobody at the windows.

How a wait is *worded* is decided here too, once (:func:`wait_wording`, issue #19): the kiosk,
the desk's queue buttons and the printed slip all call it, so the same queue reads the same on
every surface.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from shared.clock import business_date, business_day_start, to_local, utcnow, when_zh
from shared.models import Queue, Site, Ticket, Window, WindowSession, window_queues
from shared.services.hours import hall_state
from shared.services.window_states import day_bounds, open_today

RECENT_FINISHED = 20
RANGE_SPREAD = 0.25

#: Said for a queue a window will call at once (a window is free and nobody is ahead).
CALLING_SOON = "即将叫号"
#: Said, short, when no window serving the queue is open.
NO_WINDOW = "窗口暂未开放"


@dataclass(frozen=True)
class WaitEstimate:
    """A wait range in whole minutes, with what it was computed from.

    Attributes:
        low: the low end of the range; ``None`` when no window is open (no estimate).
        high: the high end; ``None`` likewise.
        mean_service_minutes: the queue's mean service time used.
        windows: windows open for the queue now (signed in, not paused).
        next_opening: with no window open and the hall closed, when the hall opens next
            (timezone-aware); else ``None`` (no window open in hours: nobody knows when).
    """

    low: int | None
    high: int | None
    mean_service_minutes: float
    windows: int
    next_opening: datetime | None = None

    @property
    def known(self) -> bool:
        """Whether there is a range to show (some window is open)."""
        return self.low is not None and self.high is not None

    @property
    def minutes(self) -> int | None:
        """The middle of the range (``None`` without an estimate)."""
        if self.low is None or self.high is None:
            return None
        return (self.low + self.high) // 2

    @property
    def range(self) -> tuple[int, int] | None:
        """``(low, high)``, or ``None`` without an estimate."""
        if self.low is None or self.high is None:
            return None
        return (self.low, self.high)


# The three queries every issue's read-back runs, built once with named parameters: building
# a statement's expression tree costs more Python than running it on an indexed table.
_WAITING = and_(
    Ticket.queue_id == bindparam("queue"),
    Ticket.site_id == bindparam("site"),
    Ticket.business_date == bindparam("day"),
    Ticket.state == "issued",
    Ticket.id != bindparam("ticket"),
)
_EARLIER = or_(
    Ticket.issued_at < bindparam("issued_at"),
    and_(Ticket.issued_at == bindparam("issued_at"), Ticket.sequence < bindparam("sequence")),
)
#: Priority tickets wait only behind earlier priority tickets; normal tickets behind every
#: priority ticket and earlier normal ones.
_AHEAD = {
    True: select(func.count()).where(_WAITING, Ticket.priority.is_not(None), _EARLIER),
    False: select(func.count()).where(_WAITING, or_(Ticket.priority.is_not(None), _EARLIER)),
}
_RECENT_SERVICE = (
    select(Ticket.called_at, Ticket.finished_at)
    .where(
        Ticket.queue_id == bindparam("queue"),
        Ticket.state == "done",
        Ticket.called_at.is_not(None),
        Ticket.finished_at.is_not(None),
    )
    .order_by(Ticket.finished_at.desc())
    .limit(RECENT_FINISHED)
)
#: Active windows serving a queue, signed in since the business day began and not paused
#: (the join goes through the partial index of open sessions, one row per window), and how
#: many of them have a visitor called or at the counter: with and without a business day.
_OPEN_WINDOWS = (
    select(Window.id)
    .join(window_queues, window_queues.c.window_id == Window.id)
    .join(WindowSession, WindowSession.window_id == Window.id)
    .where(
        window_queues.c.queue_id == bindparam("queue"),
        Window.active.is_(True),
        open_today(bindparam("since")),
        WindowSession.paused_at.is_(None),
    )
)
_BUSY = [Ticket.window_id == Window.id, Ticket.state.in_(("called", "serving"))]
_COUNTS = {
    day_known: _OPEN_WINDOWS.outerjoin(
        Ticket,
        and_(*_BUSY, Ticket.business_date == bindparam("day")) if day_known else and_(*_BUSY),
    ).with_only_columns(
        func.count(func.distinct(Window.id)), func.count(func.distinct(Ticket.window_id))
    )
    for day_known in (True, False)
}


def people_ahead(session: Session, ticket: Ticket) -> int:
    """Waiting tickets that will be called before this one under a strict policy.

    Priority tickets wait only behind earlier priority tickets; normal tickets behind every
    priority ticket and earlier normal ones.
    """
    count = session.scalar(
        _AHEAD[ticket.priority is not None and ticket.priority != ""],
        {
            "queue": ticket.queue_id,
            "site": ticket.site_id,
            "day": ticket.business_date,
            "ticket": ticket.id,
            "issued_at": ticket.issued_at,
            "sequence": ticket.sequence,
        },
    )
    return int(count or 0)


def mean_service_minutes(session: Session, queue: Queue) -> float:
    """Rolling mean service time of the queue's recent finished tickets, else its default."""
    rows = session.execute(_RECENT_SERVICE, {"queue": queue.id}).all()
    durations = [
        (finished - called).total_seconds() / 60
        for called, finished in rows
        if called is not None and finished is not None and finished > called
    ]
    if not durations:
        return float(queue.default_service_minutes)
    return sum(durations) / len(durations)


def window_counts(
    session: Session,
    queue: Queue,
    day: date | None,
    now: datetime | None = None,
    *,
    cut: time | None = None,
) -> tuple[int, int]:
    """``(open, busy)``: windows serving the queue that are open now (signed in today, not
    paused), and how many of those have a visitor called or at the counter — one query
    (two without ``cut``, the site's business-day cut-over, which is then read)."""
    now = now or utcnow()
    if cut is None:
        _today, since = day_bounds(session, queue.site_id, now)
    else:
        since = business_day_start(business_date(now, cut), cut)
    params: dict[str, object] = {"queue": queue.id, "since": since}
    if day is not None:
        params["day"] = day
    row = session.execute(_COUNTS[day is not None], params).one()
    return int(row[0] or 0), int(row[1] or 0)


def wait_range(ahead: int, mean_minutes: float, windows: int, busy: int = 0) -> tuple[int, int]:
    """The pure arithmetic, in whole minutes.

    With ``free`` idle windows, ``ahead - free`` services must end first; the wait lies
    between that many slots and one more (the service in progress may end at once or last a
    whole slot), widened by ±25 %.
    """
    windows = max(1, windows)
    position = ahead - max(0, windows - busy)
    if position < 0:
        return (0, 0)
    slot = mean_minutes / windows
    low = math.floor(position * slot * (1 - RANGE_SPREAD))
    high = max(low + 1, math.ceil((position + 1) * slot * (1 + RANGE_SPREAD)))
    return (low, high)


def estimate_wait(
    session: Session,
    queue: Queue,
    ahead: int,
    day: date | None = None,
    now: datetime | None = None,
    *,
    cut: time | None = None,
) -> WaitEstimate:
    """The wait for someone with ``ahead`` people before them in ``queue`` on ``day``.

    With no window open there is no range (``low``/``high`` are ``None``); when the hall is
    closed too, ``next_opening`` says when it opens. ``cut``, the site's business-day
    cut-over when the caller knows it, saves reading it.
    """
    now = now or utcnow()
    mean = mean_service_minutes(session, queue)
    windows, busy = window_counts(session, queue, day, now, cut=cut)
    if windows == 0:
        state = hall_state(session, session.get_one(Site, queue.site_id), now)
        opening = None if state.is_open else state.next_opening
        return WaitEstimate(None, None, round(mean, 2), 0, opening)
    low, high = wait_range(ahead, mean, windows, busy)
    return WaitEstimate(low, high, round(mean, 2), windows)


def wait_wording(
    low: int | None,
    high: int | None,
    *,
    next_opening: datetime | None = None,
    now: datetime | None = None,
    short: bool = False,
    dated: bool = False,
) -> str:
    """How a wait reads to a visitor, everywhere (kiosk, desk, slip): one wording per fact.

    A range, never a false precision; ``即将叫号`` only when a window is free and nobody is
    ahead; with no window open (``low``/``high`` are ``None``) it says so, with the hall's
    next opening when known, and never 即将叫号 or a guess (issue #9).

    Args:
        low: the range's low end in minutes (:attr:`WaitEstimate.low`).
        high: its high end.
        next_opening: with no window open, when the hall opens next.
        now: the instant "today" and "tomorrow" are counted from (the clock by default).
        short: for a button: ``预计 5–15 分钟`` instead of ``预计等候 5–15 分钟``, and
            ``窗口暂未开放`` alone unless an opening is known.
        dated: for paper, which is read later: the opening as a date (``5月7日 08:30``),
            never ``明天``.

    Returns:
        Plain Chinese (``shared`` has no Qt; screens show it as it is).
    """
    if low is None or high is None:
        if next_opening is not None:
            if dated:
                at = to_local(next_opening)
                when = f"{at.month}月{at.day}日 {at:%H:%M}"
            else:
                when = when_zh(next_opening, now or utcnow())
            return f"{NO_WINDOW}，{when} 开放"
        return NO_WINDOW if short else f"{NO_WINDOW}，暂无法估计等候时间"
    if high <= 0:
        return CALLING_SOON
    minutes = f"约 {low} 分钟" if low == high else f"{low}–{high} 分钟"
    return f"预计 {minutes}" if short else f"预计等候 {minutes}"
