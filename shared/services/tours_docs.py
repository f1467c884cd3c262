"""What a tour puts on paper: the signed check-in code, the confirmation slip, the ledger.

A slip's QR payload reads ``SHT1:<first 12 hex digits of the tour id>:<YYYYMMDD>:<signature>``,
for example ``SHT1:3f2a9c0d1e2b:20261126:K3QZ7M2XAB``. It is signed with the installation
secret and the signing helper of the ticket codes (``shared.services.ticket_codes``): one key,
one scheme, and the ``SHT1:`` tag keeps a ticket's signature from ever validating a tour code.
The date binds the code to the booked day: a slip printed before the tour was moved to
another day no longer checks in. ASCII only, because decoders garble anything else.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from sqlalchemy.orm import Session

from shared.errors import NotFound, ValidationError
from shared.rendering.ledger import LedgerRow
from shared.rendering.tour_slip import TourSlip
from shared.services.staff import StaffInfo
from shared.services.ticket_codes import installation_secret, sign, signature_matches
from shared.services.tours import mark_arrived
from shared.services.tours_views import FEEDBACK_ZH, TourView, find_tour, list_tours, tour_view

VERSION = "SHT1"
SHORT_ID_CHARS = 12
_PAYLOAD_RE = re.compile(
    rf"^{VERSION}:(?P<id>[0-9a-f]{{{SHORT_ID_CHARS}}}):(?P<day>\d{{8}}):(?P<sig>[A-Z2-7]{{10}})$"
)
INVALID_ZH = "接待确认单二维码无效。"


def tour_payload(tour_id: uuid.UUID, day: dt.date, secret: bytes) -> str:
    """The signed check-in code of a tour booked for ``day`` (hall-local)."""
    body = f"{VERSION}:{tour_id.hex[:SHORT_ID_CHARS]}:{day:%Y%m%d}"
    return f"{body}:{sign(body, secret)}"


def verify_tour_code(session: Session, payload: str) -> TourView:
    """The tour a scanned slip names, after checking its signature.

    Raises:
        ValidationError: the code is malformed, altered or signed with another key (the
            message never says which).
        NotFound: a genuine code whose tour is gone.
        ValidationError: a genuine code for a day the tour is no longer booked on.
    """
    cleaned = payload.strip()
    match = _PAYLOAD_RE.match(cleaned) if cleaned.isascii() else None
    if match is None:
        raise ValidationError("invalid tour code", INVALID_ZH)
    body, _, given = cleaned.rpartition(":")
    if not signature_matches(body, given, installation_secret(session)):
        raise ValidationError("invalid tour code", INVALID_ZH)
    try:
        tour = find_tour(session, match["id"])
    except NotFound:
        raise NotFound(
            "genuine tour code, but the tour no longer exists", "找不到该接待记录。"
        ) from None
    view = tour_view(session, tour)
    if f"{view.date:%Y%m%d}" != match["day"]:
        raise ValidationError(
            f"this slip is out of date: the tour is now booked for {view.date}",
            f"确认单已过期：该接待已改为 {view.date}，请重新打印。",
        )
    return view


def check_in(
    session: Session,
    payload: str,
    *,
    actor: StaffInfo | str | None = None,
    now: dt.datetime | None = None,
) -> TourView:
    """Check a group in by its scanned slip: verify the code, then mark the tour arrived.

    Raises:
        ValidationError: a forged, altered or stale code.
        Conflict: the tour is cancelled, already run, or booked for another day.
    """
    view = verify_tour_code(session, payload)
    return mark_arrived(session, view.id, actor=actor, now=now)


def slip_from_view(
    view: TourView, qr_payload: str | None, hall_name: str | None = None
) -> TourSlip:
    """The printable slip of a tour as a service returned it."""
    return TourSlip(
        hall_name=hall_name or view.site_name,
        group_name=view.group_name,
        organisation=view.organisation,
        date=view.date,
        start=view.local_start.time(),
        end=view.local_end.time(),
        extended=view.extended,
        route_name=view.route_name,
        segments=tuple(
            (
                name,
                f"{a.astimezone(view.local_start.tzinfo):%H:%M}-"
                f"{b.astimezone(view.local_start.tzinfo):%H:%M}",
            )
            for _code, name, a, b in view.segments
        ),
        docents=view.docent_names,
        level=view.level,
        letter_ref=view.letter_ref,
        visitors=view.expected_visitors,
        ref=view.short_id,
        contact=view.contact_name or "",
        qr_payload=qr_payload,
    )


def tour_slip(session: Session, tour: uuid.UUID | str, hall_name: str | None = None) -> TourSlip:
    """The slip of a tour, with its signed code (write transaction: the secret may be made)."""
    view = tour_view(session, find_tour(session, tour))
    payload = tour_payload(view.id, view.date, installation_secret(session))
    return slip_from_view(view, payload, hall_name)


def _time_cell(view: TourView) -> str:
    text = f"{view.local_start:%H:%M}–{view.local_end:%H:%M}"
    if view.extended:
        text += "（延时）"
    if view.actual_start and view.actual_end:
        tz = view.local_start.tzinfo
        text += (
            f"\n实际 {view.actual_start.astimezone(tz):%H:%M}–"
            f"{view.actual_end.astimezone(tz):%H:%M}"
        )
    return text


def _notes_cell(view: TourView) -> str:
    parts = [p for p in (view.notes, view.log_notes) if p]
    if view.follow_ups:
        parts.append(f"待办：{view.follow_ups}")
    if view.override_reason:
        parts.append(f"特批（{view.override_by}）：{view.override_reason}")
    return "\n".join(parts)


def ledger_row(view: TourView) -> LedgerRow:
    """One tour as a ledger line."""
    feedback = f"{view.feedback} {FEEDBACK_ZH[view.feedback]}" if view.feedback else ""
    return LedgerRow(
        date=f"{view.date:%Y-%m-%d}",
        time=_time_cell(view),
        group=view.group_name,
        organisation=view.organisation,
        level=view.level,
        letter=view.letter_ref,
        route=view.route_name,
        docents=view.docent_names,
        expected=view.expected_visitors,
        actual=view.actual_visitors,
        state=view.state_zh,
        feedback=feedback,
        notes=_notes_cell(view),
    )


def ledger_rows(
    session: Session, *, date_from: dt.date, date_to: dt.date, site: str | None = None
) -> list[LedgerRow]:
    """Every tour of the hall-local days ``date_from`` … ``date_to``, cancelled ones too."""
    if date_to < date_from:
        raise ValidationError(
            f"the period ends before it starts ({date_from} to {date_to})", "结束日期早于开始日期。"
        )
    views = list_tours(session, site=site, date_from=date_from, date_to=date_to)
    return [ledger_row(view) for view in views]
