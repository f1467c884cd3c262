"""The numbered ticket slip a visitor takes away: its data, its layout, and its renderings.

:class:`TicketSlip` is plain data (no ORM object), so the kiosk and the console build it from a
service result (:func:`slip_from_view`) and hand it to any renderer. :func:`ticket_layout`
decides what the paper says once; the PDF, ESC/POS and PNG renderers all draw that same list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.clock import to_local, utcnow
from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import (
    Align,
    Element,
    Gap,
    Qr,
    Rule,
    Size,
    Text,
    labelled,
    list_item,
)
from shared.rendering.pdf import DEFAULT_PAPER_MM, render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png
from shared.services.catalog_text import checklist, item_text

if TYPE_CHECKING:  # the renderers stay importable without the database layer
    from shared.services.tickets import TicketView

FOOTER = "请留意叫号屏和语音提示"
REPRINT_MARK = "【补打】"


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on a ticket.

    Attributes:
        hall_name: the site's display name, printed as the heading and in the small print.
        site_code: the site's short code (in the QR payload and file names; never printed
            as text: visitors read names, not codes).
        number: the ticket number, e.g. ``"A001"``.
        queue_name: the queue (业务类型) the ticket waits in.
        people_ahead: tickets waiting before this one at issue time.
        wait_minutes: the estimated wait as a ``(min, max)`` range in minutes, or ``None`` when
            there is no estimate.
        windows_open: whether any window serving the queue was open (signed in, not paused)
            at issue; without one the slip says so instead of a wait (issue #9).
        next_opening: with no window open and the hall closed, when the hall opens next.
        issued_at: the issue instant, timezone-aware; printed in hall-local time.
        business_date: the business day the ticket belongs to.
        matter_name: the service matter chosen, if the visitor picked one.
        materials: the matter's materials: groups as the catalog stores them (or bare
            items), printed as published, with their group rules.
        qr_payload: the QR code's content (ASCII), or ``None`` for no code.
        reprinted_at: for a 补打, when it was printed again: the slip says 补打 and the time,
            so a second paper for one number explains itself.
    """

    hall_name: str
    site_code: str
    number: str
    queue_name: str
    people_ahead: int
    wait_minutes: tuple[int, int] | None
    issued_at: datetime
    business_date: date
    matter_name: str | None = None
    materials: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    qr_payload: str | None = None
    windows_open: bool = True
    next_opening: datetime | None = None
    reprinted_at: datetime | None = None


def as_reprint(slip: TicketSlip, at: datetime | None = None) -> TicketSlip:
    """``slip`` marked as a 补打 printed at ``at`` (now by default); the same number and QR."""
    return replace(slip, reprinted_at=at or utcnow())


def slip_from_view(
    view: TicketView, hall_name: str | None = None, qr_payload: str | None = None
) -> TicketSlip:
    """The slip of a ticket as a service returned it.

    Args:
        view: the ticket (``issue_ticket``, ``view``); people ahead and the wait are as of it.
        hall_name: the heading; the site's name when not given.
        qr_payload: the signed code (``shared.services.ticket_codes.ticket_payload``).
    """
    return TicketSlip(
        hall_name=hall_name or view.site_name,
        site_code=view.site_code,
        number=view.number,
        queue_name=view.queue_name,
        people_ahead=view.people_ahead,
        wait_minutes=view.wait.range,
        issued_at=view.issued_at,
        business_date=view.business_date,
        matter_name=view.matter_name,
        materials=tuple(view.materials),
        qr_payload=qr_payload,
        windows_open=view.wait.windows > 0,
        next_opening=view.wait.next_opening,
    )


def wait_text(
    wait_minutes: tuple[int, int] | None,
    *,
    windows_open: bool = True,
    next_opening: datetime | None = None,
) -> str:
    """The wait as printed, in the words every surface uses
    (:func:`shared.services.waits.wait_wording`): a range, never a false precision, and never a
    guess when no window is open (then the next opening as a date: paper is read later)."""
    # Imported here: the renderers stay importable without the database layer.
    from shared.services.waits import wait_wording

    low, high = wait_minutes if wait_minutes is not None and windows_open else (None, None)
    return wait_wording(low, high, next_opening=next_opening, dated=True)


def material_text(material: Mapping[str, Any]) -> str:
    """One checklist line: a box to tick and the material as published (its quantity only
    when one was published; see :func:`shared.services.catalog_text.item_text`)."""
    return "□ " + item_text(material)


def _checklist(materials: Sequence[Mapping[str, Any]]) -> list[Element]:
    """The materials: group headings as they are, items and notes hung under their text."""
    elements: list[Element] = []
    for line in checklist(materials):
        item = list_item(line)
        elements.append(item if item.marker else Text(line, Size.SMALL, bold=True))
    return elements


def ticket_layout(slip: TicketSlip) -> list[Element]:
    """What the ticket says, top to bottom, independent of the output format."""
    issued = to_local(slip.issued_at)
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True, fit=True),
        Rule(),
    ]
    if slip.reprinted_at is not None:
        elements.append(Text(REPRINT_MARK, Size.NORMAL, Align.CENTER, bold=True))
    elements += [
        Text(slip.number, Size.HUGE, Align.CENTER, bold=True, fit=True),
        Text(slip.queue_name, Size.LARGE, Align.CENTER),
        Gap(),
        Text(f"前面还有 {slip.people_ahead} 人", Size.NORMAL, Align.CENTER),
        Text(
            wait_text(
                slip.wait_minutes,
                windows_open=slip.windows_open,
                next_opening=slip.next_opening,
            ),
            Size.NORMAL,
            Align.CENTER,
        ),
        Text(f"取号时间：{issued:%Y-%m-%d %H:%M}", Size.SMALL, Align.CENTER),
    ]
    if slip.reprinted_at is not None:
        again = to_local(slip.reprinted_at)
        elements.append(Text(f"补打时间：{again:%Y-%m-%d %H:%M}", Size.SMALL, Align.CENTER))
    if slip.matter_name or slip.materials:
        elements.append(Rule())
        if slip.matter_name:
            elements.append(labelled("办理事项", slip.matter_name, bold=True))
        if slip.materials:
            elements.append(Text("请备齐以下材料："))
            elements.extend(_checklist(slip.materials))
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
    else:
        elements.append(Rule())
    elements.append(Text(FOOTER, Size.NORMAL, Align.CENTER, bold=True))
    elements.append(
        Text(f"{slip.hall_name} · {slip.business_date:%Y-%m-%d}", Size.SMALL, Align.CENTER)
    )
    return elements


def render_ticket_pdf(slip: TicketSlip, paper_mm: float = DEFAULT_PAPER_MM) -> bytes:
    """The ticket as a one-page 80 (or 58) mm PDF with the CJK font embedded."""
    return render_receipt_pdf(
        ticket_layout(slip), title=f"{slip.hall_name} {slip.number}", paper_mm=paper_mm
    )


def render_ticket_escpos(slip: TicketSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The ticket as ESC/POS bytes for a receipt printer with ``profile``."""
    return render_receipt_escpos(ticket_layout(slip), profile)


def render_ticket_png(
    slip: TicketSlip, dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """The ticket as a PNG preview, 80 (or 58) mm wide at ``dpi``."""
    return render_receipt_png(ticket_layout(slip), dpi, paper_mm)
