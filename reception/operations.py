"""Background operations of the console: plain functions of a session, run by the TaskRunner.

They call domain services only and return plain data; no widget is touched here and no
widget runs SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from shared.errors import NotFound
from shared.services.settings import default_site, site_by_code
from shared.services.staff import LoginOutcome, StaffInfo, authenticate, change_own_password


def site_name(session: Session, code: str | None) -> str:
    """The name of site ``code`` (the district hall when ``None``); the code if unknown."""
    try:
        site = site_by_code(session, code) if code else default_site(session)
    except NotFound:
        return code or ""
    return site.name


def login(
    username: str, password: str, site_code: str | None
) -> Callable[[Session], tuple[LoginOutcome, str | None]]:
    """An operation that checks a login and, on success, names the site to show.

    Runs as a write: a failed attempt's count and the audit entry commit either way.
    ``site_code`` is the terminal's (``--site``); the staff member's own site otherwise.
    """

    def run(session: Session) -> tuple[LoginOutcome, str | None]:
        outcome = authenticate(session, username, password)
        if outcome.staff is None:
            return outcome, None
        return outcome, site_name(session, site_code or outcome.staff.site_code)

    return run


def change_password(username: str, current: str, new: str) -> Callable[[Session], StaffInfo]:
    """An operation that replaces a reset (temporary) password with the one staff chose.

    The service checks ``current`` again, so the console cannot skip the step.
    """

    def run(session: Session) -> StaffInfo:
        return change_own_password(session, username, current, new)

    return run
