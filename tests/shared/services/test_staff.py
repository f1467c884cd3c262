"""Staff accounts: hashing, roles, lockout after five failures, audit; editing, password
resets changed at the next login, unlocking, and who may change whom (issue #9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import AuthError, Conflict, NotFound, ValidationError
from shared.models import ROLES, AuditEntry, Change, Site, Staff
from shared.services import staff as svc

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def _login(factory: sessionmaker[Session], user: str, pw: str, now: datetime) -> svc.LoginOutcome:
    with factory.begin() as session:
        return svc.authenticate(session, user, pw, now=now)


def _add(factory: sessionmaker[Session], username: str = "clerk", **kw: object) -> None:
    with factory.begin() as session:
        svc.add_staff(
            session,
            username=username,
            display_name="张三",
            password="s3cret-pw",
            roles=kw.get("roles", ["window"]),
        )  # type: ignore[arg-type]


def test_password_hash_is_scrypt_and_salted() -> None:
    first, second = svc.hash_password("s3cret-pw"), svc.hash_password("s3cret-pw")
    assert first.startswith("scrypt$") and first != second
    assert svc.verify_password("s3cret-pw", first)
    assert not svc.verify_password("wrong-pw", first)
    assert not svc.verify_password("s3cret-pw", "garbage")


def test_login_succeeds_and_is_audited(factory: sessionmaker[Session]) -> None:
    _add(factory)
    outcome = _login(factory, "clerk", "s3cret-pw", T0)
    assert outcome.error is None and outcome.staff is not None
    assert outcome.staff.roles == ("window",)
    with factory() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)).all()
    assert "login.succeeded" in actions


def test_five_failures_lock_for_five_minutes(factory: sessionmaker[Session]) -> None:
    _add(factory)
    for attempt in range(4):
        outcome = _login(factory, "clerk", "nope", T0 + timedelta(seconds=attempt))
        assert outcome.error is not None and "wrong" in str(outcome.error)
    fifth = _login(factory, "clerk", "nope", T0 + timedelta(seconds=5))
    assert fifth.error is not None and "locked" in str(fifth.error)
    assert "锁定" in fifth.error.message_zh
    # Even the right password is refused while locked.
    locked = _login(factory, "clerk", "s3cret-pw", T0 + timedelta(minutes=4))
    assert locked.staff is None and locked.error is not None and "locked" in str(locked.error)
    after = _login(factory, "clerk", "s3cret-pw", T0 + timedelta(minutes=5, seconds=6))
    assert after.staff is not None
    with factory() as session:
        reasons = [e.detail.get("reason") for e in session.scalars(select(AuditEntry))]
    assert reasons.count("locked_out") == 1 and "locked" in reasons


def test_success_resets_the_failure_count(factory: sessionmaker[Session]) -> None:
    _add(factory)
    for n in range(4):
        _login(factory, "clerk", "nope", T0 + timedelta(seconds=n))
    assert _login(factory, "clerk", "s3cret-pw", T0 + timedelta(seconds=10)).staff
    for n in range(4):
        _login(factory, "clerk", "nope", T0 + timedelta(seconds=20 + n))
    assert _login(factory, "clerk", "s3cret-pw", T0 + timedelta(seconds=30)).staff


def test_disabled_and_unknown_accounts_are_refused(factory: sessionmaker[Session]) -> None:
    _add(factory)
    with factory.begin() as session:
        svc.set_disabled(session, "clerk")
    disabled = _login(factory, "clerk", "s3cret-pw", T0)
    assert disabled.staff is None and disabled.error is not None
    assert "停用" in disabled.error.message_zh
    unknown = _login(factory, "ghost", "whatever", T0)
    assert unknown.staff is None and unknown.error is not None


def test_role_changes_are_audited(factory: sessionmaker[Session]) -> None:
    _add(factory)
    with factory.begin() as session:
        info = svc.set_roles(session, "clerk", ["guide", "window"], actor="admin")
    assert info.roles == ("guide", "window")
    with factory() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.roles_changed"))
    assert entry is not None and entry.actor == "admin"
    assert entry.detail == {"username": "clerk", "before": ["window"], "after": ["guide", "window"]}


def test_bad_input_is_refused_and_nothing_written(factory: sessionmaker[Session]) -> None:
    _add(factory)
    with pytest.raises(Conflict), factory.begin() as session:
        svc.add_staff(
            session, username="clerk", display_name="x", password="long-enough", roles=["window"]
        )
    with pytest.raises(ValidationError), factory.begin() as session:
        svc.add_staff(session, username="b", display_name="x", password="short", roles=["window"])
    with pytest.raises(ValidationError), factory.begin() as session:
        svc.add_staff(
            session, username="c", display_name="x", password="long-enough", roles=["pilot"]
        )
    with pytest.raises(NotFound), factory.begin() as session:
        svc.set_password(session, "nobody", "long-enough")
    with factory() as session:
        assert session.scalars(select(Staff.username)).all() == ["clerk"]


def test_password_change_unlocks(factory: sessionmaker[Session]) -> None:
    _add(factory)
    for n in range(5):
        _login(factory, "clerk", "nope", T0 + timedelta(seconds=n))
    with factory.begin() as session:
        svc.set_password(session, "clerk", "another-pw")
    assert _login(factory, "clerk", "another-pw", T0 + timedelta(seconds=10)).staff


def _acting(factory: sessionmaker[Session], username: str, roles: list[str]) -> svc.StaffInfo:
    with factory.begin() as session:
        return svc.add_staff(
            session, username=username, display_name=username, password="s3cret-pw", roles=roles
        )


def test_reset_password_must_be_changed_at_the_next_login(
    factory: sessionmaker[Session],
) -> None:
    _add(factory)
    for n in range(5):
        _login(factory, "clerk", "nope", T0 + timedelta(seconds=n))
    boss = _acting(factory, "boss", ["manager"])
    with factory.begin() as session:
        temporary = svc.reset_password(session, "clerk", acting=boss)
    assert len(temporary) == 10 and set(temporary) <= set(svc.PASSWORD_ALPHABET)
    outcome = _login(factory, "clerk", temporary, T0 + timedelta(seconds=10))
    assert outcome.staff is not None and outcome.must_change_password  # the lock went too
    assert outcome.staff.must_change_password

    with pytest.raises(AuthError), factory.begin() as session:
        svc.change_own_password(session, "clerk", "not-the-temporary", "brand-new-pw")
    with pytest.raises(ValidationError, match="at least"), factory.begin() as session:
        svc.change_own_password(session, "clerk", temporary, "short")
    with pytest.raises(ValidationError, match="differ"), factory.begin() as session:
        svc.change_own_password(session, "clerk", temporary, temporary)
    with factory.begin() as session:
        info = svc.change_own_password(session, "clerk", temporary, "brand-new-pw")
    assert not info.must_change_password
    after = _login(factory, "clerk", "brand-new-pw", T0 + timedelta(seconds=20))
    assert after.staff is not None and not after.must_change_password

    with factory.begin() as session:
        typed = svc.reset_password(session, "clerk", "typed-temp-1", acting=boss)
    assert typed == "typed-temp-1"
    with factory() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staff.password_reset")
        ).all()
    assert [(e.actor, e.detail) for e in entries] == [("boss", {"username": "clerk"})] * 2
    assert all("temp" not in str(e.detail) for e in entries)  # never the password itself


def test_edit_and_unlock_are_audited_and_published(factory: sessionmaker[Session]) -> None:
    _add(factory)
    with factory.begin() as session:
        session.add(Site(code="east", name="东区", kind="township"))
    boss = _acting(factory, "boss", ["manager"])
    with factory() as session:
        before = session.scalar(select(Change.revision).order_by(Change.revision.desc()).limit(1))
    with factory.begin() as session:
        info = svc.update_staff(session, "clerk", display_name=" 李四 ", site="east", acting=boss)
    assert (info.display_name, info.site_code) == ("李四", "east")
    with pytest.raises(NotFound), factory.begin() as session:
        svc.update_staff(session, "clerk", display_name="李四", site="nowhere", acting=boss)
    with pytest.raises(ValidationError), factory.begin() as session:
        svc.update_staff(session, "clerk", display_name="  ", site=None, acting=boss)
    for n in range(5):
        _login(factory, "clerk", "nope", T0 + timedelta(seconds=n))
    with factory.begin() as session:
        assert svc.unlock(session, "clerk", acting=boss).locked_until is None
    assert _login(factory, "clerk", "s3cret-pw", T0 + timedelta(seconds=10)).staff
    with factory() as session:
        kinds = session.scalars(select(Change.kind).where(Change.revision > (before or 0))).all()
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "boss")).all()
    assert kinds == ["staff", "staff"]
    assert actions == ["staff.updated", "staff.unlocked"]


def test_who_may_change_whom(factory: sessionmaker[Session]) -> None:
    _add(factory)
    admin = _acting(factory, "it", ["admin"])
    boss = _acting(factory, "boss", ["manager"])
    clerk = _acting(factory, "clerk2", ["window"])
    assert svc.grantable_roles(["manager"]) == tuple(r for r in ROLES if r != "admin")
    assert svc.grantable_roles(["window"]) == ()

    refusals = [
        (
            lambda s: svc.set_disabled(s, "it", acting=boss),
            "只有系统管理员可以修改系统管理员的账号。",
        ),
        (
            lambda s: svc.reset_password(s, "it", acting=boss),
            "只有系统管理员可以修改系统管理员的账号。",
        ),
        (
            lambda s: svc.set_roles(s, "clerk", ["admin"], acting=boss),
            "只有系统管理员可以授予系统管理员角色。",
        ),
        (
            lambda s: svc.add_staff(
                s,
                username="x",
                display_name="x",
                password="s3cret-pw",
                roles=["admin"],
                acting=boss,
            ),
            "只有系统管理员可以授予系统管理员角色。",
        ),
        (lambda s: svc.set_disabled(s, "boss", acting=boss), "不能停用自己的账号。"),
        (lambda s: svc.set_disabled(s, "it", acting=admin), "不能停用自己的账号。"),
        (lambda s: svc.set_roles(s, "it", ["guide"], acting=admin), "不能取消自己账号的角色。"),
        (lambda s: svc.unlock(s, "clerk", acting=clerk), "您没有管理工作人员账号的权限。"),
    ]
    for change, reason in refusals:
        with pytest.raises(Conflict) as refused, factory.begin() as session:
            change(session)
        assert refused.value.message_zh == reason

    # Admins may: grant admin, change an admin's account; anyone may add a role to themself.
    with factory.begin() as session:
        assert svc.set_roles(session, "boss", ["admin", "manager"], acting=admin).roles == (
            "admin",
            "manager",
        )
        svc.set_roles(session, "it", ["admin", "guide"], acting=admin)
        svc.set_disabled(session, "it", acting=boss)  # boss is an admin now
    with factory() as session:
        it = session.scalar(select(Staff).where(Staff.username == "it"))
        assert it is not None and it.disabled and it.roles == ["admin", "guide"]
