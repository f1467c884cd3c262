"""The tour confirmation slip (参观接待确认单): its data, its layout, and its renderings.

An 80 mm receipt, like the ticket, so the desk's receipt printer, the PDF and the preview all
draw the same :func:`tour_slip_layout`. The QR carries the signed code that checks the group
in at the desk (``shared.services.tours_docs``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text
from shared.rendering.pdf import render_receipt_pdf
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
    time_line = f"时间：{slip.start:%H:%M}–{slip.end:%H:%M}"
    if slip.extended:
        time_line += "（延时服务）"
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True),
        Text(TITLE, Size.LARGE, Align.CENTER),
        Rule(),
        Text(f"团组：{slip.group_name}", bold=True),
        Text(f"单位：{slip.organisation}"),
        Text(f"日期：{slip.date:%Y-%m-%d}（{WEEKDAYS_ZH[slip.date.weekday()]}）"),
        Text(time_line, bold=True),
        Text(f"路线：{slip.route_name}"),
    ]
    elements.extend(Text(f"　· {name} {span}", Size.SMALL) for name, span in slip.segments)
    elements.append(Text(f"讲解员：{slip.docents or '待定'}"))
    elements.append(Text(f"接待等级：{slip.level}"))
    elements.append(Text(f"公函：{slip.letter_ref or '无'}"))
    elements.append(Text(f"预计人数：{slip.visitors} 人"))
    if slip.contact:
        elements.append(Text(f"联系人：{slip.contact}", Size.SMALL))
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
    else:
        elements.append(Gap())
    elements.append(Text(FOOTER, Size.NORMAL, Align.CENTER, bold=True))
    elements.append(Text(f"编号 {slip.ref}", Size.SMALL, Align.CENTER))
    return elements


def render_tour_slip_pdf(slip: TourSlip) -> bytes:
    """The slip as a one-page 80 mm PDF with the CJK font embedded."""
    return render_receipt_pdf(tour_slip_layout(slip), title=f"{TITLE} {slip.group_name}")


def render_tour_slip_escpos(slip: TourSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The slip as ESC/POS bytes for the desk's receipt printer."""
    return render_receipt_escpos(tour_slip_layout(slip), profile)


def render_tour_slip_png(slip: TourSlip, dpi: int = DEFAULT_DPI) -> bytes:
    """The slip as a PNG preview, 80 mm wide at ``dpi``."""
    return render_receipt_png(tour_slip_layout(slip), dpi)
