"""The wait estimate against a small queue simulation (issue #3, item 3; spec §5).

A discrete-event simulation drives the real services with a controlled clock: people arrive
and take tickets (``issue_ticket``), ``k`` windows call them (``calling.call_next``) and finish
them (``calling.finish``) after fixed or seeded-random service times, so the estimate's rolling
mean is learned from finished tickets exactly as in the hall. Each newcomer's actual wait
(issue to call) is compared with the range shown on their slip. Figures are printed (``-s``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import Queue, Site, Window
from shared.services import calling
from shared.services.tickets import issue_ticket
from tests.support.windows import open_windows

SITE = "town-putuan"  # a township centre: queue A is served by windows 1 and 2
QUEUE = "A"
# Thursday 2026-11-26 08:30 in Shanghai: the doors open, a line is waiting.
OPENING = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
LEARNED_AFTER = 5  # finished tickets before the rolling mean counts as learned
SHARE_INSIDE = 0.80  # at least this share of newcomers must wait within the shown range


@dataclass(frozen=True)
class Scenario:
    """A morning at one queue: windows, service times, the opening line and later arrivals."""

    name: str
    windows: int
    service: Callable[[random.Random], float]  # minutes
    line_at_opening: int
    arrivals: int
    mean_gap_minutes: float
    seed: int = 7


@dataclass
class Newcomer:
    """One ticket: what the slip promised and what happened."""

    number: str
    issued_at: datetime
    ahead: int
    low: int
    high: int
    learned: bool
    waited: float | None = None  # minutes from issue to call

    @property
    def inside(self) -> bool:
        """The actual wait, rounded to whole minutes as the slip shows it, is in the range."""
        assert self.waited is not None
        return self.low <= round(self.waited) <= self.high


SCENARIOS: list[Any] = [
    Scenario("fixed 6 min, 2 windows", 2, lambda rng: 6.0, 6, 40, 3.2),
    Scenario("random 4-12 min, 3 windows", 3, lambda rng: rng.uniform(4, 12), 8, 45, 2.9),
    Scenario("random 5-11 min, 1 window", 1, lambda rng: rng.uniform(5, 11), 4, 25, 8.5),
]
# A quiet hall: few people ahead while every window is busy (services in progress count).
SCENARIOS += [
    Scenario("quiet: fixed 8 min, 2 windows", 2, lambda rng: 8.0, 0, 40, 4.6),
    Scenario("quiet: random 6-10 min, 3 windows", 3, lambda rng: rng.uniform(6, 10), 2, 50, 3.2),
]


def _set_windows(factory: sessionmaker[Session], count: int) -> list[int]:
    """Make exactly ``count`` active windows serve the queue; returns their numbers."""
    with factory.begin() as session:
        site = session.scalars(select(Site).where(Site.code == SITE)).one()
        queue = session.scalars(
            select(Queue).where(Queue.site_id == site.id, Queue.prefix == QUEUE)
        ).one()
        serving = [w for w in site.windows if queue in w.queues and w.active]
        serving.sort(key=lambda w: w.number)
        for extra in serving[count:]:
            extra.active = False
        next_number = max(w.number for w in site.windows) + 1
        for n in range(count - len(serving)):
            session.add(
                Window(site_id=site.id, number=next_number + n, name="临时窗口", queues=[queue])
            )
        session.flush()
        return sorted(
            w.number
            for w in session.scalars(select(Window).where(Window.site_id == site.id))
            if w.active and queue in w.queues
        )


def simulate(factory: sessionmaker[Session], scenario: Scenario) -> list[Newcomer]:
    """Run the morning; returns every newcomer with estimate and actual wait."""
    rng = random.Random(scenario.seed)
    windows = _set_windows(factory, scenario.windows)
    open_windows(factory, windows, site=SITE, now=OPENING)  # signed in at opening (issue #9)
    arrivals = [OPENING] * scenario.line_at_opening
    at = OPENING
    for _ in range(scenario.arrivals):
        at += timedelta(minutes=rng.uniform(0, 2 * scenario.mean_gap_minutes))
        arrivals.append(at)
    busy_until: dict[int, datetime | None] = dict.fromkeys(windows)
    current: dict[int, str | None] = dict.fromkeys(windows)
    newcomers: dict[str, Newcomer] = {}
    finished = 0

    def call(window: int, now: datetime) -> None:
        with factory.begin() as session:
            called = calling.call_next(session, site=SITE, window=window, now=now)
        if called is None:
            busy_until[window], current[window] = None, None
            return
        newcomer = newcomers[called.number]
        newcomer.waited = (now - newcomer.issued_at).total_seconds() / 60
        busy_until[window] = now + timedelta(minutes=scenario.service(rng))
        current[window] = called.number

    pending = list(arrivals)
    while pending or any(busy_until.values()):
        done_at = min((t for t in busy_until.values() if t is not None), default=None)
        if done_at is not None and (not pending or done_at <= pending[0]):
            window = min(w for w, t in busy_until.items() if t == done_at)
            with factory.begin() as session:
                calling.finish(session, site=SITE, number=str(current[window]), now=done_at)
            finished += 1
            call(window, done_at)
            continue
        now = pending.pop(0)
        with factory.begin() as session:
            ticket = issue_ticket(session, site=SITE, queue=QUEUE, channel="kiosk", now=now)
        newcomers[ticket.number] = Newcomer(
            ticket.number,
            now,
            ticket.people_ahead,
            ticket.wait.low,
            ticket.wait.high,
            finished >= LEARNED_AFTER,
        )
        idle = [w for w, t in busy_until.items() if t is None]
        if idle:
            call(idle[0], now)
    return list(newcomers.values())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_wait_estimate_matches_a_simulated_queue(
    seeded_db_url: str, scenario: Scenario, request: pytest.FixtureRequest
) -> None:
    from shared.db import create_session_factory

    factory = create_session_factory(seeded_db_url)
    try:
        newcomers = simulate(factory, scenario)
    finally:
        factory.kw["bind"].dispose()
    assert all(n.waited is not None for n in newcomers), "somebody was never called"
    judged = [n for n in newcomers if n.learned]
    inside = [n for n in judged if n.inside]
    early = [n for n in judged if n.waited is not None and round(n.waited) < n.low]
    late = [n for n in judged if n.waited is not None and round(n.waited) > n.high]
    share = len(inside) / len(judged)
    backend = request.node.callspec.params["seeded_db_url"]
    print(
        f"\n[{backend}] {scenario.name}: {len(newcomers)} tickets, {len(judged)} judged after "
        f"{LEARNED_AFTER} finished; inside the range {len(inside)} ({share:.0%}), "
        f"waited less {len(early)}, longer {len(late)}"
    )
    waits = sorted(n.waited or 0.0 for n in judged)
    print(
        f"   waited median {waits[len(waits) // 2]:.1f} min, max {waits[-1]:.1f}; "
        f"people ahead max {max(n.ahead for n in judged)}; "
        f"called at once (ahead 0, wait 0) {sum(1 for n in judged if n.high == 0)}"
    )
    for n in judged:
        if not n.inside:
            print(f"   {n.number}: ahead {n.ahead}, shown {n.low}-{n.high}, waited {n.waited:.1f}")
    assert share >= SHARE_INSIDE, f"only {share:.0%} waited within the shown range"
