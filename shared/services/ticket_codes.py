"""The signed QR code on a ticket: what it says, and how a desk tells a real one from a fake.

A payload reads ``SH1:<site>:<YYYYMMDD>:<number>:<signature>``, for example
``SH1:huarong:20261126:A001:K3QZ7M2XAB``. The signature is HMAC-SHA256 over everything before
it, keyed with a random per-installation secret kept in the settings table, truncated to ten
base32 characters (50 bits): far too many to guess at a desk, short enough for a small QR.

The payload is plain ASCII on purpose: QR decoders guess Shift-JIS for other bytes and garble
Chinese. It is deterministic — a reprint of the same ticket carries the same code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import ValidationError
from shared.rendering.ticket import TicketSlip, slip_from_view
from shared.services.settings import get_setting, set_setting
from shared.services.tickets import TicketView, allocate_ticket_in, describe_ticket
from shared.services.tickets.directory import recent_directory

VERSION = "SH1"
SECRET_KEY = "installation_secret"
SIGNATURE_CHARS = 10
SECRET_BYTES = 32

_SITE = r"[A-Za-z0-9_.-]{1,40}"
_NUMBER = r"[A-Z]{1,4}\d{3,6}"
_SIGNATURE = rf"[A-Z2-7]{{{SIGNATURE_CHARS}}}"
_PAYLOAD_RE = re.compile(
    rf"^{VERSION}:(?P<site>{_SITE}):(?P<day>\d{{8}}):(?P<number>{_NUMBER}):(?P<sig>{_SIGNATURE})$"
)
# Any fixed 64-bit number: the transaction-scoped PostgreSQL lock taken while the secret is
# created, so two terminals starting at once agree on one secret.
_PG_LOCK_ID = 0x5348_5345_4352_4554 & 0x7FFF_FFFF_FFFF_FFFF

INVALID_ZH = "号票二维码无效。"


@dataclass(frozen=True)
class VerifiedCode:
    """What a genuine ticket code names."""

    site: str
    business_date: date
    number: str


def installation_secret(session: Session) -> bytes:
    """The installation's 32-byte signing secret, created (and stored) on first use.

    The caller's transaction must be able to write the first time; on PostgreSQL an advisory
    transaction lock serialises two terminals creating it at once (on SQLite every write
    transaction already starts with ``BEGIN IMMEDIATE``).
    """
    stored = get_setting(session, SECRET_KEY)
    if stored is None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
            stored = get_setting(session, SECRET_KEY)
        if stored is None:
            stored = base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
            set_setting(session, SECRET_KEY, stored)
    return _decode(stored)


def _decode(stored: object) -> bytes:
    try:
        secret = base64.b64decode(str(stored), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("the stored installation secret is damaged") from exc
    if len(secret) < 16:
        raise ValidationError("the stored installation secret is too short")
    return secret


def stored_secret(session: Session) -> bytes | None:
    """The signing secret if one is stored (``None`` before the first slip); reads only.

    Taken from the allocator's directory snapshot (which holds it among its settings and
    reloads when a setting changes), so a slip read back right after an issue costs no query.
    """
    stored = recent_directory(session).settings.get((SECRET_KEY, None))
    if stored is None:
        stored = get_setting(session, SECRET_KEY)
    return None if stored is None else _decode(stored)


def _signature(body: str, secret: bytes) -> str:
    digest = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:SIGNATURE_CHARS]


def sign(body: str, secret: bytes) -> str:
    """The signature of an ASCII ``body`` as codes carry it (ten base32 characters).

    Shared by every signed code (tickets, tour slips): each code's body starts with its own
    version tag (``SH1:``, ``SHT1:``), so a signature never validates a code of another kind.
    """
    return _signature(body, secret)


def signature_matches(body: str, given: str, secret: bytes) -> bool:
    """True when ``given`` is the signature of ``body`` (constant-time comparison)."""
    return hmac.compare_digest(_signature(body, secret), given)


def payload_for(site: str, business_date: date, number: str, secret: bytes) -> str:
    """The signed payload for a ticket named by its site, business day and number."""
    body = f"{VERSION}:{site}:{business_date:%Y%m%d}:{number}"
    if not _PAYLOAD_RE.match(f"{body}:{'A' * SIGNATURE_CHARS}"):
        raise ValidationError(f"cannot encode a ticket code for {site} {number}")
    return f"{body}:{_signature(body, secret)}"


def ticket_payload(view: TicketView, secret: bytes) -> str:
    """The signed QR payload of a ticket (ASCII; the same on every reprint)."""
    return payload_for(view.site_code, view.business_date, view.number, secret)


def verify_payload(payload: str, secret: bytes) -> VerifiedCode:
    """Check a scanned code's signature and return what it names.

    Raises:
        ValidationError: the code is malformed, truncated, altered or signed with another
            secret (the message never says which, so it teaches a forger nothing).
    """
    match = _PAYLOAD_RE.match(payload.strip()) if payload.isascii() else None
    if match is None:
        raise ValidationError("invalid ticket code", INVALID_ZH)
    body, _, given = payload.strip().rpartition(":")
    if not hmac.compare_digest(_signature(body, secret), given):
        raise ValidationError("invalid ticket code", INVALID_ZH)
    day = match["day"]
    try:
        business_date = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError as exc:  # signed by us, so this cannot happen short of a key leak
        raise ValidationError("invalid ticket code", INVALID_ZH) from exc
    return VerifiedCode(site=match["site"], business_date=business_date, number=match["number"])


def ticket_slip(session: Session, view: TicketView, hall_name: str | None = None) -> TicketSlip:
    """The printable slip of a ticket, with its signed QR code."""
    return slip_from_view(view, hall_name, ticket_payload(view, installation_secret(session)))


def describe_with_slip(
    factory: sessionmaker[Session],
    read_factory: sessionmaker[Session],
    ticket_id: uuid.UUID,
    now: datetime | None = None,
    hall_name: str | None = None,
) -> tuple[TicketView, TicketSlip]:
    """A committed ticket's view and slip, read in a read transaction.

    Only the installation's very first slip writes (the signing secret), in a short write
    transaction of its own.
    """
    with read_factory() as session:
        view = describe_ticket(session, ticket_id, now)
        secret = stored_secret(session)
    if secret is None:
        with factory.begin() as session:
            secret = installation_secret(session)
    return view, slip_from_view(view, hall_name, ticket_payload(view, secret))


def issue_with_slip_in(
    factory: sessionmaker[Session], read_factory: sessionmaker[Session], **kwargs: Any
) -> tuple[TicketView, TicketSlip]:
    """:func:`~shared.services.tickets.issue_ticket_in` with the ticket's slip.

    Takes :func:`~shared.services.tickets.plan_ticket`'s keywords: plan (read), allocate
    (write), then the view and the slip after commit (read).
    """
    ticket_id, now = allocate_ticket_in(factory, read_factory, **kwargs)
    return describe_with_slip(factory, read_factory, ticket_id, now)
