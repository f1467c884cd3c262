"""``shared.services.home``: the facts behind the kiosk home screen (no Qt involved)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import NotFound
from shared.models import Queue, Site, Ticket
from shared.services.home import kiosk_status
from shared.services.settings import set_setting

# Wednesday 26 November 2025, 10:05 in the hall.
NOW = datetime(2025, 11, 26, 2, 5, tzinfo=UTC)


def _add_ticket(session: Session, site_code: str, day: date, sequence: int, state: str) -> None:
    site = session.scalar(select(Site).where(Site.code == site_code))
    assert site is not None
    queue = session.scalar(select(Queue).where(Queue.site_id == site.id).limit(1))
    assert queue is not None
    session.add(
        Ticket(
            id=uuid.uuid4(),
            site_id=site.id,
            queue_id=queue.id,
            business_date=day,
            sequence=sequence,
            number=f"{queue.prefix}{sequence:03d}",
            state=state,
            issued_at=NOW,
        )
    )


def test_status_of_the_default_site(sqlite_factory: sessionmaker[Session]) -> None:
    with sqlite_factory() as session:
        status = kiosk_status(session, None, now=NOW)
    assert (status.site_code, status.site_name) == ("huarong", "华容区政务服务中心")
    assert status.is_open
    assert status.closes_at == datetime(2025, 11, 26, 4, 0, tzinfo=UTC)  # 12:00 in the hall
    assert status.next_opening is None
    assert status.waiting == 0
    assert status.business_date == date(2025, 11, 26)


def test_waiting_counts_only_issued_tickets_of_today_at_the_site(
    sqlite_factory: sessionmaker[Session],
) -> None:
    today, yesterday = date(2025, 11, 26), date(2025, 11, 25)
    with sqlite_factory.begin() as session:
        _add_ticket(session, "huarong", today, 1, "issued")
        _add_ticket(session, "huarong", today, 2, "issued")
        _add_ticket(session, "huarong", today, 3, "called")
        _add_ticket(session, "huarong", today, 4, "done")
        _add_ticket(session, "huarong", yesterday, 1, "issued")
        _add_ticket(session, "wuhan-new-city", today, 1, "issued")
    with sqlite_factory() as session:
        assert kiosk_status(session, "huarong", now=NOW).waiting == 2
        assert kiosk_status(session, "wuhan-new-city", now=NOW).waiting == 1


def test_business_day_follows_the_site_cutover(sqlite_factory: sessionmaker[Session]) -> None:
    # 02:00 in the hall on the 27th belongs to the 26th with a 03:00 cut-over.
    early = datetime(2025, 11, 26, 18, 0, tzinfo=UTC)
    with sqlite_factory.begin() as session:
        _add_ticket(session, "huarong", date(2025, 11, 26), 1, "issued")
    with sqlite_factory() as session:
        status = kiosk_status(session, "huarong", now=early)
        assert (status.business_date, status.waiting) == (date(2025, 11, 27), 0)
        assert not status.is_open
        assert status.next_opening == datetime(2025, 11, 27, 0, 30, tzinfo=UTC)
    with sqlite_factory.begin() as session:
        set_setting(session, "business_day_cutover", "03:00")
    with sqlite_factory() as session:
        status = kiosk_status(session, "huarong", now=early)
        assert (status.business_date, status.waiting) == (date(2025, 11, 26), 1)


def test_unknown_site_is_refused(sqlite_factory: sessionmaker[Session]) -> None:
    with sqlite_factory() as session, pytest.raises(NotFound):
        kiosk_status(session, "nowhere", now=NOW)


def test_whether_the_desk_is_staffed_follows_the_last_status(
    seeded_factory: sessionmaker[Session],
) -> None:
    """What the out-of-service screen offers when the database is gone (issue #12)."""
    morning = datetime(2025, 11, 26, 2, 5, tzinfo=UTC)  # Wednesday 10:05 in the hall
    night = datetime(2025, 11, 26, 14, 30, tzinfo=UTC)  # 22:30
    with seeded_factory() as session:
        open_status = kiosk_status(session, "huarong", now=morning)
        closed_status = kiosk_status(session, "huarong", now=night)
    assert open_status.staffed_at(morning) is True
    assert open_status.closes_at is not None
    assert open_status.staffed_at(open_status.closes_at) is False  # the session ended since
    assert closed_status.staffed_at(night) is False
    assert closed_status.next_opening is not None
    assert closed_status.staffed_at(closed_status.next_opening) is None  # cannot tell
