"""The 优先服务 slip (优先服务回执): what a visitor takes away after asking for help.

An 80 (or 58) mm receipt like the ticket: :func:`priority_slip_layout` decides what the paper says
once; the PDF, ESC/POS and PNG renderers all draw that same list. Personal data is printed
masked only (张*, 138****1234, 华容区****): a slip left on the kiosk tells nobody who asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.clock import to_local
from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Rule, Size, Text, labelled
from shared.rendering.pdf import DEFAULT_PAPER_MM, render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png

TITLE = "优先服务回执"
FOOTER = "个人信息已隐去；办结后按规定删除"


@dataclass(frozen=True)
class PrioritySlip:
    """Everything printed on a priority-service slip (plain data, personal data masked).

    Attributes:
        hall_name: the site's display name, printed as the heading.
        site_code: the site's short code (for records; never printed: visitors read the
            hall's name, not its code).
        reference: the request's short reference, e.g. ``"K7M3TA"``.
        kind_label: 帮办代办 or 上门服务.
        visitor_label: 老年人, 残障人士, 孕妇 or 其他困难.
        created_at: when the request was made (printed hall-local).
        next_step: what happens next, in the end screen's words.
        masked_name: the name, masked (``""`` for none).
        masked_phone: the phone number, masked (``""`` for none).
        masked_address: the address, masked (``""`` for none).
        matter_name: the matter a home visit is for.
        preferred_text: the day and half-day asked for (``2026-11-27 上午``).
        location: where an assistant comes to (the kiosk's place).
    """

    hall_name: str
    site_code: str
    reference: str
    kind_label: str
    visitor_label: str
    created_at: datetime
    next_step: str
    masked_name: str = ""
    masked_phone: str = ""
    masked_address: str = ""
    matter_name: str | None = None
    preferred_text: str = ""
    location: str | None = None

    @property
    def file_name(self) -> str:
        """An ASCII name for the print job and a PDF folder's file."""
        return f"priority-{to_local(self.created_at):%Y%m%d}-{self.reference}"


def priority_slip_layout(slip: PrioritySlip) -> list[Element]:
    """What the slip says, top to bottom, independent of the output format."""
    made = to_local(slip.created_at)
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True, fit=True),
        Text(TITLE, Size.LARGE, Align.CENTER),
        Rule(),
        Text("编号", Size.NORMAL, Align.CENTER),
        Text(slip.reference, Size.HUGE, Align.CENTER, bold=True, fit=True),
        Text(f"{slip.kind_label}（{slip.visitor_label}）", Size.LARGE, Align.CENTER),
        Rule(),
    ]
    facts = [
        ("地点", slip.location or ""),
        ("事项", slip.matter_name or ""),
        ("上门时间", slip.preferred_text),
        ("姓名", slip.masked_name),
        ("电话", slip.masked_phone),
        ("地址", slip.masked_address),
    ]
    elements.extend(labelled(label, value) for label, value in facts if value)
    elements.append(Text(f"提交时间：{made:%Y-%m-%d %H:%M}", Size.SMALL))
    elements.append(Rule())
    elements.append(Text(slip.next_step, Size.NORMAL, Align.LEFT, bold=True))
    elements.append(Text(FOOTER, Size.SMALL, Align.CENTER))
    return elements


def render_priority_slip_pdf(slip: PrioritySlip, paper_mm: float = DEFAULT_PAPER_MM) -> bytes:
    """The slip as a one-page 80 (or 58) mm PDF with the CJK font embedded."""
    return render_receipt_pdf(
        priority_slip_layout(slip), title=f"{TITLE} {slip.reference}", paper_mm=paper_mm
    )


def render_priority_slip_escpos(
    slip: PrioritySlip, profile: EscposProfile = DEFAULT_PROFILE
) -> bytes:
    """The slip as ESC/POS bytes for the kiosk's receipt printer."""
    return render_receipt_escpos(priority_slip_layout(slip), profile)


def render_priority_slip_png(
    slip: PrioritySlip, dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """The slip as a PNG preview, 80 (or 58) mm wide at ``dpi``."""
    return render_receipt_png(priority_slip_layout(slip), dpi, paper_mm)
