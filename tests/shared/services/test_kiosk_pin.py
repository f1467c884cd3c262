"""The kiosk admin PIN (issue #9 item 4): hashed, per site or terminal, locked after 5 wrong.

Before, the PIN was a plain setting with the default ``000000`` printed in the README.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import changes_after, latest_revision
from shared.db import create_session_factory
from shared.errors import NotFound, ValidationError
from shared.models import AuditEntry, PinLock, Setting, Staff, Terminal
from shared.services import kiosk_pin
from shared.services.kiosk_pin import check_pin_strength, set_pin, unlock_pin, verify_pin

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
PIN = "482915"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _verify(
    factory: sessionmaker[Session], pin: str, now: datetime, terminal: str = "kiosk-01"
) -> kiosk_pin.PinCheck:
    with factory.begin() as session:
        return verify_pin(session, site="huarong", terminal=terminal, pin=pin, now=now)


@pytest.mark.parametrize(
    "pin", ["", "12345", "1234567890123", "12a456", "000000", "999999999", "123456", "654321",
            "890123", "121212", "123123", "4829 15"]
)  # fmt: skip
def test_weak_or_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_pin_strength(pin)
    assert caught.value.message_zh and (pin not in str(caught.value) or not pin)


def test_no_pin_set_opens_nothing_and_says_so(seeded_factory: sessionmaker[Session]) -> None:
    for pin in ("000000", "", PIN):
        result = _verify(seeded_factory, pin, NOW)
        assert result.status == kiosk_pin.NOT_SET and not result.ok
    with seeded_factory() as session:
        assert not kiosk_pin.pin_is_set(session, site="huarong", terminal="kiosk-01")
    assert "hall kiosk set-pin" in kiosk_pin.HOW_TO_SET_EN


def test_site_pin_then_terminal_pin_wins(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        assert set_pin(session, site="huarong", pin=PIN, actor="it") == "site:huarong"
    assert _verify(seeded_factory, PIN, NOW).ok
    assert _verify(seeded_factory, PIN, NOW, terminal="kiosk-02").ok
    with seeded_factory.begin() as session:
        set_pin(session, terminal="kiosk-01", pin="735190", actor="it")
    assert not _verify(seeded_factory, PIN, NOW).ok
    assert _verify(seeded_factory, "735190", NOW).ok
    assert _verify(seeded_factory, PIN, NOW, terminal="kiosk-02").ok
    # Another site has no PIN of its own and no hall-wide one.
    with seeded_factory.begin() as session:
        other = verify_pin(session, site="wuhan-new-city", terminal=None, pin=PIN, now=NOW)
        assert other.status == kiosk_pin.NOT_SET
        assert set_pin(session, pin="305718", actor="it") == "hall"
        assert verify_pin(session, site="wuhan-new-city", terminal=None, pin="305718").ok
        with pytest.raises(ValidationError):
            set_pin(session, site="huarong", terminal="kiosk-01", pin=PIN, actor="it")
        with pytest.raises(NotFound):
            set_pin(session, terminal="kiosk-99", pin=PIN, actor="it")


def test_five_wrong_pins_lock_for_five_minutes(seeded_factory: sessionmaker[Session]) -> None:
    clock = FakeClock()
    with seeded_factory.begin() as session:
        set_pin(session, site="huarong", pin=PIN, actor="it")
    for left in (4, 3, 2, 1):
        result = _verify(seeded_factory, "111222", clock())
        assert (result.status, result.attempts_left) == (kiosk_pin.WRONG, left)
        clock.advance(seconds=10)
    locked = _verify(seeded_factory, "111222", clock())
    assert locked.status == kiosk_pin.LOCKED
    assert locked.locked_until == clock() + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    assert _verify(seeded_factory, PIN, clock()).status == kiosk_pin.LOCKED  # even the right one
    # The other kiosk's pad is locked on its own count.
    assert _verify(seeded_factory, PIN, clock(), terminal="kiosk-02").ok
    clock.advance(seconds=1)
    assert _verify(seeded_factory, PIN, clock()).ok
    assert _verify(seeded_factory, "111222", clock()).attempts_left == 4  # the count restarted
    with seeded_factory() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("kiosk_pin.%"))
            .order_by(AuditEntry.at)
        ).all()
        details = json.dumps(
            session.scalars(
                select(AuditEntry.detail).where(AuditEntry.action.like("kiosk_pin.%"))
            ).all()
        )
    assert actions.count("kiosk_pin.wrong") == 6 and actions.count("kiosk_pin.locked") == 1
    assert "kiosk_pin.refused_locked" in actions and actions.count("kiosk_pin.accepted") == 2
    assert PIN not in details and "111222" not in details


def test_unlock_clears_the_lock_and_is_audited(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        set_pin(session, site="huarong", pin=PIN, actor="it")
    for _ in range(5):
        _verify(seeded_factory, "111222", NOW)
    assert _verify(seeded_factory, PIN, NOW).status == kiosk_pin.LOCKED
    with seeded_factory.begin() as session:
        assert unlock_pin(session, terminal="kiosk-01", actor="it") is True
        assert unlock_pin(session, terminal="kiosk-01", actor="it") is False
        with pytest.raises(ValidationError):
            unlock_pin(session, actor="it")
    assert _verify(seeded_factory, PIN, NOW).ok
    with seeded_factory() as session:
        lock = session.get(PinLock, "terminal:kiosk-01")
        assert lock is not None and lock.failures == 0 and lock.locked_until is None
        unlocked = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "kiosk_pin.unlocked")
        ).all()
        assert [e.detail["was_locked"] for e in unlocked] == [True, False]


def test_the_pin_is_stored_only_as_a_hash(seeded_sqlite_url: str) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    try:
        with factory.begin() as session:
            set_pin(session, site="huarong", pin="50718263", actor="it")
            set_pin(session, terminal="kiosk-02", pin="93817264", actor="it")
        with factory() as session:
            stored = session.scalar(select(Setting.value).where(Setting.key == "kiosk_pin_hash"))
            own = session.scalar(select(Terminal.pin_hash).where(Terminal.code == "kiosk-02"))
        assert str(stored).startswith("scrypt$") and str(own).startswith("scrypt$")
    finally:
        factory.kw["bind"].dispose()  # checkpoints the WAL into the file
    path = Path(seeded_sqlite_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"kiosk_pin_hash" in data  # the row is there …
    for pin in ("50718263", "93817264"):  # … the PIN is not, in any encoding
        assert pin.encode() not in data and pin.encode("utf-16-le") not in data


def test_lock_states_for_the_console(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        set_pin(session, site="huarong", pin=PIN, actor="it")
    _verify(seeded_factory, "111222", NOW, terminal="kiosk-02")
    for _ in range(5):
        _verify(seeded_factory, "111222", NOW)
    with seeded_factory() as session:
        states = kiosk_pin.lock_states(session, NOW)
        later = kiosk_pin.lock_states(session, NOW + timedelta(minutes=5))
    assert states["terminal:kiosk-02"].failures == 1
    assert states["terminal:kiosk-02"].locked_until is None
    assert states["terminal:kiosk-01"].locked_until == NOW + timedelta(minutes=5)
    assert "terminal:kiosk-01" not in later  # a lock that ran out is no lock


def _staff_id(factory: sessionmaker[Session], username: str = "admin") -> uuid.UUID:
    with factory() as session:
        staff_id = session.scalar(select(Staff.id).where(Staff.username == username))
        assert staff_id is not None
        return staff_id


def test_set_and_unlock_audit_the_staff_member_s_id(
    seeded_factory: sessionmaker[Session],
) -> None:
    """Issue #9: the console's IT staff is recorded by id as well as by name."""
    admin = _staff_id(seeded_factory)
    with seeded_factory.begin() as session:
        set_pin(session, pin=PIN, actor="admin", actor_id=admin)
        set_pin(session, site="huarong", pin=PIN, actor="admin", actor_id=admin)
        set_pin(session, terminal="kiosk-01", pin=PIN, actor="admin", actor_id=admin)
    for _ in range(5):
        _verify(seeded_factory, "111222", NOW)
    with seeded_factory.begin() as session:
        assert unlock_pin(session, terminal="kiosk-01", actor="admin", actor_id=admin)
        unlock_pin(session, site="huarong", actor="admin", actor_id=admin)
    with seeded_factory() as session:
        people = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.actor_id).where(
                AuditEntry.action.in_(["kiosk_pin.set", "kiosk_pin.unlocked"])
            )
        ).all()
        kiosk = session.execute(
            select(AuditEntry.actor, AuditEntry.actor_id).where(
                AuditEntry.action.in_(["kiosk_pin.wrong", "kiosk_pin.locked"])
            )
        ).all()
    assert len(people) == 5
    assert {(actor, actor_id) for _, actor, actor_id in people} == {("admin", admin)}
    assert set(kiosk) == {("system", None)}  # typed on the kiosk: nobody signed in


def _pin_changes(factory: sessionmaker[Session], after: int = 0) -> list[tuple[str, str]]:
    with factory() as session:
        return [
            (c.entity_id, c.action)
            for c in changes_after(session, after)
            if c.kind == kiosk_pin.CHANGE_KIND
        ]


def _revision(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return latest_revision(session)


def test_pin_and_lock_changes_are_published_in_the_feed(
    seeded_factory: sessionmaker[Session],
) -> None:
    """Issue #9: the 自助机密码 page follows lockouts and unlocks through the change feed."""
    with seeded_factory.begin() as session:
        set_pin(session, pin="305718", actor="it")
        set_pin(session, site="huarong", pin=PIN, actor="it")
        set_pin(session, terminal="kiosk-02", pin="735190", actor="it")
    assert _pin_changes(seeded_factory) == [
        ("hall", "set"),
        ("site:huarong", "set"),
        ("terminal:kiosk-02", "set"),
    ]
    start = _revision(seeded_factory)
    for _ in range(5):
        _verify(seeded_factory, "111222", NOW)
    assert _verify(seeded_factory, PIN, NOW).status == kiosk_pin.LOCKED
    assert _pin_changes(seeded_factory, start) == [("terminal:kiosk-01", "wrong")] * 4 + [
        ("terminal:kiosk-01", "locked")
    ]  # a refusal while locked changes nothing

    start = _revision(seeded_factory)
    with seeded_factory.begin() as session:
        assert unlock_pin(session, terminal="kiosk-01", actor="it") is True
        assert unlock_pin(session, terminal="kiosk-01", actor="it") is False
    assert _pin_changes(seeded_factory, start) == [("terminal:kiosk-01", "unlocked")]

    start = _revision(seeded_factory)
    _verify(seeded_factory, "111222", NOW, terminal="kiosk-02")
    assert _verify(seeded_factory, "735190", NOW, terminal="kiosk-02").ok
    assert _verify(seeded_factory, "735190", NOW, terminal="kiosk-02").ok
    assert _pin_changes(seeded_factory, start) == [
        ("terminal:kiosk-02", "wrong"),
        ("terminal:kiosk-02", "cleared"),
    ]  # the second success had nothing to clear
    with seeded_factory() as session:
        site_ids = {c.site_id for c in changes_after(session, 0) if c.kind == kiosk_pin.CHANGE_KIND}
    assert len(site_ids - {None}) == 1  # site and terminal changes name the huarong site


def _sources(factory: sessionmaker[Session]) -> dict[str, kiosk_pin.PinSource]:
    with factory() as session:
        listed = kiosk_pin.pin_sources(session, NOW)
    assert listed[0].kind == kiosk_pin.HALL
    assert len({s.scope for s in listed}) == len(listed)
    return {s.scope: s for s in listed}


def test_pin_sources_say_where_each_pin_comes_from(
    seeded_factory: sessionmaker[Session],
) -> None:
    """Issue #9: the console asks the service where each PIN comes from, never for a hash."""
    sources = _sources(seeded_factory)
    assert {s.source for s in sources.values()} == {kiosk_pin.NONE}
    assert {"hall", "site:huarong", "site:wuhan-new-city", "terminal:kiosk-01"} <= set(sources)
    kiosk = sources["terminal:kiosk-01"]
    assert (kiosk.site_code, kiosk.site_name) == ("huarong", sources["site:huarong"].site_name)

    with seeded_factory.begin() as session:
        set_pin(session, pin="305718", actor="it")
    sources = _sources(seeded_factory)
    assert sources["hall"].source == kiosk_pin.OWN
    assert {s.source for k, s in sources.items() if k != "hall"} == {kiosk_pin.FROM_HALL}

    with seeded_factory.begin() as session:
        set_pin(session, site="huarong", pin=PIN, actor="it")
        set_pin(session, terminal="kiosk-02", pin="735190", actor="it")
    for _ in range(5):
        _verify(seeded_factory, "111222", NOW)
    _verify(seeded_factory, "111222", NOW, terminal="kiosk-02")
    sources = _sources(seeded_factory)
    assert sources["site:huarong"].source == kiosk_pin.OWN
    assert sources["site:wuhan-new-city"].source == kiosk_pin.FROM_HALL
    assert sources["terminal:kiosk-01"].source == kiosk_pin.FROM_SITE
    assert sources["terminal:kiosk-02"].source == kiosk_pin.OWN
    assert sources["terminal:kiosk-01"].failures == 5
    assert sources["terminal:kiosk-01"].locked_until == NOW + kiosk_pin.LOCKOUT
    assert (sources["terminal:kiosk-02"].failures, sources["terminal:kiosk-02"].locked_until) == (
        1,
        None,
    )
    assert (sources["site:huarong"].failures, sources["hall"].failures) == (0, 0)
    # The same order as verify_pin: the site's PIN opens kiosk-01, only its own opens kiosk-02.
    with seeded_factory.begin() as session:
        unlock_pin(session, terminal="kiosk-01", actor="it")
    assert _verify(seeded_factory, PIN, NOW).ok
    assert not _verify(seeded_factory, PIN, NOW, terminal="kiosk-02").ok
    assert "scrypt" not in repr(list(_sources(seeded_factory).values()))
    assert not any("hash" in f.name for f in dataclasses.fields(kiosk_pin.PinSource))
