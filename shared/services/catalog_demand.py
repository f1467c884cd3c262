"""How often each matter is asked for: kiosk guide views and recent tickets (issue #11).

Search ranks equally good matches by demand instead of name length, so 居民身份证补领
comes before a rarely wanted matter with the same words. Demand is the number of tickets
taken for the matter plus the number of times its guide was shown at a kiosk, over the last
:data:`DEMAND_DAYS` days.

Nothing here touches the ticket write: tickets are counted where they already are, through
the index that leads with (site, business day) — one range per site, never the history —
and only when the search index is built or its demand refreshed on a slow timer, never per
key press. Guide views go to a small aggregate, one row per day, site and matter, bumped by
:func:`record_guide_view` with one upsert; the kiosk calls it off the GUI thread. A view is
not an action anyone audits and no other terminal waits for it, so it records no change.

:class:`DemandTally` keeps the counts of days that are over (they no longer change), so a
refresh reads only the last two days again (two, because a site's business day may end after
midnight).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, func, literal, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.clock import business_date, utcnow
from shared.errors import NotFound
from shared.models import GuideViewCount, ServiceMatter, Site, Ticket
from shared.services.tickets.directory import recent_directory

#: Tickets and guide views of this many days (today included) make a matter's demand.
DEMAND_DAYS = 28

_VIEWS = cast(Table, GuideViewCount.__table__)


def record_guide_view(
    session: Session, site: str, matter_code: str, now: datetime | None = None
) -> None:
    """Count one view of a matter's guide at a kiosk of ``site``, in the caller's transaction,
    on the site's business day (its cut-over from the directory snapshot).

    One statement: an insert of (day, site, matter) selected by the two codes through their
    unique indexes, adding one to the row when it exists.

    Raises:
        NotFound: no such site or matter.
    """
    known = recent_directory(session)
    the_site = known.site(site)
    day = business_date(now or utcnow(), known.cutover(the_site.id))
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    chosen = (
        select(
            literal(day, type_=_VIEWS.c.day.type).label("day"),
            Site.id.label("site_id"),
            ServiceMatter.id.label("matter_id"),
            literal(1).label("views"),
        )
        .select_from(Site)
        .join(ServiceMatter, true())  # one row of each, found by their unique codes
        # (SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT: this is it.)
        .where(Site.id == the_site.id, ServiceMatter.code == matter_code)
    )
    statement = (
        insert_(_VIEWS)
        .from_select(["day", "site_id", "matter_id", "views"], chosen)
        .on_conflict_do_update(
            index_elements=["day", "site_id", "matter_id"],
            set_={"views": _VIEWS.c.views + 1},
        )
        .returning(_VIEWS.c.views)
    )
    if session.execute(statement).first() is None:
        raise NotFound(f"no site {site!r} or no matter {matter_code!r}", "找不到该站点或事项。")


def _tickets(session: Session, first: date, last: date) -> dict[date, Counter[uuid.UUID]]:
    site_ids = list(session.scalars(select(Site.id)))
    by_day: dict[date, Counter[uuid.UUID]] = {}
    if not site_ids:
        return by_day
    # A ticket is for a matter or a 一件事 bundle (never both): either is asked for.
    chosen = func.coalesce(Ticket.matter_id, Ticket.bundle_id)
    rows = session.execute(
        select(Ticket.business_date, chosen, func.count())
        .where(
            Ticket.site_id.in_(site_ids),
            Ticket.business_date >= first,
            Ticket.business_date <= last,
            chosen.is_not(None),
        )
        .group_by(Ticket.business_date, chosen)
    )
    for day, matter_id, count in rows:
        if matter_id is not None:  # never, by the WHERE; for the type checker
            by_day.setdefault(day, Counter())[matter_id] += count
    return by_day


def _views(session: Session, first: date, last: date) -> dict[date, Counter[uuid.UUID]]:
    by_day: dict[date, Counter[uuid.UUID]] = {}
    rows = session.execute(
        select(GuideViewCount.day, GuideViewCount.matter_id, func.sum(GuideViewCount.views))
        .where(and_(GuideViewCount.day >= first, GuideViewCount.day <= last))
        .group_by(GuideViewCount.day, GuideViewCount.matter_id)
    )
    for day, matter_id, views in rows:
        by_day.setdefault(day, Counter())[matter_id] += int(views or 0)
    return by_day


def read_demand(session: Session, first: date, last: date) -> dict[date, Counter[uuid.UUID]]:
    """Tickets plus guide views per matter, for each day from ``first`` to ``last``.

    Two queries, each a range of an index (tickets by site and business day; views by day).
    """
    found = _tickets(session, first, last)
    for day, counts in _views(session, first, last).items():
        found.setdefault(day, Counter()).update(counts)
    return found


class DemandTally:
    """Demand per matter over the last :data:`DEMAND_DAYS` days, with closed days cached.

    Thread-safe; one per search index.
    """

    def __init__(self, days: int = DEMAND_DAYS) -> None:
        self.days = days
        self._closed: dict[date, Counter[uuid.UUID]] = {}
        self._lock = threading.Lock()

    def counts(self, session: Session, now: datetime | None = None) -> dict[uuid.UUID, int]:
        """Each matter's demand (matters never asked for are absent)."""
        today = business_date(now or utcnow())
        first = today - timedelta(days=self.days - 1)
        settled = today - timedelta(days=1)  # yesterday may still be a site's business day
        with self._lock:
            self._closed = {d: c for d, c in self._closed.items() if d >= first}
            missing = [
                first + timedelta(days=n)
                for n in range((settled - first).days)
                if first + timedelta(days=n) not in self._closed
            ]
            start = min(missing, default=settled)
            fresh = read_demand(session, start, today)
            for n in range((settled - start).days):
                day = start + timedelta(days=n)
                self._closed[day] = fresh.get(day, Counter())
            total: Counter[uuid.UUID] = Counter()
            for counts in self._closed.values():
                total.update(counts)
            for day in (settled, today):
                total.update(fresh.get(day, Counter()))
        return dict(total)


__all__ = ["DEMAND_DAYS", "DemandTally", "read_demand", "record_guide_view"]
