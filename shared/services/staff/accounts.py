"""Staff accounts: create, list, edit, reset passwords, disable, enable and unlock (issue #9).

Every change is audited and published in the change feed (kind ``staff``). Changes made from
the console pass ``acting`` (the signed-in account) and the rules of who may do what are
checked here, against the database, not in the screens: only admins and managers change
accounts; a manager may not grant the admin role or change an admin's account (admins may);
nobody disables or demotes their own account. The CLI (IT at the machine) passes no ``acting``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import ROLES, Site, Staff, StaffRole
from shared.services.audit import audit
from shared.services.staff.passwords import (
    check_password,
    generate_password,
    hash_password,
)

#: Roles that may change staff accounts from the console.
ACCOUNT_ADMINS = ("admin", "manager")


@dataclass(frozen=True)
class StaffInfo:
    """An account as screens and the CLI see it (no hash).

    ``must_change_password``: the password was reset and is still the temporary one.
    """

    id: uuid.UUID
    username: str
    display_name: str
    roles: tuple[str, ...]
    site_code: str | None
    disabled: bool
    locked_until: datetime | None
    must_change_password: bool = False

    def locked_at(self, now: datetime) -> bool:
        """True while too many wrong passwords keep the account locked at ``now``."""
        return self.locked_until is not None and self.locked_until > now


def _info(staff: Staff, site_code: str | None) -> StaffInfo:
    return StaffInfo(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        roles=tuple(staff.roles),
        site_code=site_code,
        disabled=staff.disabled,
        locked_until=staff.locked_until,
        must_change_password=staff.must_change_password,
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


def _get(session: Session, username: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise NotFound(f"no such user: {username}", "找不到该用户。")
    return staff


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 60 or not clean.isprintable():
        raise ValidationError("a name is 1-60 printable characters", "请填写姓名（不超过60个字）。")
    return clean


def _site_id(session: Session, site: str | None) -> uuid.UUID | None:
    if not site:
        return None
    site_id = session.scalar(select(Site.id).where(Site.code == site))
    if site_id is None:
        raise NotFound(f"no such site: {site}", "找不到该站点。")
    return site_id


def _acting(session: Session, acting: StaffInfo | None) -> Staff | None:
    """The account acting from the console, re-read (its roles may have changed since login)."""
    if acting is None:
        return None
    me = session.get(Staff, acting.id)
    if me is None or me.disabled or not set(ACCOUNT_ADMINS) & set(me.roles):
        raise Conflict("only admins and managers change accounts", "您没有管理工作人员账号的权限。")
    return me


def grantable_roles(roles: Iterable[str]) -> tuple[str, ...]:
    """The roles someone holding ``roles`` may give from the console (all but admin for a
    manager, nothing for anyone else)."""
    held = set(roles)
    if "admin" in held:
        return ROLES
    if held & set(ACCOUNT_ADMINS):
        return tuple(r for r in ROLES if r != "admin")
    return ()


def _may_change(me: Staff | None, target: Staff | None, roles: Iterable[str] = ()) -> None:
    """A manager may not touch an admin's account nor grant the admin role (admins may)."""
    if me is None or "admin" in me.roles:
        return
    if target is not None and "admin" in target.roles:
        raise Conflict(
            "only an admin may change an admin's account",
            "只有系统管理员可以修改系统管理员的账号。",
        )
    if "admin" in roles:
        raise Conflict(
            "only an admin may grant the admin role", "只有系统管理员可以授予系统管理员角色。"
        )


def _changed(
    session: Session,
    action: str,
    staff: Staff,
    actor: str,
    me: Staff | None,
    detail: dict[str, Any],
) -> None:
    """Audit a change to ``staff`` and publish it in the change feed, in this transaction."""
    audit(
        session,
        action,
        actor=me.username if me is not None else actor,
        actor_id=me.id if me is not None else None,
        entity_kind="staff",
        entity_id=staff.id,
        detail=detail,
    )
    record_change(session, "staff", staff.id, "created" if action == "staff.created" else "updated")


def add_staff(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: list[str] | tuple[str, ...],
    site: str | None = None,
    actor: str = "system",
    acting: StaffInfo | None = None,
    temporary: bool = False,
) -> StaffInfo:
    """Create an account.

    Args:
        acting: who does it from the console (see the module notes); ``None`` from the CLI.
        temporary: the password is an initial one, to be replaced at the first login.
    """
    me = _acting(session, acting)
    username = username.strip()
    if not username or len(username) > 40 or not username.isprintable():
        raise ValidationError("username must be 1-40 printable characters", "用户名无效。")
    if session.scalar(select(Staff.id).where(Staff.username == username)):
        raise Conflict(f"user already exists: {username}", "该用户名已存在。")
    check_password(password)
    clean_roles = _check_roles(roles)
    _may_change(me, None, clean_roles)
    site_id = _site_id(session, site)
    staff = Staff(
        username=username,
        display_name=_check_name(display_name) if display_name.strip() else username,
        password_hash=hash_password(password),
        site_id=site_id,
        must_change_password=temporary,
        role_rows=[StaffRole(role=role) for role in clean_roles],
    )
    session.add(staff)
    session.flush()
    _changed(
        session, "staff.created", staff, actor, me, {"username": username, "roles": clean_roles}
    )
    return _info(staff, site or None)


def list_staff(session: Session) -> list[StaffInfo]:
    """Every account, by username."""
    sites: dict[uuid.UUID, str] = {
        row[0]: row[1] for row in session.execute(select(Site.id, Site.code))
    }
    rows = session.scalars(select(Staff).order_by(Staff.username))
    return [_info(s, sites.get(s.site_id) if s.site_id else None) for s in rows]


def set_password(session: Session, username: str, password: str, *, actor: str = "system") -> None:
    """Change a password (IT at the CLI); also lifts a lockout."""
    check_password(password)
    staff = _get(session, username)
    staff.password_hash = hash_password(password)
    staff.failed_logins = 0
    staff.locked_until = None
    _changed(session, "staff.password_changed", staff, actor, None, {"username": username})


def set_roles(
    session: Session,
    username: str,
    roles: list[str] | tuple[str, ...],
    *,
    actor: str = "system",
    acting: StaffInfo | None = None,
) -> StaffInfo:
    """Replace an account's roles; nobody removes a role from their own account."""
    me = _acting(session, acting)
    clean = _check_roles(roles)
    staff = _get(session, username)
    before = staff.roles
    _may_change(me, staff, clean)
    if me is not None and me.id == staff.id and set(before) - set(clean):
        raise Conflict("you cannot remove roles from your own account", "不能取消自己账号的角色。")
    staff.role_rows = [StaffRole(role=role) for role in clean]
    session.flush()
    detail = {"username": username, "before": before, "after": clean}
    _changed(session, "staff.roles_changed", staff, actor, me, detail)
    return _info(staff, _site_code(session, staff.site_id))


def update_staff(
    session: Session,
    username: str,
    *,
    display_name: str,
    site: str | None,
    actor: str = "system",
    acting: StaffInfo | None = None,
) -> StaffInfo:
    """Change an account's name and home site (``site=None``: every site)."""
    me = _acting(session, acting)
    staff = _get(session, username)
    _may_change(me, staff)
    before = {"name": staff.display_name, "site": _site_code(session, staff.site_id)}
    staff.display_name = _check_name(display_name)
    staff.site_id = _site_id(session, site)
    detail = {
        "username": username,
        "before": before,
        "after": {"name": staff.display_name, "site": site},
    }
    _changed(session, "staff.updated", staff, actor, me, detail)
    return _info(staff, site or None)


def set_disabled(
    session: Session,
    username: str,
    disabled: bool = True,
    *,
    actor: str = "system",
    acting: StaffInfo | None = None,
) -> None:
    """Disable (or re-enable) an account; nobody disables their own."""
    me = _acting(session, acting)
    staff = _get(session, username)
    _may_change(me, staff)
    if disabled and me is not None and me.id == staff.id:
        raise Conflict("you cannot disable your own account", "不能停用自己的账号。")
    staff.disabled = disabled
    action = "staff.disabled" if disabled else "staff.enabled"
    _changed(session, action, staff, actor, me, {"username": username})


def reset_password(
    session: Session,
    username: str,
    password: str | None = None,
    *,
    actor: str = "system",
    acting: StaffInfo | None = None,
) -> str:
    """Give an account a temporary password that must be changed at the next login.

    Args:
        password: the temporary password typed by the manager; ``None`` makes one up.

    Returns:
        The temporary password, to be shown once to the person resetting it (never stored
        in clear and never logged).
    """
    me = _acting(session, acting)
    temporary = password if password is not None else generate_password()
    check_password(temporary)
    staff = _get(session, username)
    _may_change(me, staff)
    staff.password_hash = hash_password(temporary)
    staff.must_change_password = True
    staff.failed_logins = 0
    staff.locked_until = None
    _changed(session, "staff.password_reset", staff, actor, me, {"username": username})
    return temporary


def unlock(
    session: Session, username: str, *, actor: str = "system", acting: StaffInfo | None = None
) -> StaffInfo:
    """Lift a lockout after too many failed logins (and forget the failed attempts)."""
    me = _acting(session, acting)
    staff = _get(session, username)
    _may_change(me, staff)
    staff.failed_logins = 0
    staff.locked_until = None
    _changed(session, "staff.unlocked", staff, actor, me, {"username": username})
    return _info(staff, _site_code(session, staff.site_id))
