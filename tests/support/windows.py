"""Open windows for tests (issue #9): a window calls and counts in the wait estimate only when
a clerk has signed it in, so tests that call tickets or check estimates sign windows in first.

The demo hall has three window clerks; a test that opens more windows gets one clerk account
per window (a clerk is signed in at one window at a time).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import Staff
from shared.services.window_sessions import sign_in


def clerk(session: Session, window: int, site: str = "huarong") -> uuid.UUID:
    """The test clerk of window ``window`` (made on first use; it cannot log in)."""
    username = f"clerk-{site}-{window}"
    found = session.scalar(select(Staff.id).where(Staff.username == username))
    if found is not None:
        return found
    member = Staff(username=username, display_name=f"{window}号窗口员", password_hash="!")
    session.add(member)
    session.flush()
    return member.id


def open_windows_in(
    session: Session,
    windows: Iterable[int],
    *,
    site: str = "huarong",
    now: datetime | None = None,
) -> None:
    """Sign windows in, each by its own test clerk (again: no change)."""
    for number in windows:
        sign_in(session, site=site, window=number, staff_id=clerk(session, number, site), now=now)


def open_windows(
    factory: sessionmaker[Session],
    windows: Iterable[int],
    *,
    site: str = "huarong",
    now: datetime | None = None,
) -> None:
    """:func:`open_windows_in` in a transaction of its own."""
    with factory.begin() as session:
        open_windows_in(session, windows, site=site, now=now)
