"""Draw a receipt layout as a PNG: the on-screen preview, and the page sent to a system printer.

The geometry is the PDF's (80 mm paper, the same margins, point sizes, leading, line breaks and
QR size), scaled to ``dpi``; text is set in the same bundled WenQuanYi font, so the preview
looks like the paper on any machine. QR modules are whole pixels, so the code scans at any
resolution.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics

from shared.paths import resource_path
from shared.rendering.fonts import FONT_FILE, register_cjk_font
from shared.rendering.layout import Align, Element, Gap, Qr, Rule, Size, Text
from shared.rendering.pdf import (
    CONTENT_WIDTH,
    HUGE_LEADING,
    LEADING,
    MARGIN,
    PAGE_WIDTH,
    POINTS,
    QR_SIDE,
    wrap,
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
def _font(pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resource_path(*FONT_FILE)), pixels, index=0)


class _Scale:
    """Points to pixels at one resolution."""

    def __init__(self, dpi: int) -> None:
        self.factor = dpi / 72

    def __call__(self, points: float) -> int:
        return round(points * self.factor)


def _text_block(element: Text, px: _Scale) -> _Block:
    size = POINTS[element.size]
    font = _font(px(size))
    # Line breaks and vertical metrics in points, exactly as the PDF sets them.
    pdf_font = register_cjk_font()
    lines = wrap(element.text, pdf_font, size, CONTENT_WIDTH)
    leading = HUGE_LEADING if element.size is Size.HUGE else LEADING
    line_height = px(size * leading)
    ascent = px(pdfmetrics.getAscentDescent(pdf_font, size)[0])
    # The font has no bold face: the PDF strokes the outline 0.035 em wide, half of it outside
    # the glyph; pillow takes the same fraction of a pixel.
    stroke = px(size) * 0.0175 if element.bold else 0.0
    page = px(PAGE_WIDTH)

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        for index, line in enumerate(lines):
            baseline = top + index * line_height + (line_height - px(size)) // 2 + ascent
            centred = element.align is Align.CENTER
            x = (page - font.getlength(line)) / 2 if centred else px(MARGIN)
            canvas.text(
                (x, baseline),
                line,
                font=font,
                fill=0,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=0,
            )

    return _Block(len(lines) * line_height, draw)


def _rule_block(px: _Scale) -> _Block:
    gap = px(2 / 25.4 * 72)  # 2 mm, as in the PDF
    dash = max(2, px(2))
    line = max(1, px(0.6))

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        y = top + gap
        for x in range(px(MARGIN), px(PAGE_WIDTH - MARGIN), 2 * dash):
            end = min(x + dash, px(PAGE_WIDTH - MARGIN))
            canvas.rectangle((x, y, end - 1, y + line - 1), fill=0)

    return _Block(2 * gap, draw)


def _gap_block(element: Gap, px: _Scale) -> _Block:
    return _Block(px(element.lines * POINTS[Size.NORMAL] * LEADING), lambda _c, _t: None)


def _qr_block(element: Qr, px: _Scale) -> _Block:
    matrix = qr_matrix(element.payload)
    module = max(1, px(QR_SIDE) // len(matrix))
    side = module * len(matrix)
    quiet = px(3 / 25.4 * 72)  # 3 mm, as in the PDF

    def draw(canvas: ImageDraw.ImageDraw, top: int) -> None:
        left = (px(PAGE_WIDTH) - side) // 2
        for row_index, row in enumerate(matrix):
            y = top + quiet + row_index * module
            for col_index, dark in enumerate(row):
                if dark:
                    x = left + col_index * module
                    canvas.rectangle((x, y, x + module - 1, y + module - 1), fill=0)

    return _Block(side + 2 * quiet, draw)


def _block(element: Element, px: _Scale) -> _Block:
    if isinstance(element, Text):
        return _text_block(element, px)
    if isinstance(element, Rule):
        return _rule_block(px)
    if isinstance(element, Gap):
        return _gap_block(element, px)
    return _qr_block(element, px)


def render_receipt_image(elements: Sequence[Element], dpi: int = DEFAULT_DPI) -> Image.Image:
    """``elements`` drawn in greyscale on an 80 mm wide page at ``dpi``."""
    px = _Scale(dpi)
    blocks = [_block(element, px) for element in elements]
    height = sum(block.height for block in blocks) + 2 * px(MARGIN)
    image = Image.new("L", (px(PAGE_WIDTH), height), 255)
    canvas = ImageDraw.Draw(image)
    top = px(MARGIN)
    for block in blocks:
        block.draw(canvas, top)
        top += block.height
    return image


def render_receipt_png(elements: Sequence[Element], dpi: int = DEFAULT_DPI) -> bytes:
    """``elements`` as PNG bytes (resolution recorded in the file); deterministic."""
    buffer = io.BytesIO()
    render_receipt_image(elements, dpi).save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
