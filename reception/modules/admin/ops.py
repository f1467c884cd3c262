"""Background operations of the 管理 pages (issue #9): plain functions of a session.

Each builder returns a callable the page hands to the :class:`TaskRunner`; it calls domain
services only and returns plain data. The account acting (``acting``) is passed on to the
services, which decide what it may do; no widget runs SQL or holds these rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from shared.clock import to_local
from shared.errors import ValidationError
from shared.services import holidays, settings
from shared.services.holidays import CalendarEntry
from shared.services.hours import hall_state
from shared.services.org import list_sites
from shared.services.settings import SettingValue
from shared.services.staff import (
    StaffInfo,
    add_staff,
    list_staff,
    reset_password,
    set_disabled,
    set_roles,
    unlock,
    update_staff,
)
from shared.services.weekly_hours import WEEKDAYS_ZH, hours_from_days, hours_text

Op = Callable[[Session], Any]
#: Sessions of one weekday as (start, end) texts; "" where a box was left empty.
DaySessions = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class SiteChoice:
    """A site as a choice in a list."""

    code: str
    name: str


def site_choices(session: Session) -> list[SiteChoice]:
    """The active sites, in display order."""
    return [SiteChoice(s.code, s.name) for s in list_sites(session) if s.active]


# -- staff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffListing:
    """Every account and the sites they may belong to."""

    rows: list[StaffInfo]
    sites: list[SiteChoice]


def load_staff(session: Session) -> StaffListing:
    """Every account, with the site choices."""
    return StaffListing(list_staff(session), site_choices(session))


@dataclass(frozen=True)
class AccountForm:
    """What the account dialog collected (``password`` only when adding)."""

    username: str
    display_name: str
    roles: tuple[str, ...]
    site: str | None
    password: str = ""


def add_account(acting: StaffInfo, form: AccountForm) -> Op:
    """Create an account whose initial password must be replaced at the first login."""

    def run(session: Session) -> StaffInfo:
        return add_staff(
            session,
            username=form.username,
            display_name=form.display_name,
            password=form.password,
            roles=form.roles,
            site=form.site,
            acting=acting,
            temporary=True,
        )

    return run


def edit_account(acting: StaffInfo, form: AccountForm) -> Op:
    """Change an account's name, home site and roles in one transaction."""

    def run(session: Session) -> StaffInfo:
        info = update_staff(
            session, form.username, display_name=form.display_name, site=form.site, acting=acting
        )
        if set(info.roles) != set(form.roles):
            info = set_roles(session, form.username, form.roles, acting=acting)
        return info

    return run


def reset_account_password(acting: StaffInfo, username: str, password: str | None) -> Op:
    """Give an account a temporary password (made up when ``password`` is None); returns it."""

    def run(session: Session) -> str:
        return reset_password(session, username, password, acting=acting)

    return run


def set_account_disabled(acting: StaffInfo, username: str, disabled: bool) -> Op:
    """Disable or enable an account."""

    def run(session: Session) -> None:
        set_disabled(session, username, disabled, acting=acting)

    return run


def unlock_account(acting: StaffInfo, username: str) -> Op:
    """Lift an account's lockout."""

    def run(session: Session) -> None:
        unlock(session, username, acting=acting)

    return run


# -- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsListing:
    """Every setting in force for ``site`` (hall-wide when None), and the site choices."""

    site: str | None
    values: list[SettingValue]
    sites: list[SiteChoice]


def load_settings(site: str | None) -> Op:
    """Every setting people may change, as in force for ``site``."""

    def run(session: Session) -> SettingsListing:
        return SettingsListing(site, settings.list_settings(session, site), site_choices(session))

    return run


def change_setting(acting: StaffInfo, key: str, text: str, site: str | None) -> Op:
    """Set one setting from its text; a bad value raises the service's ValidationError."""

    def run(session: Session) -> SettingValue:
        return settings.change_setting(
            session, key, text, site=site, actor=acting.username, actor_id=acting.id
        )

    return run


def reset_setting(acting: StaffInfo, key: str, site: str | None) -> Op:
    """Remove the value at this level so the next level applies."""

    def run(session: Session) -> SettingValue:
        return settings.reset_setting(
            session, key, site=site, actor=acting.username, actor_id=acting.id
        )

    return run


# -- hours and the holiday calendar ---------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A site's hall state now, as plain data (instants in hall time)."""

    site_name: str
    is_open: bool
    closes_at: datetime | None
    next_opening: datetime | None
    holiday: str | None


@dataclass(frozen=True)
class HoursListing:
    """What the 营业时间与节假日 page shows for one scope (hall-wide when ``site`` is None)."""

    site: str | None
    sites: list[SiteChoice]
    hours: dict[str, SettingValue]
    days: dict[str, dict[int, list[tuple[str, str]]]]
    calendar: list[CalendarEntry]
    opening: Opening


HOURS_KEYS = ("hall_hours", "self_service_hours")
#: How far back the calendar list reaches (recent entries stay visible a while).
CALENDAR_PAST = timedelta(days=31)


def _by_day(value: Mapping[str, Any]) -> dict[int, list[tuple[str, str]]]:
    extra = value.get("by_weekday") or {}
    weekdays = {int(d) for d in value.get("weekdays", [])}
    days: dict[int, list[tuple[str, str]]] = {}
    for day in range(7):
        pairs = extra.get(str(day)) if str(day) in extra else None
        if pairs is None and day in weekdays:
            pairs = value.get("sessions", [])
        days[day] = [(str(a), str(b)) for a, b in pairs or []]
    return days


def load_hours(site: str | None, fallback_site: str | None, now: datetime) -> Op:
    """Weekly hours and calendar for ``site`` (or hall-wide), and the next opening of that
    site at ``now`` (hall-wide: of ``fallback_site``, else the district hall)."""

    def run(session: Session) -> HoursListing:
        values = {v.key: v for v in settings.list_settings(session, site) if v.key in HOURS_KEYS}
        days = {key: _by_day(values[key].value) for key in HOURS_KEYS}
        first = to_local(now).date() - CALENDAR_PAST
        calendar = holidays.list_days(session, first=first, site=site)
        code = site or fallback_site
        the_site = settings.site_by_code(session, code) if code else settings.default_site(session)
        state = hall_state(session, the_site, now)
        opening = Opening(
            the_site.name,
            state.is_open,
            to_local(state.closes_at) if state.closes_at else None,
            to_local(state.next_opening) if state.next_opening else None,
            state.holiday,
        )
        return HoursListing(site, site_choices(session), values, days, calendar, opening)

    return run


def hours_text_of(days: Mapping[int, DaySessions]) -> str:
    """The settings text for sessions per weekday; a half-filled session is refused."""
    clean: dict[int, list[tuple[str, str]]] = {}
    for day, sessions in days.items():
        for number, (start, end) in enumerate(sessions, start=1):
            if bool(start.strip()) != bool(end.strip()):
                raise ValidationError(
                    f"{day}: session {number} needs a start and an end",
                    f"{WEEKDAYS_ZH[day]}：第{number}段请同时填写开始和结束时间。",
                )
        clean[day] = [(a.strip(), b.strip()) for a, b in sessions if a.strip()]
    return hours_text(hours_from_days(clean))[1]


def save_hours(
    acting: StaffInfo, key: str, days: Mapping[int, DaySessions], site: str | None
) -> Op:
    """Store weekly hours given per weekday, through the settings service."""

    def run(session: Session) -> SettingValue:
        try:
            text = hours_text_of(days)
        except ValidationError as exc:
            label = settings.spec_for(key).label_zh
            raise ValidationError(str(exc), f"{label}：{exc.message_zh}") from None
        return settings.change_setting(
            session, key, text, site=site, actor=acting.username, actor_id=acting.id
        )

    return run


def save_day(
    acting: StaffInfo,
    day: date,
    kind: str,
    name: str,
    sessions: DaySessions,
    site: str | None,
) -> Op:
    """Add or replace the calendar entry of ``day``."""

    def run(session: Session) -> CalendarEntry:
        for start, end in sessions:
            if bool(start.strip()) != bool(end.strip()):
                raise ValidationError(
                    "a session needs a start and an end", "时段请同时填写开始和结束时间。"
                )
        pairs = [[a.strip(), b.strip()] for a, b in sessions if a.strip()]
        return holidays.set_day(
            session,
            day=day,
            kind=kind,
            name=name,
            sessions=pairs,
            site=site,
            actor=acting.username,
            actor_id=acting.id,
        )

    return run


def remove_day(acting: StaffInfo, day: date, site: str | None) -> Op:
    """Remove the calendar entry of ``day`` (hall-wide when ``site`` is None)."""

    def run(session: Session) -> None:
        holidays.remove_day(session, day=day, site=site, actor=acting.username, actor_id=acting.id)

    return run
