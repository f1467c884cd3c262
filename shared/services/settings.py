"""Configuration stored in the database, hall-wide or per site, with typed defaults."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import NotFound
from shared.models import Setting, Site

DEFAULTS: dict[str, Any] = {
    # Working days (Monday = 0) and the day's sessions, hall-local time.
    "hall_hours": {
        "weekdays": [0, 1, 2, 3, 4],
        "sessions": [["08:30", "12:00"], ["14:30", "17:30"]],
    },
    # When a business day starts, hall-local (tickets restart from 001 then).
    "business_day_cutover": "00:00",
    "priority_overdue_minutes": 5,
    "privacy_retention_days": 180,
    "elderly_age": 70,
    # A no-show may be recalled within this many minutes.
    "recall_grace_minutes": 15,
    # The PIN that opens the kiosk's hidden admin exit (digits; change it on install).
    "kiosk_admin_pin": "000000",
    # The key that signs ticket QR codes (base64); None until first use, when
    # shared.services.ticket_codes.installation_secret creates and stores a random one.
    "installation_secret": None,
    # Reception levels (接待等级) a tour may carry, in order of importance.
    "reception_levels": ["一般", "重要", "重大"],
}


def site_by_code(session: Session, code: str) -> Site:
    """The site with this code, or :class:`NotFound`."""
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise NotFound(f"no such site: {code}", "找不到该站点。")
    return site


def default_site(session: Session) -> Site:
    """The district hall (the first site by sort order)."""
    site = session.scalar(select(Site).order_by(Site.sort_order, Site.code).limit(1))
    if site is None:
        raise NotFound("no sites: run 'hall seed-demo' or import sites first", "尚未配置站点。")
    return site


def get_setting(session: Session, key: str, site_id: uuid.UUID | None = None) -> Any:
    """The site's value, else the hall-wide value, else the built-in default."""
    rows = session.execute(
        select(Setting.site_id, Setting.value).where(
            Setting.key == key, (Setting.site_id == site_id) | Setting.site_id.is_(None)
        )
    ).all()
    by_site = {row[0]: row[1] for row in rows}
    if site_id is not None and site_id in by_site:
        return by_site[site_id]
    if None in by_site:
        return by_site[None]
    if key not in DEFAULTS:
        raise NotFound(f"unknown setting: {key}")
    return DEFAULTS[key]


def set_setting(session: Session, key: str, value: Any, site_id: uuid.UUID | None = None) -> None:
    """Store a value (hall-wide when ``site_id`` is None)."""
    row = session.scalar(
        select(Setting).where(
            Setting.key == key,
            Setting.site_id == site_id if site_id else Setting.site_id.is_(None),
        )
    )
    if row is None:
        row = Setting(key=key, value=value, site_id=site_id)
        session.add(row)
    else:
        row.value = value
    session.flush()
    record_change(session, "setting", row.id, site_id=site_id)
