"""Where to go in the hall: the windows that serve a queue, in words and on the map.

A guide page (the kiosk's and the console's 办事指南查询), the 取号 result and the "where to
go" map all send a visitor to the same place (issue #19: one wording for it):
the site's windows serving the queue — the dedicated ones first when there are any, because the
general windows take every queue's overflow — with the place the hall gave those windows
(``一楼公安户政区``). Window numbers in a row are said as a range (``19至22号窗口``), as the
hall's signs say them.

One query per site (its windows with their queues, a small table); the rest is pure, so a
menu with many queues reads the windows once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.models import Window

#: Said when the hall has no window on its map for the queue.
ASK_AT_DESK = "请到咨询引导台询问"


@dataclass(frozen=True)
class MapWindow:
    """A window on the hall map: its number, place (fractions of the map) and whether it
    serves the queue on screen."""

    number: int
    name: str
    x: float
    y: float
    serves: bool


@dataclass(frozen=True)
class HallWindow:
    """A site's active window as wayfinding needs it (plain data)."""

    number: int
    name: str
    location: str
    x: float | None
    y: float | None
    queues: frozenset[str]


@dataclass(frozen=True)
class Way:
    """Where a queue is served.

    Attributes:
        windows: every window of the site with a place on the map, those serving marked.
        numbers: the serving windows' numbers (mapped or not), in order.
        place: the hall's name for where they stand (``一楼公安户政区``), or ``""``.
        where: in words: ``19至22号窗口（一楼公安户政区）``, or :data:`ASK_AT_DESK`.
    """

    windows: tuple[MapWindow, ...]
    numbers: tuple[int, ...]
    place: str
    where: str

    @property
    def serving(self) -> tuple[MapWindow, ...]:
        """The mapped windows that serve the queue."""
        return tuple(w for w in self.windows if w.serves)


def hall_windows(session: Session, site_id: uuid.UUID) -> tuple[HallWindow, ...]:
    """The site's active windows with the queues each serves, by number (one query and its
    eager load)."""
    rows = session.scalars(
        select(Window)
        .where(Window.site_id == site_id, Window.active.is_(True))
        .options(selectinload(Window.queues))
        .order_by(Window.number)
    )
    return tuple(
        HallWindow(
            number=w.number,
            name=w.name,
            location=w.location or "",
            x=None if w.map_x is None else float(w.map_x),
            y=None if w.map_y is None else float(w.map_y),
            queues=frozenset(q.prefix for q in w.queues),
        )
        for w in rows
    )


def way_to(windows: Sequence[HallWindow], prefix: str) -> Way:
    """Where queue ``prefix`` is served among ``windows`` (see the module)."""
    every = frozenset(p for w in windows for p in w.queues)
    serving = [w for w in windows if prefix in w.queues]
    dedicated = [w for w in serving if w.queues != every]
    chosen = dedicated or serving
    numbers = tuple(w.number for w in chosen)
    # The windows' place in the hall (hall data), not a matter's published 办理地点.
    place = next((w.location for w in chosen if w.location), "")
    mapped = tuple(
        MapWindow(w.number, w.name, w.x, w.y, w.number in numbers)
        for w in windows
        if w.x is not None and w.y is not None
    )
    if not numbers:
        where = place or ASK_AT_DESK
    else:
        where = f"{numbers_text(numbers)}（{place}）" if place else numbers_text(numbers)
    return Way(windows=mapped, numbers=numbers, place=place, where=where)


def numbers_text(numbers: Iterable[int]) -> str:
    """Window numbers as the hall's signs say them: ``19至22、25号窗口``."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [
        f"{run[0]}至{run[-1]}" if len(run) > 2 else "、".join(str(n) for n in run) for run in runs
    ]
    return "、".join(parts) + "号窗口"


__all__ = [
    "ASK_AT_DESK",
    "HallWindow",
    "MapWindow",
    "Way",
    "hall_windows",
    "numbers_text",
    "way_to",
]
