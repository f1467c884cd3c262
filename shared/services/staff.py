"""Staff accounts: create, list, change passwords and roles, disable, and log in.

Passwords are hashed with scrypt (memory-hard, in the standard library). Five failed logins
lock an account for five minutes. Logins, lockouts and role changes go to the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import AuthError, Conflict, NotFound, ValidationError
from shared.models import ROLES, Site, Staff, StaffRole
from shared.services.audit import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
# scrypt cost: 2**14 x 8 x 128 bytes = 16 MiB per hash, ~50 ms here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class StaffInfo:
    """An account as screens and the CLI see it (no hash)."""

    id: uuid.UUID
    username: str
    display_name: str
    roles: tuple[str, ...]
    site_code: str | None
    disabled: bool
    locked_until: datetime | None


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a login attempt: ``staff`` on success, else ``error``.

    Returned rather than raised so the failed-attempt count is committed with the session.
    """

    staff: StaffInfo | None
    error: AuthError | None


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing text form."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    salt_text = base64.b64encode(salt).decode()
    digest_text = base64.b64encode(digest).decode()
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _info(staff: Staff, site_code: str | None) -> StaffInfo:
    return StaffInfo(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        roles=tuple(staff.roles),
        site_code=site_code,
        disabled=staff.disabled,
        locked_until=staff.locked_until,
    )


def _site_code(session: Session, site_id: uuid.UUID | None) -> str | None:
    if site_id is None:
        return None
    return session.scalar(select(Site.code).where(Site.id == site_id))


def _check_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValidationError(
            f"unknown role(s): {', '.join(unknown)} (roles: {', '.join(ROLES)})",
            "角色无效。",
        )
    if not roles:
        raise ValidationError("an account needs at least one role", "请至少选择一个角色。")
    return sorted(set(roles))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters",
            f"密码至少需要{MIN_PASSWORD_LENGTH}位。",
        )


def _get(session: Session, username: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise NotFound(f"no such user: {username}", "找不到该用户。")
    return staff


def add_staff(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: list[str] | tuple[str, ...],
    site: str | None = None,
    actor: str = "system",
) -> StaffInfo:
    """Create an account."""
    username = username.strip()
    if not username or len(username) > 40 or not username.isprintable():
        raise ValidationError("username must be 1-40 printable characters", "用户名无效。")
    if session.scalar(select(Staff.id).where(Staff.username == username)):
        raise Conflict(f"user already exists: {username}", "该用户名已存在。")
    _check_password(password)
    clean_roles = _check_roles(roles)
    site_id = None
    if site:
        site_id = session.scalar(select(Site.id).where(Site.code == site))
        if site_id is None:
            raise NotFound(f"no such site: {site}", "找不到该站点。")
    staff = Staff(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        site_id=site_id,
        role_rows=[StaffRole(role=role) for role in clean_roles],
    )
    session.add(staff)
    session.flush()
    audit(
        session,
        "staff.created",
        actor=actor,
        entity_kind="staff",
        entity_id=staff.id,
        detail={"username": username, "roles": clean_roles},
    )
    record_change(session, "staff", staff.id, "created")
    return _info(staff, site)


def list_staff(session: Session) -> list[StaffInfo]:
    """Every account, by username."""
    sites: dict[uuid.UUID, str] = {
        row[0]: row[1] for row in session.execute(select(Site.id, Site.code))
    }
    rows = session.scalars(select(Staff).order_by(Staff.username))
    return [_info(s, sites.get(s.site_id) if s.site_id else None) for s in rows]


def set_password(session: Session, username: str, password: str, *, actor: str = "system") -> None:
    """Change a password; also lifts a lockout."""
    _check_password(password)
    staff = _get(session, username)
    staff.password_hash = hash_password(password)
    staff.failed_logins = 0
    staff.locked_until = None
    audit(
        session,
        "staff.password_changed",
        actor=actor,
        entity_kind="staff",
        entity_id=staff.id,
        detail={"username": username},
    )
    record_change(session, "staff", staff.id)


def set_roles(
    session: Session, username: str, roles: list[str] | tuple[str, ...], *, actor: str = "system"
) -> StaffInfo:
    """Replace an account's roles."""
    clean = _check_roles(roles)
    staff = _get(session, username)
    before = staff.roles
    staff.role_rows = [StaffRole(role=role) for role in clean]
    session.flush()
    audit(
        session,
        "staff.roles_changed",
        actor=actor,
        entity_kind="staff",
        entity_id=staff.id,
        detail={"username": username, "before": before, "after": clean},
    )
    record_change(session, "staff", staff.id)
    return _info(staff, _site_code(session, staff.site_id))


def set_disabled(
    session: Session, username: str, disabled: bool = True, *, actor: str = "system"
) -> None:
    """Disable (or re-enable) an account."""
    staff = _get(session, username)
    staff.disabled = disabled
    audit(
        session,
        "staff.disabled" if disabled else "staff.enabled",
        actor=actor,
        entity_kind="staff",
        entity_id=staff.id,
        detail={"username": username},
    )
    record_change(session, "staff", staff.id)


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
    audit(session, "login.succeeded", actor=staff.username, actor_id=staff.id, now=now)
    return LoginOutcome(_info(staff, _site_code(session, staff.site_id)), None)
