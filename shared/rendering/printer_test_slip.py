"""The printer test slip (打印测试): what 测试打印 and ``hall terminal test-print`` put on paper.

An 80 mm receipt like the ticket (issue #9): :func:`printer_test_layout` decides once what the
paper says — the terminal, its site, the time, a short Chinese line (so a printer stuck in a
Latin code page shows it at once) and a QR (so a printer without the native QR command shows
it too); the PDF, ESC/POS and PNG renderers all draw that same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from shared.clock import to_local
from shared.rendering.escpos_render import DEFAULT_PROFILE, EscposProfile, render_receipt_escpos
from shared.rendering.layout import Align, Element, Qr, Rule, Size, Text
from shared.rendering.pdf import DEFAULT_PAPER_MM, render_receipt_pdf
from shared.rendering.png import DEFAULT_DPI, render_receipt_png

TITLE = "打印测试"
CHINESE_LINE = "中文打印正常：政务服务中心欢迎您（）：、。"
FOOTER = "看到本页且二维码可扫描，即打印机设置正确。"
QR_PREFIX = "HALL-PRINT-TEST:"


@dataclass(frozen=True)
class PrinterTestSlip:
    """Everything printed on a test slip (plain data).

    Attributes:
        hall_name: the site's display name, printed as the heading.
        site_code: the site's code.
        terminal_code: the terminal whose printer is tested.
        location: where the terminal stands (``""`` for unknown).
        printer: the printer's one-line description.
        printed_at: when the test was asked for (printed hall-local).
    """

    hall_name: str
    site_code: str
    terminal_code: str
    location: str
    printer: str
    printed_at: datetime

    @property
    def file_name(self) -> str:
        """An ASCII name for the print job and a PDF folder's file."""
        stamp = f"{to_local(self.printed_at):%Y%m%d-%H%M%S}"
        return f"printtest-{quote(self.terminal_code, safe='-._')}-{stamp}"

    @property
    def qr_payload(self) -> str:
        """The QR content: ASCII, naming the terminal and the instant."""
        stamp = f"{to_local(self.printed_at):%Y%m%dT%H%M%S}"
        return f"{QR_PREFIX}{quote(self.terminal_code, safe='-._~')}:{stamp}"


def printer_test_layout(slip: PrinterTestSlip) -> list[Element]:
    """What the slip says, top to bottom, independent of the output format."""
    at = to_local(slip.printed_at)
    elements: list[Element] = [
        Text(slip.hall_name, Size.LARGE, Align.CENTER, bold=True, fit=True),
        Text(TITLE, Size.LARGE, Align.CENTER),
        Rule(),
        Text(f"终端：{slip.terminal_code}", bold=True),
        Text(f"站点：{slip.site_code}"),
    ]
    if slip.location:
        elements.append(Text(f"位置：{slip.location}"))
    elements.extend(
        [
            Text(f"打印机：{slip.printer}", Size.SMALL),
            Text(f"时间：{at:%Y-%m-%d %H:%M:%S}"),
            Rule(),
            Text(CHINESE_LINE),
            Qr(slip.qr_payload),
            Text(FOOTER, Size.SMALL, Align.CENTER),
        ]
    )
    return elements


def render_printer_test_pdf(slip: PrinterTestSlip, paper_mm: float = DEFAULT_PAPER_MM) -> bytes:
    """The slip as a one-page 80 (or 58) mm PDF with the CJK font embedded."""
    return render_receipt_pdf(
        printer_test_layout(slip), title=f"{TITLE} {slip.terminal_code}", paper_mm=paper_mm
    )


def render_printer_test_escpos(
    slip: PrinterTestSlip, profile: EscposProfile = DEFAULT_PROFILE
) -> bytes:
    """The slip as ESC/POS bytes for a receipt printer with ``profile``."""
    return render_receipt_escpos(printer_test_layout(slip), profile)


def render_printer_test_png(
    slip: PrinterTestSlip, dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """The slip as a PNG preview, 80 (or 58) mm wide at ``dpi``."""
    return render_receipt_png(printer_test_layout(slip), dpi, paper_mm)
