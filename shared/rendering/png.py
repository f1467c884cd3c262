"""Draw a receipt layout as a PNG: the on-screen preview, and the page sent to a system printer.

The geometry is the PDF's (80 or 58 mm paper, the same margins, point sizes, leading, line
breaks, indents and QR size), scaled to ``dpi``; text is set in the same fonts (the bundled
WenQuanYi, the second font for what it lacks, 〓 for what no font has), so the preview looks
like the paper on any machine. QR modules are whole pixels, so the code scans at any
resolution.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics

from shared.rendering.fonts import Face, font_runs, register_cjk_font
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text
from shared.rendering.pdf import (
    DEFAULT_PAPER_MM,
    LEADING,
    MARGIN,
    POINTS,
    QR_SIDE,
    line_height,
    page_width,
    set_text,
)
from shared.rendering.qr import qr_matrix

DEFAULT_DPI = 203
"""A thermal printer's resolution: 8 dots per millimetre."""

_Draw = Callable[[ImageDraw.ImageDraw, int], None]


@dataclass(frozen=True)
class _Block:
    height: int
    draw: _Draw


@functools.cache
def pil_font(face: Face, pixels: int) -> ImageFont.FreeTypeFont:
    """``face`` at ``pixels`` for pillow (cached)."""
    return ImageFont.truetype(str(face.path), pixels, index=face.index)


class _Scale:
    """Points to pixels at one resolution."""

    def __init__(self, dpi: int) -> None:
        self.factor = dpi / 72

    def __call__(self, points: float) -> int:
        return round(points * self.factor)


def text_length(text: str, pixels: int) -> float:
    """The width of ``text`` in pixels, each run in the font that draws it."""
    return sum(pil_font(face, pixels).getlength(chunk) for face, chunk in font_runs(text))


def draw_line(
    canvas: ImageDraw.ImageDraw, x: float, baseline: int, text: str, pixels: int, stroke: float
) -> None:
    """One line from ``x`` on ``baseline``, run by run in the font that draws each."""
    for face, chunk in font_runs(text):
        font = pil_font(face, pixels)
        canvas.text(
            (x, baseline),
            chunk,
            font=font,
            fill=0,
            anchor="ls",
            stroke_width=stroke,
            stroke_fill=0,
        )
        x += font.getlength(chunk)


def _text_block(element: Text, px: _Scale, page: float) -> _Block:
    # Line breaks, sizes and vertical metrics in points, exactly as the PDF sets them.
    setting = set_text(element, page - 2 * MARGIN)
    size = setting.size
    pixels = px(size)
    step = px(line_height(element, size))
    ascent = px(pdfmetrics.getAscentDescent(register_cjk_font(), size)[0])
    # The font has no bold face: the PDF strokes the outline 0.035 em wide, half of it outside
    # the glyph; pillow takes the same fraction of a pixel.
    stroke = pixels * 0.0175 if element.bold else 0.0
    width = px(page)

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        for index, line in enumerate(setting.lines):
            baseline = top + index * step + (step - pixels) // 2 + ascent
            if element.align is Align.CENTER:
                x = (width - text_length(line.text, pixels)) / 2
            else:
                x = px(MARGIN + line.indent)
            draw_line(canvas, x, baseline, line.text, pixels, stroke)

    return _Block(len(setting.lines) * step, draw)


def _rule_block(px: _Scale, page: float) -> _Block:
    gap = px(2 / 25.4 * 72)  # 2 mm, as in the PDF
    dash = max(2, px(2))
    line = max(1, px(0.6))

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        y = top + gap
        for x in range(px(MARGIN), px(page - MARGIN), 2 * dash):
            end = min(x + dash, px(page - MARGIN))
            canvas.rectangle((x, y, end - 1, y + line - 1), fill=0)

    return _Block(2 * gap, draw)


def _gap_block(element: Gap, px: _Scale) -> _Block:
    return _Block(px(element.lines * POINTS[Size.NORMAL] * LEADING), lambda _c, _t: None)


def _qr_block(element: Qr, px: _Scale, page: float) -> _Block:
    matrix = qr_matrix(element.payload)
    module = max(1, px(QR_SIDE) // len(matrix))
    side = module * len(matrix)
    quiet = px(3 / 25.4 * 72)  # 3 mm, as in the PDF

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        left = (px(page) - side) // 2
        for row_index, row in enumerate(matrix):
            y = top + quiet + row_index * module
            for col_index, dark in enumerate(row):
                if dark:
                    x = left + col_index * module
                    canvas.rectangle((x, y, x + module - 1, y + module - 1), fill=0)

    return _Block(side + 2 * quiet, draw)


def _block(element: Element, px: _Scale, page: float) -> _Block:
    if isinstance(element, Text):
        return _text_block(element, px, page)
    if isinstance(element, Rule):
        return _rule_block(px, page)
    if isinstance(element, Gap):
        return _gap_block(element, px)
    return _qr_block(element, px, page)


def render_receipt_image(
    elements: Sequence[Element], dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> Image.Image:
    """``elements`` drawn in greyscale on a ``paper_mm`` (58 or 80) mm wide page at ``dpi``."""
    px = _Scale(dpi)
    page = page_width(paper_mm)
    blocks = [_block(element, px, page) for element in elements]
    height = sum(block.height for block in blocks) + 2 * px(MARGIN)
    image = Image.new("L", (px(page), height), 255)
    canvas = ImageDraw.Draw(image)
    top = px(MARGIN)
    for block in blocks:
        block.draw(canvas, top)
        top += block.height
    return image


def render_receipt_png(
    elements: Sequence[Element], dpi: int = DEFAULT_DPI, paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """``elements`` as PNG bytes (resolution recorded in the file); deterministic."""
    buffer = io.BytesIO()
    render_receipt_image(elements, dpi, paper_mm).save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
