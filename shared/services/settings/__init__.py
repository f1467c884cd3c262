"""Configuration stored in the database, hall-wide or per site, typed and checked.

Each key is declared once in :mod:`shared.services.settings.specs` with its type, range or
format, Chinese label and default. :func:`change_setting` is how people change a value (CLI,
console, workbook): it parses the text, refuses a bad value with the reason, audits the change
and publishes it in the change feed (kind ``setting``), so running kiosks and consoles apply it
without a restart. :func:`get_setting` reads the site's value, else the hall-wide one, else the
default.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import NotFound, ValidationError
from shared.models import Setting, Site
from shared.services.audit import audit
from shared.services.settings.specs import SPECS, SettingSpec, spec_for

__all__ = [
    "DEFAULTS",
    "SPECS",
    "SettingSpec",
    "SettingValue",
    "change_setting",
    "default_site",
    "get_setting",
    "list_settings",
    "reset_setting",
    "set_setting",
    "site_by_code",
    "spec_for",
]

#: Built-in defaults by key (read-only view of the specs).
DEFAULTS: dict[str, Any] = {key: spec.default for key, spec in SPECS.items()}


@dataclass(frozen=True)
class SettingValue:
    """A setting as people see it: label, value in force as text, and where it comes from.

    ``source`` is ``default``, ``hall`` (the hall-wide row) or ``site`` (the site's row).
    """

    key: str
    label_zh: str
    help_en: str
    kind: str
    value: Any
    text: str
    source: str
    site_code: str | None
    site_scoped: bool


def site_by_code(session: Session, code: str) -> Site:
    """The site with this code, or :class:`NotFound`."""
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise NotFound(f"no such site: {code}", "找不到该站点。")
    return site


def default_site(session: Session) -> Site:
    """The first active site by sort order (the district hall)."""
    site = session.scalar(
        select(Site).where(Site.active.is_(True)).order_by(Site.sort_order, Site.code).limit(1)
    )
    if site is None:
        raise NotFound(
            "no sites yet: import the organisation workbook ('hall org import') first",
            "尚未配置站点，请先导入组织机构表。",
        )
    return site


def _rows(session: Session, key: str, site_id: uuid.UUID | None) -> dict[uuid.UUID | None, Any]:
    rows = session.execute(
        select(Setting.site_id, Setting.value).where(
            Setting.key == key, (Setting.site_id == site_id) | Setting.site_id.is_(None)
        )
    ).all()
    return {row[0]: row[1] for row in rows}


def get_setting(session: Session, key: str, site_id: uuid.UUID | None = None) -> Any:
    """The site's value, else the hall-wide value, else the built-in default."""
    by_site = _rows(session, key, site_id)
    if site_id is not None and site_id in by_site:
        return by_site[site_id]
    if None in by_site:
        return by_site[None]
    if key not in SPECS:
        raise NotFound(f"unknown setting: {key}")
    return SPECS[key].default


def _row(session: Session, key: str, site_id: uuid.UUID | None) -> Setting | None:
    return session.scalar(
        select(Setting).where(
            Setting.key == key,
            Setting.site_id == site_id if site_id else Setting.site_id.is_(None),
        )
    )


def set_setting(session: Session, key: str, value: Any, site_id: uuid.UUID | None = None) -> None:
    """Store a value written by code (hall-wide when ``site_id`` is None), checked first.

    People's changes go through :func:`change_setting`, which also audits them.
    """
    spec = spec_for(key)
    if site_id is not None and not spec.site_scoped:
        raise ValidationError(
            f"{key} is hall-wide: it cannot differ per site", f"{spec.label_zh}只能全局设置。"
        )
    value = spec.check(value)
    row = _row(session, key, site_id)
    if row is None:
        row = Setting(key=key, value=value, site_id=site_id)
        session.add(row)
    else:
        row.value = value
    session.flush()
    record_change(session, "setting", row.id, site_id=site_id)


def _value(session: Session, spec: SettingSpec, site: Site | None) -> SettingValue:
    by_site = _rows(session, spec.key, site.id if site else None)
    if site is not None and site.id in by_site:
        value, source = by_site[site.id], "site"
    elif None in by_site:
        value, source = by_site[None], "hall"
    else:
        value, source = spec.default, "default"
    return SettingValue(
        key=spec.key,
        label_zh=spec.label_zh,
        help_en=spec.help_en,
        kind=spec.kind,
        value=None if spec.secret else value,
        text=spec.text(value),
        source=source,
        site_code=site.code if site else None,
        site_scoped=spec.site_scoped,
    )


def list_settings(session: Session, site: str | None = None) -> list[SettingValue]:
    """Every setting people may change, with the value in force (for ``site`` if given)."""
    the_site = site_by_code(session, site) if site else None
    return [_value(session, spec, the_site) for spec in SPECS.values() if not spec.secret]


def _settable(key: str) -> SettingSpec:
    spec = spec_for(key)
    if spec.secret:
        raise ValidationError(
            f"{key} is not set this way (see 'hall kiosk set-pin')", "该项不能在此修改。"
        )
    return spec


def change_setting(
    session: Session,
    key: str,
    text: str,
    *,
    site: str | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> SettingValue:
    """Set ``key`` from what a person typed, for ``site`` or hall-wide; audited.

    Raises:
        ValidationError: an unknown key, a secret key, or a value that breaks its rule (the
            message names the rule, in English and Chinese).
        NotFound: no such site.
    """
    spec = _settable(key)
    the_site = site_by_code(session, site) if site else None
    value = spec.parse(text)
    old = get_setting(session, key, the_site.id if the_site else None)
    set_setting(session, key, value, the_site.id if the_site else None)
    audit(
        session,
        "setting.changed",
        actor=actor,
        actor_id=actor_id,
        entity_kind="setting",
        entity_id=key,
        site_id=the_site.id if the_site else None,
        detail={"key": key, "old": spec.text(old), "new": spec.text(value)},
    )
    return _value(session, spec, the_site)


def reset_setting(
    session: Session,
    key: str,
    *,
    site: str | None = None,
    actor: str = "cli",
    actor_id: uuid.UUID | None = None,
) -> SettingValue:
    """Remove the site's (or the hall-wide) value so the next level applies again; audited."""
    spec = _settable(key)
    the_site = site_by_code(session, site) if site else None
    row = _row(session, key, the_site.id if the_site else None)
    if row is not None:
        row_id = row.id
        session.delete(row)
        session.flush()
        record_change(session, "setting", row_id, "deleted", site_id=row.site_id)
        audit(
            session,
            "setting.reset",
            actor=actor,
            actor_id=actor_id,
            entity_kind="setting",
            entity_id=key,
            site_id=the_site.id if the_site else None,
            detail={"key": key},
        )
    return _value(session, spec, the_site)
