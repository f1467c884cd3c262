"""The kiosk admin PIN (issue #9): set it, check it, lock the pad after wrong guesses.

The PIN that lets staff leave a kiosk is stored only as a salted scrypt hash (the staff
password helpers), hall-wide or per site in the setting ``kiosk_pin_hash``, or per terminal in
``Terminal.pin_hash``, which wins over the site's. There is no default: with no PIN set, no
PIN opens the kiosk and the pad tells IT how to set one.

Five wrong PINs lock the pad for five minutes (a :class:`~shared.models.PinLock` row for the
terminal, or the site when the kiosk is not a registered terminal). Every success, failure,
lock and unlock is audited (with the staff member's ``actor_id`` when the console acts); the
PIN itself never reaches a log or an audit entry.

Every change people can see on the console's 自助机密码 page — a PIN set, a wrong PIN
counted, a pad locked, a count or lock cleared — is published in the change feed as kind
:data:`CHANGE_KIND` with the scope (``hall``, ``site:CODE``, ``terminal:CODE``) as its id, so
the page follows kiosks elsewhere without a manual refresh (issue #9).
:func:`pin_sources` tells that page where each PIN in force comes from, never the hash.
"""

from __future__ import annotations

import itertools
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import NotFound, ValidationError
from shared.models import PinLock, Setting, Site, Terminal
from shared.services.audit import SYSTEM_ACTOR, audit
from shared.services.settings import default_site, get_setting, set_setting, site_by_code
from shared.services.staff import hash_password, verify_password

SETTING_KEY = "kiosk_pin_hash"
MIN_DIGITS, MAX_DIGITS = 6, 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)

OK, WRONG, LOCKED, NOT_SET = "ok", "wrong", "locked", "not_set"
#: The change-feed kind of PIN and lock changes (the id is the scope).
CHANGE_KIND = "kiosk_pin"
#: What a PIN is set for (:attr:`PinSource.kind`).
HALL, SITE, TERMINAL = "hall", "site", "terminal"
#: Where the PIN in force comes from (:attr:`PinSource.source`).
OWN, FROM_SITE, FROM_HALL, NONE = "own", "site", "hall", "none"
HOW_TO_SET_EN = "set one with 'hall kiosk set-pin' or in the console's 管理 → 自助机密码"


@dataclass(frozen=True)
class PinCheck:
    """The answer to one PIN attempt (plain data for the kiosk's pad).

    Attributes:
        status: ``ok``, ``wrong``, ``locked`` or ``not_set``.
        attempts_left: wrong answers left before the lock (``wrong`` only).
        locked_until: when the pad opens again (``locked`` only).
        scope: what the count is kept for (``terminal:CODE`` or ``site:CODE``).
    """

    status: str
    scope: str
    attempts_left: int | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the PIN was right."""
        return self.status == OK


@dataclass(frozen=True)
class _Target:
    """What a PIN or its lock belongs to, for the lock row and the audit entry."""

    scope: str
    entity_kind: str
    entity_id: uuid.UUID | str
    site_id: uuid.UUID | None

    def audit(
        self,
        session: Session,
        action: str,
        *,
        actor: str = SYSTEM_ACTOR,
        actor_id: uuid.UUID | None = None,
        now: datetime | None = None,
        **detail: object,
    ) -> None:
        """An audit entry naming the scope (never the PIN)."""
        audit(
            session,
            action,
            actor=actor,
            actor_id=actor_id,
            entity_kind=self.entity_kind,
            entity_id=self.entity_id,
            site_id=self.site_id,
            detail={"scope": self.scope, **detail},
            now=now,
        )

    def publish(self, session: Session, action: str, now: datetime | None = None) -> None:
        """Publish a change of this scope's PIN or lock (kind :data:`CHANGE_KIND`)."""
        record_change(session, CHANGE_KIND, self.scope, action, site_id=self.site_id, now=now)


def check_pin_strength(pin: str) -> None:
    """Refuse a PIN that is not 6–12 digits or is trivial to guess.

    Trivial: one digit repeated (000000), a run up or down (123456, 987654, 890123), or a short
    group repeated (121212, 123123).

    Raises:
        ValidationError: the reason, in English and Chinese (the PIN is never repeated back).
    """
    if not re.fullmatch(rf"[0-9]{{{MIN_DIGITS},{MAX_DIGITS}}}", pin or ""):
        raise ValidationError(
            f"the PIN must be {MIN_DIGITS} to {MAX_DIGITS} digits",
            f"密码应为 {MIN_DIGITS} 至 {MAX_DIGITS} 位数字。",
        )
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    repeated = any(
        len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size)
        for size in range(1, len(pin) // 2 + 1)
    )
    if steps in ({0}, {1}, {9}) or repeated:
        raise ValidationError(
            "the PIN is too easy to guess (repeated or consecutive digits)",
            "密码过于简单（重复或连续的数字），请换一个。",
        )


def _terminal(session: Session, code: str | None) -> Terminal | None:
    if not code:
        return None
    return session.scalar(select(Terminal).where(Terminal.code == code))


def _site_for(session: Session, site: str | None, terminal: Terminal | None) -> Site:
    if terminal is not None:
        return session.get_one(Site, terminal.site_id)
    return site_by_code(session, site) if site else default_site(session)


def set_pin(
    session: Session,
    *,
    site: str | None = None,
    terminal: str | None = None,
    pin: str,
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
) -> str:
    """Store a new kiosk PIN's hash: for one terminal, one site, or (neither) the whole hall.

    Audited with ``actor``/``actor_id`` and published as a :data:`CHANGE_KIND` change
    (action ``set``) besides the terminal's or the setting's own change.

    Returns:
        What it was set for: ``terminal:CODE``, ``site:CODE`` or ``hall``.

    Raises:
        ValidationError: both a site and a terminal, or a PIN refused by
            :func:`check_pin_strength`.
        NotFound: no such site or terminal.
    """
    if site and terminal:
        raise ValidationError("give a site or a terminal, not both", "请只选择站点或终端之一。")
    check_pin_strength(pin)
    hashed = hash_password(pin)
    if terminal:
        row = _terminal(session, terminal)
        if row is None:
            raise NotFound(f"no such terminal: {terminal}", "找不到该终端。")
        row.pin_hash = hashed
        target = _Target(f"terminal:{row.code}", "terminal", row.id, row.site_id)
        record_change(session, "terminal", row.id, site_id=row.site_id)
    elif site:
        the_site = site_by_code(session, site)
        set_setting(session, SETTING_KEY, hashed, the_site.id)
        target = _Target(f"site:{the_site.code}", "site", the_site.id, the_site.id)
    else:
        set_setting(session, SETTING_KEY, hashed, None)
        target = _Target("hall", "hall", "", None)
    target.audit(session, "kiosk_pin.set", actor=actor, actor_id=actor_id)
    target.publish(session, "set")
    return target.scope


def _stored_hash(session: Session, site: Site, terminal: Terminal | None) -> str | None:
    if terminal is not None and terminal.pin_hash:
        return terminal.pin_hash
    value = get_setting(session, SETTING_KEY, site.id)
    return value if isinstance(value, str) and value else None


def pin_is_set(session: Session, *, site: str | None, terminal: str | None) -> bool:
    """True when some PIN (the terminal's, the site's or the hall's) would open this kiosk."""
    row = _terminal(session, terminal)
    return _stored_hash(session, _site_for(session, site, row), row) is not None


@dataclass(frozen=True)
class PinLockState:
    """A pad's wrong-PIN count and lock, for the console's 自助机密码 page.

    Attributes:
        scope: ``terminal:CODE`` or ``site:CODE``.
        failures: wrong PINs since the last success or unlock.
        locked_until: when a locked pad opens again; ``None`` when it is not locked (a lock
            that has run out counts as none).
    """

    scope: str
    failures: int
    locked_until: datetime | None


def lock_states(session: Session, now: datetime | None = None) -> dict[str, PinLockState]:
    """Every pad with wrong PINs counted or a lock in force, by scope (read-only)."""
    now = now or utcnow()
    states: dict[str, PinLockState] = {}
    for lock in session.scalars(select(PinLock)):
        until = lock.locked_until if lock.locked_until and lock.locked_until > now else None
        failures = 0 if lock.locked_until and until is None else lock.failures
        if failures or until:
            states[lock.scope] = PinLockState(lock.scope, failures, until)
    return states


@dataclass(frozen=True)
class PinSource:
    """Where the PIN that opens a kiosk comes from, and its pad's lock (never the hash).

    One for the hall, each site and each terminal, for the console's 自助机密码 page.

    Attributes:
        kind: ``hall``, ``site`` or ``terminal``.
        code: the site's or terminal's code (``None`` for the hall).
        site_code: the site (a terminal's own site; ``None`` for the hall).
        site_name: that site's name (``""`` for the hall).
        location: where a terminal stands (``""`` for the hall and sites).
        source: ``own`` (set for this very target), ``site`` or ``hall`` (inherited from the
            terminal's site or from the hall), ``none`` (no PIN opens its kiosks yet).
        failures: wrong PINs counted by its pad since the last success or unlock (0 for the
            hall, which has no pad of its own).
        locked_until: when its locked pad opens again; ``None`` when not locked now.
    """

    kind: str
    code: str | None
    site_code: str | None
    site_name: str
    location: str
    source: str
    failures: int
    locked_until: datetime | None

    @property
    def scope(self) -> str:
        """``hall``, ``site:CODE`` or ``terminal:CODE`` (as in :class:`PinCheck`)."""
        return HALL if self.kind == HALL else f"{self.kind}:{self.code}"


def pin_sources(session: Session, now: datetime | None = None) -> list[PinSource]:
    """The hall, every site and every terminal (active or not): where the PIN in force comes
    from and whether the pad is locked (read-only; issue #9).

    The source is read from what is stored — a terminal's own hash, a site's own setting row,
    the hall-wide row — so it follows the same order as :func:`verify_pin` (terminal, then
    site, then hall). Sites come in display order, terminals by site then code.
    """
    rows = session.execute(
        select(Setting.site_id, Setting.value).where(Setting.key == SETTING_KEY)
    ).all()
    own: set[uuid.UUID | None] = {site_id for site_id, value in rows if value}
    inherited = FROM_HALL if None in own else NONE
    locks = lock_states(session, now)

    def lock_of(scope: str) -> tuple[int, datetime | None]:
        state = locks.get(scope)
        return (state.failures, state.locked_until) if state else (0, None)

    sources = [PinSource(HALL, None, None, "", "", OWN if None in own else NONE, 0, None)]
    for site in session.scalars(select(Site).order_by(Site.sort_order, Site.code)):
        source = OWN if site.id in own else inherited
        sources.append(
            PinSource(
                SITE, site.code, site.code, site.name, "", source, *lock_of(f"site:{site.code}")
            )
        )
    terminals = session.execute(
        select(Terminal, Site)
        .join(Site, Site.id == Terminal.site_id)
        .order_by(Site.sort_order, Site.code, Terminal.code)
    ).all()
    for terminal, site in terminals:
        fallback = FROM_SITE if site.id in own else inherited
        source = OWN if terminal.pin_hash else fallback
        sources.append(
            PinSource(
                TERMINAL,
                terminal.code,
                site.code,
                site.name,
                terminal.location,
                source,
                *lock_of(f"terminal:{terminal.code}"),
            )
        )
    return sources


def _lock_row(session: Session, scope: str) -> PinLock:
    lock = session.scalar(select(PinLock).where(PinLock.scope == scope).with_for_update())
    if lock is None:
        lock = PinLock(scope=scope, failures=0, locked_until=None)
        session.add(lock)
        session.flush()
    return lock


def verify_pin(
    session: Session,
    *,
    site: str | None,
    terminal: str | None,
    pin: str,
    now: datetime | None = None,
) -> PinCheck:
    """Check a PIN typed on a kiosk's pad; counts wrong answers (a write transaction).

    A wrong PIN, a lock and a count cleared by the right PIN are published as
    :data:`CHANGE_KIND` changes (actions ``wrong``, ``locked``, ``cleared``), so the console's
    自助机密码 page shows them as they happen (issue #9).

    Args:
        site: the kiosk's site code (``None``: the first site); a registered terminal's own
            site wins.
        terminal: the kiosk's terminal code (its own PIN wins; its pad is locked on its own).
        pin: the digits typed.
        now: the current instant (tests drive the clock).
    """
    now = now or utcnow()
    row = _terminal(session, terminal)
    the_site = _site_for(session, site, row)
    if row is not None:
        target = _Target(f"terminal:{row.code}", "terminal", row.id, the_site.id)
    else:
        target = _Target(f"site:{the_site.code}", "site", the_site.id, the_site.id)
    scope = target.scope
    lock = _lock_row(session, scope)
    if lock.locked_until is not None:
        if now < lock.locked_until:
            target.audit(
                session, "kiosk_pin.refused_locked", now=now, until=lock.locked_until.isoformat()
            )
            return PinCheck(LOCKED, scope, locked_until=lock.locked_until)
        lock.locked_until, lock.failures = None, 0
    stored = _stored_hash(session, the_site, row)
    if stored is None:
        target.audit(session, "kiosk_pin.not_set", now=now)
        return PinCheck(NOT_SET, scope)
    if verify_password(pin, stored):
        if lock.failures:
            target.publish(session, "cleared", now)
        lock.failures = 0
        target.audit(session, "kiosk_pin.accepted", now=now)
        return PinCheck(OK, scope)
    lock.failures += 1
    target.audit(session, "kiosk_pin.wrong", now=now, failures=lock.failures)
    if lock.failures >= MAX_FAILURES:
        lock.locked_until = now + LOCKOUT
        target.audit(session, "kiosk_pin.locked", now=now, until=lock.locked_until.isoformat())
        target.publish(session, "locked", now)
        return PinCheck(LOCKED, scope, locked_until=lock.locked_until)
    target.publish(session, "wrong", now)
    return PinCheck(WRONG, scope, attempts_left=MAX_FAILURES - lock.failures)


def unlock_pin(
    session: Session,
    *,
    site: str | None = None,
    terminal: str | None = None,
    actor: str,
    actor_id: uuid.UUID | None = None,
) -> bool:
    """Clear the wrong-PIN count and lock of a terminal's pad or a site's.

    Audited with ``actor``/``actor_id``; a pad that had a count or a lock is published as a
    :data:`CHANGE_KIND` change (action ``unlocked``).

    Returns:
        True when the pad was locked.

    Raises:
        ValidationError: neither or both of ``site`` and ``terminal``.
        NotFound: no such site or terminal.
    """
    if bool(site) == bool(terminal):
        raise ValidationError("give a site or a terminal", "请选择站点或终端之一。")
    if terminal:
        row = _terminal(session, terminal)
        if row is None:
            raise NotFound(f"no such terminal: {terminal}", "找不到该终端。")
        target = _Target(f"terminal:{row.code}", "terminal", row.id, row.site_id)
    else:
        the_site = site_by_code(session, str(site))
        target = _Target(f"site:{the_site.code}", "site", the_site.id, the_site.id)
    lock = session.get(PinLock, target.scope)
    was_locked = lock is not None and lock.locked_until is not None
    if lock is not None and (lock.failures or lock.locked_until is not None):
        lock.failures, lock.locked_until = 0, None
        target.publish(session, "unlocked")
    target.audit(
        session, "kiosk_pin.unlocked", actor=actor, actor_id=actor_id, was_locked=was_locked
    )
    return was_locked
