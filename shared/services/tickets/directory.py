"""What the allocator looks up but rarely changes, cached per database and process.

Sites by code, queues by site and prefix (id, prefix, name, active), the settings an issue
needs (the business-day cut-over, the hall hours, the slip's signing secret) and the holiday
calendar change a few times a year, yet the allocator used to read them inside the write
transaction of every ticket. They are kept here instead, in one snapshot per database (per
connection pool), checked before each use with ONE query on the change feed's ``(kind,
revision)`` index: the count and the newest revision of the kinds that touch them. Any write
through the services records such a change in its own transaction, so a deactivated queue or
a new cut-over is seen by the next issue after it commits. The count is part of the key
because on PostgreSQL a smaller revision may commit after a larger one, and pruning the feed
changes it too; either way the snapshot is simply reloaded (three small queries).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.errors import NotFound
from shared.models import Change, Queue, Setting, Site
from shared.services.holidays import effective_days
from shared.services.hours import LOOKAHEAD_DAYS
from shared.services.settings import SPECS

#: The change kinds that can alter what the snapshot holds.
RELEVANT_KINDS = ("organisation", "setting", "calendar")
#: The settings the snapshot holds (hall-wide and per-site rows); the slip's signing secret
#: too (see ``ticket_codes.stored_secret``).
CACHED_SETTINGS = (
    "business_day_cutover",
    "hall_hours",
    "installation_secret",
    # The kiosk's home status, refreshed on every ticket change.
    "kiosk_voice",
    "kiosk_voice_volume",
    "service_hotline",
    "online_hall_url",
)

FeedKey = tuple[int, int]


@dataclass(frozen=True)
class SiteEntry:
    """A site as the allocator needs it."""

    id: uuid.UUID
    code: str
    name: str


@dataclass(frozen=True)
class QueueEntry:
    """A queue as the allocator needs it."""

    id: uuid.UUID
    site_id: uuid.UUID
    prefix: str
    name: str
    active: bool


@dataclass(frozen=True)
class Directory:
    """One consistent snapshot of sites, queues and the cached settings."""

    key: FeedKey
    sites: Mapping[str, SiteEntry]
    queues: Mapping[tuple[uuid.UUID, str], QueueEntry]
    settings: Mapping[tuple[str, uuid.UUID | None], Any]
    #: Holiday-calendar look-ups made under this snapshot, by (site, first day): filled on
    #: first use; a calendar change records a change of a relevant kind, so it never outlives
    #: the entries it was read from.
    calendars: dict[tuple[uuid.UUID, date], Mapping[date, Any]] = field(default_factory=dict)

    def site(self, code: str) -> SiteEntry:
        """The site with ``code``, or :class:`NotFound` (as ``site_by_code``)."""
        entry = self.sites.get(code)
        if entry is None:
            raise NotFound(f"no such site: {code}", "找不到该站点。")
        return entry

    def queue(self, site: SiteEntry, prefix: str) -> QueueEntry:
        """The site's active queue with ``prefix``, or :class:`NotFound`."""
        entry = self.queues.get((site.id, prefix))
        if entry is None or not entry.active:
            raise NotFound(f"no such queue at {site.code}: {prefix}", "该业务暂不办理。")
        return entry

    def setting(self, key: str, site_id: uuid.UUID) -> Any:
        """The site's value, else the hall-wide one, else the default (as ``get_setting``)."""
        if (key, site_id) in self.settings:
            return self.settings[(key, site_id)]
        if (key, None) in self.settings:
            return self.settings[(key, None)]
        return SPECS[key].default

    def calendar(self, session: Session, site_id: uuid.UUID, first: date) -> Mapping[date, Any]:
        """:func:`~shared.services.holidays.effective_days` from ``first`` over the hours'
        look-ahead, read once per snapshot."""
        found = self.calendars.get((site_id, first))
        if found is None:
            found = effective_days(session, site_id, first, first + timedelta(LOOKAHEAD_DAYS))
            self.calendars[(site_id, first)] = found
        return found

    def cutover(self, site_id: uuid.UUID) -> time:
        """The site's business-day cut-over (hall-local)."""
        hours, minutes = str(self.setting("business_day_cutover", site_id)).split(":")
        return time(int(hours), int(minutes))


def feed_key(session: Session) -> FeedKey:
    """How many changes of the relevant kinds the feed holds, and the newest one's revision.

    One query, answered from the ``ix_changes_kind_revision`` index.
    """
    count, newest = session.execute(
        select(func.count(Change.revision), func.coalesce(func.max(Change.revision), 0)).where(
            Change.kind.in_(RELEVANT_KINDS)
        )
    ).one()
    return int(count), int(newest)


def _load(session: Session, key: FeedKey) -> Directory:
    sites = {
        code: SiteEntry(id_, code, name)
        for id_, code, name in session.execute(select(Site.id, Site.code, Site.name))
    }
    queues = {
        (site_id, prefix): QueueEntry(id_, site_id, prefix, name, bool(active))
        for id_, site_id, prefix, name, active in session.execute(
            select(Queue.id, Queue.site_id, Queue.prefix, Queue.name, Queue.active)
        )
    }
    settings = {
        (key_, site_id): value
        for key_, site_id, value in session.execute(
            select(Setting.key, Setting.site_id, Setting.value).where(
                Setting.key.in_(CACHED_SETTINGS)
            )
        )
    }
    return Directory(key, sites, queues, settings)


_SNAPSHOTS: weakref.WeakKeyDictionary[Any, Directory] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def directory(session: Session) -> Directory:
    """The snapshot for the session's database, reloaded when the feed says it changed.

    The key is read first, then (when it differs) the data in the same transaction, so a
    snapshot is never older than its key: at worst it is reloaded once more than needed.
    """
    key = feed_key(session)
    pool = session.get_bind().engine.pool
    with _LOCK:
        cached = _SNAPSHOTS.get(pool)
    if cached is not None and cached.key == key:
        return cached
    fresh = _load(session, key)
    with _LOCK:
        _SNAPSHOTS[pool] = fresh
    return fresh


def recent_directory(session: Session) -> Directory:
    """The last snapshot checked for the session's database, without checking it again
    (:func:`directory` when there is none yet).

    For the read-back right after a plan or a call checked it: names and the cut-over as of a
    few milliseconds ago, one query fewer on every issue.
    """
    with _LOCK:
        cached = _SNAPSHOTS.get(session.get_bind().engine.pool)
    return cached if cached is not None else directory(session)


def forget_directories() -> None:
    """Drop every cached snapshot (tests, or a database replaced under a running process)."""
    with _LOCK:
        _SNAPSHOTS.clear()
