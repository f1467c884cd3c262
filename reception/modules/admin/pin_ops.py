"""Background operations of the 自助机密码 page (issue #9): who has a kiosk PIN, set one,
lift a lockout.

The PIN is handled by :mod:`shared.services.kiosk_pin` (stored only as a salted hash, audited
with the signed-in staff member's name and id, never logged). These operations never return a
PIN or a hash: only whether one is set, and where it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.errors import ValidationError
from shared.services.kiosk_pin import (
    HALL,
    SITE,
    TERMINAL,
    PinSource,
    pin_sources,
    set_pin,
    unlock_pin,
)
from shared.services.staff import StaffInfo

Op = Callable[[Session], Any]

__all__ = [
    "HALL",
    "SITE",
    "TERMINAL",
    "PinRow",
    "PinTarget",
    "load_pins",
    "set_pin_op",
    "unlock_op",
]


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

    def locked_at(self, now: datetime) -> bool:
        """True while the pad stays locked at ``now``."""
        return self.locked_until is not None and self.locked_until > now


def load_pins(session: Session) -> list[PinRow]:
    """The hall, every site and every terminal, with where their PIN comes from.

    The service (:func:`~shared.services.kiosk_pin.pin_sources`) decides the source from what
    is stored; no hash ever reaches this side (issue #9).
    """
    return [
        PinRow(
            PinTarget(pin.kind, pin.code, _name(pin)),
            pin.site_name,
            pin.source,
            pin.failures,
            pin.locked_until,
        )
        for pin in pin_sources(session)
    ]


def _name(pin: PinSource) -> str:
    """A site by its name, a terminal by its code and where it stands."""
    return f"{pin.code} {pin.location}".strip() if pin.kind == TERMINAL else pin.site_name


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
            actor_id=acting.id,
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
            actor_id=acting.id,
        )

    return run
