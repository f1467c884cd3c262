"""The guide slip (办事指南): what a visitor takes away instead of, or before, a ticket.

An 80 (or 58) mm receipt like the ticket: :func:`guide_slip_layout` decides what the paper
says once; the PDF, ESC/POS and PNG renderers all draw that same list. The words come from
:func:`shared.services.catalog_text.guide_sections`, so the slip says what the kiosk says:
the published text, 请咨询窗口 where nothing was published, never a default (issue #11).

The QR opens the matter's published online guide when it has one (its source page, else an
online channel's address). Otherwise it carries ``MATTER:<code>`` and the caption says so:
the code is only the matter's code, not a web address. Payloads are ASCII (decoders guess
Shift-JIS for anything else and garble it), so a non-ASCII URL is percent-encoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text, list_item
from shared.rendering.pdf import DEFAULT_PAPER_MM, render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png
from shared.services.catalog_text import GuideSection, guide_heading, guide_sections

if TYPE_CHECKING:  # the renderers stay importable without the database layer
    from shared.services.catalog_guide import MatterGuide

TITLE = "办事指南"
FOOTER = "扫码查看网上办事指南"
CODE_PREFIX = "MATTER:"


def guide_qr_payload(code: str, url: str | None = None) -> str:
    """The QR content: the guide's URL (percent-encoded to ASCII) or ``MATTER:<code>``."""
    address = (url or "").strip()
    if address:
        return quote(address, safe=":/?#[]@!$&'()*+,;=%-._~")
    return CODE_PREFIX + quote(code, safe="-._~")


def qr_caption(guide: MatterGuide) -> str:
    """What the slip's QR is for, truthfully."""
    if guide.source_url:
        return FOOTER
    channel = next((c for c in guide.online if c.get("url")), None)
    if channel is not None:
        return f"扫码打开网上办理：{channel.get('name') or channel['url']}"
    return f"本事项暂无网上办事指南；此码仅为事项编码 {guide.code}，不是网址"


@dataclass(frozen=True)
class GuideSlip:
    """Everything printed on a guide slip (plain data).

    Attributes:
        hall_name: the site's display name, printed as the heading.
        code: the matter's code.
        name: the matter's name.
        heading: department, type and code in one line (:func:`guide_heading`).
        sections: the guide's parts as shown (:func:`guide_sections`, brief).
        qr_payload: the QR content (ASCII), or ``None`` for no code.
        qr_caption: what the QR is for.
    """

    hall_name: str
    code: str
    name: str
    heading: str = ""
    sections: Sequence[GuideSection] = field(default_factory=tuple)
    qr_payload: str | None = None
    qr_caption: str = ""


def slip_from_guide(guide: MatterGuide, hall_name: str, windows: str | None = None) -> GuideSlip:
    """The slip of a guide as :func:`shared.services.catalog.get_guide` returned it.

    Args:
        guide: the matter's guide.
        hall_name: the heading (the site's name).
        windows: the hall's windows for it, in words, printed beside the published 办理地点.
    """
    return GuideSlip(
        hall_name=hall_name,
        code=guide.code,
        name=guide.name,
        heading=guide_heading(guide),
        sections=tuple(guide_sections(guide, windows, brief=True)),
        qr_payload=guide_qr_payload(guide.code, guide.guide_url),
        qr_caption=qr_caption(guide),
    )


def guide_slip_layout(slip: GuideSlip) -> list[Element]:
    """What the slip says, top to bottom, independent of the output format."""
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True, fit=True),
        Text(TITLE, Size.NORMAL, Align.CENTER),
        Rule(),
        Text(slip.name, Size.LARGE, bold=True),
    ]
    if slip.heading:
        elements.append(Text(slip.heading, Size.SMALL))
    for section in slip.sections:
        elements.extend([Gap(0.3), Text(f"{section.title}：", bold=True)])
        elements.extend(list_item(line) for line in section.lines)
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
        if slip.qr_caption:
            elements.append(Text(slip.qr_caption, Size.SMALL, Align.CENTER))
    else:
        elements.append(Rule())
    return elements


def render_guide_slip_pdf(slip: GuideSlip, paper_mm: float = DEFAULT_PAPER_MM) -> bytes:
    """The slip as an 80 (or 58) mm PDF with the CJK font embedded."""
    return render_receipt_pdf(
        guide_slip_layout(slip), title=f"{TITLE} {slip.name}", paper_mm=paper_mm
    )


def render_guide_slip_escpos(slip: GuideSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The slip as ESC/POS bytes for a receipt printer with ``profile``."""
    return render_receipt_escpos(guide_slip_layout(slip), profile)


def render_guide_slip_png(
    slip: GuideSlip, dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """The slip as a PNG preview, 80 (or 58) mm wide at ``dpi``."""
    return render_receipt_png(guide_slip_layout(slip), dpi, paper_mm)
