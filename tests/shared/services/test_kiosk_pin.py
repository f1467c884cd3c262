"""The kiosk admin PIN (issue #9 item 4): hashed, per site or terminal, locked after 5 wrong.

Before, the PIN was a plain setting with the default ``000000`` printed in the README.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.db import create_session_factory
from shared.errors import NotFound, ValidationError
from shared.models import AuditEntry, PinLock, Setting, Terminal
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
