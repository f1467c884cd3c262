"""Staff accounts: hashing, roles, lockout after five failures, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import AuditEntry, Staff
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
