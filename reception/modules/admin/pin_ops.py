"""Background operations of the 自助机密码 page (issue #9): who has a kiosk PIN, set one,
lift a lockout.

The PIN is handled by :mod:`shared.services.kiosk_pin` (stored only as a salted hash, audited
with the signed-in staff member, never logged). These operations never return a PIN or a
hash: only whether one is set, and where it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.errors import ValidationError
from shared.services.kiosk_pin import SETTING_KEY, lock_states, set_pin, unlock_pin
from shared.services.org import list_sites
from shared.services.settings import get_setting, site_by_code
from shared.services.staff import StaffInfo
from shared.services.terminals import list_terminals

Op = Callable[[Session], Any]

HALL, SITE, TERMINAL = "hall", "site", "terminal"
#: Where the PIN that opens a kiosk comes from.
OWN, FROM_SITE, FROM_HALL, NONE = "own", "site", "hall", "none"


@dataclass(frozen=True)
class PinTarget:
    """What a PIN is set for: the whole hall, one site, or one terminal."""

    kind: str
    code: str | None
    name: str


@dataclass(frozen=True)
class PinRow:
    """One line of the page: a target, where its PIN comes from, and its pad's lock state.

    Attributes:
        source: ``own`` (set here), ``site`` or ``hall`` (inherited), ``none`` (no PIN opens
            the kiosk yet).
        failures: wrong PINs counted since the last success (sites and terminals only).
        locked_until: when a locked pad opens again (``None`` when not locked now).
    """

    target: PinTarget
    site_name: str
    source: str
    failures: int
    locked_until: datetime | None


def _hash(session: Session, site_id: Any) -> str | None:
    value = get_setting(session, SETTING_KEY, site_id)
    return value if isinstance(value, str) and value else None


def load_pins(session: Session) -> list[PinRow]:
    """The hall, every site and every terminal, with where their PIN comes from."""
    hall = _hash(session, None)
    locks = lock_states(session)
    rows = [
        PinRow(PinTarget(HALL, None, ""), "", OWN if hall else NONE, 0, None),
    ]
    site_names: dict[str, str] = {}
    site_source: dict[str, str] = {}
    for site in list_sites(session):
        site_names[site.code] = site.name
        effective = _hash(session, site_by_code(session, site.code).id)
        source = OWN if effective and effective != hall else (FROM_HALL if hall else NONE)
        site_source[site.code] = source
        lock = locks.get(f"site:{site.code}")
        rows.append(
            PinRow(
                PinTarget(SITE, site.code, site.name),
                site.name,
                source,
                lock.failures if lock else 0,
                lock.locked_until if lock else None,
            )
        )
    for terminal in list_terminals(session):
        inherited = site_source.get(terminal.site_code, NONE)
        source = OWN if terminal.pin_set else (FROM_SITE if inherited == OWN else inherited)
        lock = locks.get(f"terminal:{terminal.code}")
        name = f"{terminal.code} {terminal.location}".strip()
        rows.append(
            PinRow(
                PinTarget(TERMINAL, terminal.code, name),
                site_names.get(terminal.site_code, terminal.site_code),
                source,
                lock.failures if lock else 0,
                lock.locked_until if lock else None,
            )
        )
    return rows


def set_pin_op(acting: StaffInfo, target: PinTarget, pin: str, again: str) -> Op:
    """Set the PIN of ``target`` once typed the same twice; the service checks its strength."""

    def run(session: Session) -> str:
        if pin != again:
            raise ValidationError("the two PINs differ", "两次输入的密码不一致，请重新输入。")
        return set_pin(
            session,
            site=target.code if target.kind == SITE else None,
            terminal=target.code if target.kind == TERMINAL else None,
            pin=pin,
            actor=acting.username,
        )

    return run


def unlock_op(acting: StaffInfo, target: PinTarget) -> Op:
    """Clear the wrong-PIN count and lock of a site's or a terminal's pad."""

    def run(session: Session) -> bool:
        return unlock_pin(
            session,
            site=target.code if target.kind == SITE else None,
            terminal=target.code if target.kind == TERMINAL else None,
            actor=acting.username,
        )

    return run
