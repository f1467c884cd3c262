"""What the kiosk's home screen shows: the site, the hall's state and how many people wait.

Read-only: the kiosk refreshes this on start, on a timer and when the change feed reports
ticket changes, so one cheap query pair must answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.clock import business_date, utcnow
from shared.models import Site, Ticket
from shared.models.tickets import WAITING_STATES
from shared.services.hours import hall_state
from shared.services.settings import default_site, site_by_code
from shared.services.tickets.directory import directory


@dataclass(frozen=True)
class KioskStatus:
    """The home screen's facts at one instant (plain data, safe to pass between threads).

    Attributes:
        site_id: the site's key as text (to match change-feed records).
        site_code: the site's code.
        site_name: the site's display name.
        is_open: whether the hall is in one of its opening sessions now.
        closes_at: end of the current session when open (timezone-aware), else ``None``.
        next_opening: the next opening when closed (timezone-aware), else ``None``.
        waiting: tickets of today's business day at the site still waiting to be called.
        business_date: the business day ``now`` belongs to at the site.
        now: the instant the status describes.
        voice: whether the kiosk may speak (the ``kiosk_voice`` setting).
        voice_volume: its speech volume, 0–100 (``kiosk_voice_volume``).
        hotline: the phone number offered when nobody is at the desk (``service_hotline``).
        online_hall: the online service hall's address, offered as a QR code then
            (``online_hall_url``; ``""`` for none).
    """

    site_id: str
    site_code: str
    site_name: str
    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None
    waiting: int
    business_date: date
    now: datetime
    voice: bool = True
    voice_volume: int = 80
    hotline: str = "12345"
    online_hall: str = ""

    def staffed_at(self, now: datetime) -> bool | None:
        """Whether the desk is staffed at ``now`` by this status (read earlier: the kiosk
        uses its last one when the database is gone); ``None`` when it cannot tell — the next
        opening has passed since."""
        if self.is_open:
            return self.closes_at is None or now < self.closes_at
        if self.next_opening is not None and now >= self.next_opening:
            return None
        return False


def resolve_site(session: Session, site_code: str | None) -> Site:
    """The site with ``site_code``, or the first site when it is ``None``."""
    return site_by_code(session, site_code) if site_code else default_site(session)


def kiosk_status(
    session: Session, site_code: str | None, now: datetime | None = None
) -> KioskStatus:
    """The home screen's status for a site at ``now`` (default: the current instant).

    Raises:
        NotFound: no such site (or no site at all when ``site_code`` is ``None``).
    """
    now = now or utcnow()
    site = resolve_site(session, site_code)
    state = hall_state(session, site, now)
    # Settings from the directory snapshot the ticket path keeps (re-read only when the feed
    # says a setting changed), not a query each per refresh.
    known = directory(session)
    cutover = known.cutover(site.id)
    day = business_date(now, cutover)
    waiting = session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.site_id == site.id,
            Ticket.business_date == day,
            Ticket.state.in_(WAITING_STATES),
        )
    )
    return KioskStatus(
        site_id=str(site.id),
        site_code=site.code,
        site_name=site.name,
        is_open=state.is_open,
        closes_at=state.closes_at,
        next_opening=state.next_opening,
        waiting=int(waiting or 0),
        business_date=day,
        now=now,
        voice=bool(known.setting("kiosk_voice", site.id)),
        voice_volume=int(known.setting("kiosk_voice_volume", site.id)),
        hotline=str(known.setting("service_hotline", site.id)),
        online_hall=str(known.setting("online_hall_url", site.id) or ""),
    )
