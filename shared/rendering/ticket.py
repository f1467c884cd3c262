"""The numbered ticket slip a visitor takes away: its data, its layout, and its renderings.

:class:`TicketSlip` is plain data (no ORM object), so the kiosk and the console build it from a
service result (:func:`slip_from_view`) and hand it to any renderer. :func:`ticket_layout`
decides what the paper says once; the PDF, ESC/POS and PNG renderers all draw that same list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.clock import to_local
from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text
from shared.rendering.pdf import render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png
from shared.services.catalog_text import checklist, item_text

if TYPE_CHECKING:  # the renderers stay importable without the database layer
    from shared.services.tickets import TicketView

FOOTER = "请留意叫号屏和语音提示"


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on a ticket.

    Attributes:
        hall_name: the site's display name, printed as the heading.
        site_code: the site's short code (small print, and part of the QR payload).
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
    """The wait estimate as printed: a range, never a false precision, and never a guess when
    no window is open (then the next opening, when known)."""
    if not windows_open:
        if next_opening is None:
            return "窗口暂未开放，暂无法估计等候时间"
        local = to_local(next_opening)
        return f"窗口暂未开放\n下次开放：{local.month}月{local.day}日 {local:%H:%M}"
    if wait_minutes is None:
        return "预计等候：暂无法估计"
    low, high = wait_minutes
    if high <= 0:
        return "预计等候：即将叫号"
    if low == high:
        return f"预计等候：约 {low} 分钟"
    return f"预计等候：{low}–{high} 分钟"


def material_text(material: Mapping[str, Any]) -> str:
    """One checklist line: a box to tick and the material as published (its quantity only
    when one was published; see :func:`shared.services.catalog_text.item_text`)."""
    return "□ " + item_text(material)


def ticket_layout(slip: TicketSlip) -> list[Element]:
    """What the ticket says, top to bottom, independent of the output format."""
    issued = to_local(slip.issued_at)
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True),
        Rule(),
        Text(slip.number, Size.HUGE, Align.CENTER, bold=True),
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
    if slip.matter_name or slip.materials:
        elements.append(Rule())
        if slip.matter_name:
            elements.append(Text(f"办理事项：{slip.matter_name}", bold=True))
        if slip.materials:
            elements.append(Text("请备齐以下材料："))
            elements.extend(Text(line, Size.SMALL) for line in checklist(slip.materials))
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
    else:
        elements.append(Rule())
    elements.append(Text(FOOTER, Size.NORMAL, Align.CENTER, bold=True))
    elements.append(
        Text(f"{slip.site_code} · 业务日 {slip.business_date:%Y-%m-%d}", Size.SMALL, Align.CENTER)
    )
    return elements


def render_ticket_pdf(slip: TicketSlip) -> bytes:
    """The ticket as a one-page 80 mm PDF with the CJK font embedded."""
    return render_receipt_pdf(ticket_layout(slip), title=f"{slip.hall_name} {slip.number}")


def render_ticket_escpos(slip: TicketSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The ticket as ESC/POS bytes for a receipt printer with ``profile``."""
    return render_receipt_escpos(ticket_layout(slip), profile)


def render_ticket_png(slip: TicketSlip, dpi: int = DEFAULT_DPI) -> bytes:
    """The ticket as a PNG preview, 80 mm wide at ``dpi``."""
    return render_receipt_png(ticket_layout(slip), dpi)
