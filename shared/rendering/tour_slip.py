"""The tour confirmation slip (参观接待确认单): its data, its layout, and its renderings.

An 80 (or 58) mm receipt, like the ticket, so the desk's receipt printer, the PDF and the
preview all draw the same :func:`tour_slip_layout`. The QR carries the signed code that checks
the group in at the desk (``shared.services.tours_docs``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text, labelled, list_item
from shared.rendering.pdf import DEFAULT_PAPER_MM, render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png

TITLE = "参观接待确认单"
FOOTER = "请到咨询引导台出示本单二维码签到"
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


@dataclass(frozen=True)
class TourSlip:
    """Everything printed on a confirmation slip (plain data; times are hall-local).

    Attributes:
        segments: ``(venue name, "HH:MM-HH:MM")`` per part of the route.
        docents: display names, joined with 、.
        ref: the short tour id staff can type.
        qr_payload: the signed check-in code (ASCII), or ``None`` for no code.
    """

    hall_name: str
    group_name: str
    organisation: str
    date: dt.date
    start: dt.time
    end: dt.time
    extended: bool
    route_name: str
    segments: tuple[tuple[str, str], ...]
    docents: str
    level: str
    letter_ref: str
    visitors: int
    ref: str
    contact: str = ""
    qr_payload: str | None = None


def tour_slip_layout(slip: TourSlip) -> list[Element]:
    """What the slip says, top to bottom, independent of the output format."""
    time_line = f"{slip.start:%H:%M}–{slip.end:%H:%M}"
    if slip.extended:
        time_line += "（延时服务）"
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True, fit=True),
        Text(TITLE, Size.LARGE, Align.CENTER),
        Rule(),
        labelled("团组", slip.group_name, bold=True),
        labelled("单位", slip.organisation),
        labelled("日期", f"{slip.date:%Y-%m-%d}（{WEEKDAYS_ZH[slip.date.weekday()]}）"),
        labelled("时间", time_line, bold=True),
        labelled("路线", slip.route_name),
    ]
    elements.extend(list_item(f"　· {name} {span}") for name, span in slip.segments)
    elements.append(labelled("讲解员", slip.docents or "待定"))
    elements.append(labelled("接待等级", slip.level))
    elements.append(labelled("公函", slip.letter_ref or "无"))
    elements.append(labelled("预计人数", f"{slip.visitors} 人"))
    if slip.contact:
        elements.append(labelled("联系人", slip.contact, Size.SMALL))
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
    else:
        elements.append(Gap())
    elements.append(Text(FOOTER, Size.NORMAL, Align.CENTER, bold=True))
    elements.append(Text(f"编号 {slip.ref}", Size.SMALL, Align.CENTER))
    return elements


def render_tour_slip_pdf(slip: TourSlip, paper_mm: float = DEFAULT_PAPER_MM) -> bytes:
    """The slip as a one-page 80 (or 58) mm PDF with the CJK font embedded."""
    return render_receipt_pdf(
        tour_slip_layout(slip), title=f"{TITLE} {slip.group_name}", paper_mm=paper_mm
    )


def render_tour_slip_escpos(slip: TourSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The slip as ESC/POS bytes for the desk's receipt printer."""
    return render_receipt_escpos(tour_slip_layout(slip), profile)


def render_tour_slip_png(
    slip: TourSlip, dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """The slip as a PNG preview, 80 (or 58) mm wide at ``dpi``."""
    return render_receipt_png(tour_slip_layout(slip), dpi, paper_mm)
