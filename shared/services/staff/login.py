"""Logging in: check a password, count failures, lock after five, force a new password.

Five failed logins lock an account for five minutes. An account whose password was reset
(``must_change_password``) is let in only to choose a new one (issue #9). Logins and lockouts
go to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import AuthError, ValidationError
from shared.models import Staff
from shared.services.audit import audit
from shared.services.staff.accounts import StaffInfo, _get, _info, _site_code
from shared.services.staff.passwords import (
    MIN_PASSWORD_LENGTH,
    check_password,
    hash_password,
    verify_password,
)

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt: ``staff`` on success, else ``error``.

    Returned rather than raised so the failed-attempt count is committed with the session.
    ``must_change_password`` means the password was reset: the console asks for a new one
    (:func:`change_own_password`) before anything else.
    """

    staff: StaffInfo | None
    error: AuthError | None
    must_change_password: bool = False


def change_own_password(
    session: Session, username: str, current: str, new: str, *, now: datetime | None = None
) -> StaffInfo:
    """A member of staff replaces their password (after a reset, at login); clears the flag.

    ``current`` is checked again here, so the step cannot be skipped by a screen.
    """
    staff = _get(session, username)
    if staff.disabled or not verify_password(current, staff.password_hash):
        raise AuthError("wrong username or password")
    check_password(new)
    if new == current:
        raise ValidationError(
            "the new password must differ from the old one", "新密码不能与原密码相同。"
        )
    staff.password_hash = hash_password(new)
    staff.must_change_password = False
    staff.failed_logins = 0
    staff.locked_until = None
    audit(
        session,
        "staff.password_changed",
        actor=staff.username,
        actor_id=staff.id,
        entity_kind="staff",
        entity_id=staff.id,
        detail={"username": staff.username, "own": True},
        now=now,
    )
    record_change(session, "staff", staff.id)
    return _info(staff, _site_code(session, staff.site_id))


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> LoginOutcome:
    """Check a login and record it; the caller commits, then acts on the outcome."""
    now = now or utcnow()
    staff = session.scalar(select(Staff).where(Staff.username == username.strip()))
    if staff is None:
        # Hash anyway so an unknown name takes as long as a wrong password.
        verify_password(password, hash_password("x" * MIN_PASSWORD_LENGTH))
        audit(
            session, "login.failed", actor=username[:60], detail={"reason": "unknown_user"}, now=now
        )
        return LoginOutcome(None, AuthError("wrong username or password"))
    if staff.disabled:
        audit(
            session,
            "login.failed",
            actor=staff.username,
            actor_id=staff.id,
            detail={"reason": "disabled"},
            now=now,
        )
        return LoginOutcome(None, AuthError("account disabled", "该账号已停用，请联系管理员。"))
    if staff.locked_until is not None and staff.locked_until > now:
        minutes = max(1, int((staff.locked_until - now).total_seconds() + 59) // 60)
        audit(
            session,
            "login.failed",
            actor=staff.username,
            actor_id=staff.id,
            detail={"reason": "locked"},
            now=now,
        )
        return LoginOutcome(
            None,
            AuthError(
                f"account locked for {minutes} more minute(s)",
                f"登录失败次数过多，账号已锁定，请{minutes}分钟后再试。",
            ),
        )
    if not verify_password(password, staff.password_hash):
        staff.failed_logins += 1
        reason = "wrong_password"
        if staff.failed_logins >= MAX_FAILED_LOGINS:
            staff.locked_until = now + LOCKOUT
            staff.failed_logins = 0
            reason = "locked_out"
        audit(
            session,
            "login.failed",
            actor=staff.username,
            actor_id=staff.id,
            detail={"reason": reason},
            now=now,
        )
        if reason == "locked_out":
            return LoginOutcome(
                None,
                AuthError(
                    "too many failed logins: account locked for 5 minutes",
                    "登录失败次数过多，账号已锁定5分钟。",
                ),
            )
        return LoginOutcome(None, AuthError("wrong username or password"))
    staff.failed_logins = 0
    staff.locked_until = None
    staff.last_login_at = now
    detail = {"must_change_password": True} if staff.must_change_password else None
    audit(
        session,
        "login.succeeded",
        actor=staff.username,
        actor_id=staff.id,
        detail=detail,
        now=now,
    )
    info = _info(staff, _site_code(session, staff.site_id))
    return LoginOutcome(info, None, staff.must_change_password)
