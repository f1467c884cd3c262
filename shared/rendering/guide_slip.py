"""The guide slip (办事指南): what a visitor takes away instead of, or before, a ticket.

An 80 mm receipt like the ticket: :func:`guide_slip_layout` decides what the paper says once;
the PDF, ESC/POS and PNG renderers all draw that same list. The QR carries the online guide's
address, or the matter code when there is none; always ASCII (decoders guess Shift-JIS for
anything else and garble it), so a non-ASCII URL is percent-encoded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text
from shared.rendering.pdf import render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png
from shared.rendering.ticket import material_text

if TYPE_CHECKING:  # the renderers stay importable without the database layer
    from shared.services.catalog import MatterGuide

TITLE = "办事指南"
FOOTER = "扫码查看网上办事指南"
CODE_PREFIX = "MATTER:"


def limit_text(days: int) -> str:
    """A time limit as printed: ``即办`` or ``N个工作日``."""
    return "即办" if days <= 0 else f"{days}个工作日"


def guide_qr_payload(code: str, online_url: str = "") -> str:
    """The QR content: the online guide's URL (percent-encoded to ASCII) or ``MATTER:<code>``."""
    url = online_url.strip()
    if url:
        return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")
    return CODE_PREFIX + quote(code, safe="-._~")


@dataclass(frozen=True)
class GuideSlip:
    """Everything printed on a guide slip (plain data).

    Attributes:
        hall_name: the site's display name, printed as the heading.
        code: the matter's code.
        name: the matter's name.
        department: the department that handles it.
        conditions: who may apply (one paragraph).
        materials: ``{"name", "original", "copy"}`` dicts (counts).
        steps: the process, one string per step.
        legal_limit_days: the legal time limit (0: 即办).
        promised_limit_days: the promised time limit (0: 即办).
        fee: the fee text (``不收费``).
        location: the window or place where it is handled.
        phone: the enquiry phone number.
        qr_payload: the QR content (ASCII), or ``None`` for no code.
    """

    hall_name: str
    code: str
    name: str
    department: str
    conditions: str = ""
    materials: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    steps: Sequence[str] = field(default_factory=tuple)
    legal_limit_days: int = 0
    promised_limit_days: int = 0
    fee: str = ""
    location: str = ""
    phone: str = ""
    qr_payload: str | None = None


def slip_from_guide(guide: MatterGuide, hall_name: str, location: str = "") -> GuideSlip:
    """The slip of a guide as :func:`shared.services.catalog.get_guide` returned it.

    Args:
        guide: the matter's guide.
        hall_name: the heading (the site's name).
        location: where to go, when the caller knows better than the guide (the windows).
    """
    return GuideSlip(
        hall_name=hall_name,
        code=guide.code,
        name=guide.name,
        department=guide.department,
        conditions=guide.conditions,
        materials=tuple(guide.materials),
        steps=tuple(guide.steps),
        legal_limit_days=guide.legal_limit_days,
        promised_limit_days=guide.promised_limit_days,
        fee=guide.fee,
        location=location or guide.location,
        phone=guide.phone,
        qr_payload=guide_qr_payload(guide.code, guide.online_url),
    )


def guide_slip_layout(slip: GuideSlip) -> list[Element]:
    """What the slip says, top to bottom, independent of the output format."""
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True),
        Text(TITLE, Size.NORMAL, Align.CENTER),
        Rule(),
        Text(slip.name, Size.LARGE, bold=True),
        Text(f"事项编码：{slip.code}", Size.SMALL),
        Text(f"办理部门：{slip.department}"),
    ]
    if slip.location:
        elements.append(Text(f"办理地点：{slip.location}", bold=True))
    elements.append(
        Text(
            f"法定时限：{limit_text(slip.legal_limit_days)}　"
            f"承诺时限：{limit_text(slip.promised_limit_days)}"
        )
    )
    if slip.fee:
        elements.append(Text(f"收费标准：{slip.fee}"))
    if slip.conditions:
        elements.extend(
            [Gap(0.3), Text("办理条件：", bold=True), Text(slip.conditions, Size.SMALL)]
        )
    if slip.materials:
        elements.extend([Gap(0.3), Text("请备齐以下材料：", bold=True)])
        elements.extend(Text(material_text(m), Size.SMALL) for m in slip.materials)
    if slip.steps:
        elements.extend([Gap(0.3), Text("办理流程：", bold=True)])
        elements.extend(
            Text(f"{i}. {step}", Size.SMALL) for i, step in enumerate(slip.steps, start=1)
        )
    if slip.phone:
        elements.extend([Gap(0.3), Text(f"咨询电话：{slip.phone}")])
    if slip.qr_payload:
        elements.append(Qr(slip.qr_payload))
        elements.append(Text(FOOTER, Size.SMALL, Align.CENTER))
    else:
        elements.append(Rule())
    return elements


def render_guide_slip_pdf(slip: GuideSlip) -> bytes:
    """The slip as a one-page 80 mm PDF with the CJK font embedded."""
    return render_receipt_pdf(guide_slip_layout(slip), title=f"{TITLE} {slip.name}")


def render_guide_slip_escpos(slip: GuideSlip, profile: EscposProfile = DEFAULT_PROFILE) -> bytes:
    """The slip as ESC/POS bytes for a receipt printer with ``profile``."""
    return render_receipt_escpos(guide_slip_layout(slip), profile)


def render_guide_slip_png(slip: GuideSlip, dpi: int = DEFAULT_DPI) -> bytes:
    """The slip as a PNG preview, 80 mm wide at ``dpi``."""
    return render_receipt_png(guide_slip_layout(slip), dpi)
