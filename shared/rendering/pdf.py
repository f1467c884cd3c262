"""Draw a receipt layout as a one-page PDF, 80 mm wide and exactly as tall as its content.

Used for the system print queue and for saving; the text is set in the embedded CJK font so
it reads back (pdftotext, pypdf) and prints without any font installed on the machine.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from shared.rendering.fonts import register_cjk_font
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text, wrap_text
from shared.rendering.qr import qr_matrix

PAGE_WIDTH = 80 * mm
MARGIN = 4 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIDE = 30 * mm
LEADING = 1.3
HUGE_LEADING = 1.1

POINTS: dict[Size, float] = {
    Size.SMALL: 8.0,
    Size.NORMAL: 10.5,
    Size.LARGE: 15.0,
    Size.HUGE: 54.0,
}

_Draw = Callable[[canvas.Canvas, float], None]


@dataclass(frozen=True)
class _Block:
    height: float
    draw: _Draw


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` points (explicit newlines kept)."""
    return wrap_text(text, width, lambda s: pdfmetrics.stringWidth(s, font, size))


def _text_block(element: Text, font: str) -> _Block:
    size = POINTS[element.size]
    lines = wrap(element.text, font, size, CONTENT_WIDTH)
    # The huge ticket number needs less air around it than running text.
    line_height = size * (HUGE_LEADING if element.size is Size.HUGE else LEADING)
    ascent = pdfmetrics.getAscentDescent(font, size)[0]

    def draw(c: canvas.Canvas, top: float) -> None:
        for index, line in enumerate(lines):
            baseline = top - index * line_height - ascent - (line_height - size) / 2
            if element.align is Align.CENTER:
                x = (PAGE_WIDTH - pdfmetrics.stringWidth(line, font, size)) / 2
            else:
                x = MARGIN
            # Text render mode is graphics state in PDF: keep it from leaking to later lines.
            c.saveState()
            obj = c.beginText(x, baseline)
            obj.setFont(font, size)
            if element.bold:
                # The font has no bold face: fill and stroke the outline instead.
                c.setLineWidth(size * 0.035)
                obj.setTextRenderMode(2)
            obj.textOut(line)
            c.drawText(obj)
            c.restoreState()

    return _Block(len(lines) * line_height, draw)


def _rule_block() -> _Block:
    gap = 2 * mm

    def draw(c: canvas.Canvas, top: float) -> None:
        c.setLineWidth(0.6)
        c.setDash(2, 2)
        c.line(MARGIN, top - gap, PAGE_WIDTH - MARGIN, top - gap)
        c.setDash()

    return _Block(2 * gap, draw)


def _gap_block(element: Gap) -> _Block:
    height = element.lines * POINTS[Size.NORMAL] * LEADING
    return _Block(height, lambda _c, _top: None)


def _qr_block(element: Qr) -> _Block:
    matrix = qr_matrix(element.payload)
    module = QR_SIDE / len(matrix)
    quiet = 3 * mm  # with the page margin this exceeds the 4-module quiet zone

    def draw(c: canvas.Canvas, top: float) -> None:
        left = (PAGE_WIDTH - QR_SIDE) / 2
        path = c.beginPath()
        for row_index, row in enumerate(matrix):
            y = top - quiet - (row_index + 1) * module
            col = 0
            while col < len(row):
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < len(row) and row[col]:
                    col += 1
                # Vector modules, one rectangle per dark run: sharp at any printer resolution.
                path.rect(left + start * module, y, (col - start) * module, module)
        c.drawPath(path, stroke=0, fill=1)

    return _Block(QR_SIDE + 2 * quiet, draw)


def _block(element: Element, font: str) -> _Block:
    if isinstance(element, Text):
        return _text_block(element, font)
    if isinstance(element, Rule):
        return _rule_block()
    if isinstance(element, Gap):
        return _gap_block(element)
    return _qr_block(element)


def render_receipt_pdf(elements: Sequence[Element], title: str = "") -> bytes:
    """A one-page PDF of ``elements`` on 80 mm receipt paper; deterministic for equal input."""
    font = register_cjk_font()
    blocks = [_block(element, font) for element in elements]
    height = sum(block.height for block in blocks) + 2 * MARGIN
    buffer = io.BytesIO()
    c = canvas.Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, height),
        invariant=True,
        pageCompression=1,
        # Without this the page starts in Helvetica, an unembedded font no text uses.
        initialFontName=font,
    )
    c.setTitle(title)
    c.setCreator("ServiceHall")
    top = height - MARGIN
    for block in blocks:
        block.draw(c, top)
        top -= block.height
    c.showPage()
    c.save()
    return buffer.getvalue()
