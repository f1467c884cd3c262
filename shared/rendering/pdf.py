"""Draw a receipt layout as a one-page PDF, 80 (or 58) mm wide and exactly as tall as its
content.

Used for the system print queue and for saving; the text is set in the embedded CJK font so
it reads back (pdftotext, pypdf) and prints without any font installed on the machine; a
character that font lacks is set in the second font (:mod:`shared.rendering.fonts`).

How a text element is set — its size, its lines and their indents — is decided here once
(:func:`set_text`) and used by the PNG preview too, so the two break lines alike.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from shared.rendering.fonts import font_runs, register_cjk_font, string_width
from shared.rendering.layout import (
    HANG_LIMIT,
    Align,
    Element,
    Gap,
    Qr,
    Rule,
    Size,
    Text,
    heading_lines,
    name_break,
    wrap_text,
)
from shared.rendering.qr import qr_matrix

PAPER_MM = (58, 80)
"""Receipt paper widths the renderers lay out for."""
DEFAULT_PAPER_MM = 80
PAGE_WIDTH = DEFAULT_PAPER_MM * mm
MARGIN = 4 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIDE = 30 * mm
LEADING = 1.3
HUGE_LEADING = 1.1
FIT_FLOOR = 0.75
"""A heading shrinks to at most this fraction of its size before it breaks instead."""

POINTS: dict[Size, float] = {
    Size.SMALL: 8.0,
    Size.NORMAL: 10.5,
    Size.LARGE: 15.0,
    Size.HUGE: 54.0,
}

_Draw = Callable[[canvas.Canvas, float], None]


def page_width(paper_mm: float = DEFAULT_PAPER_MM) -> float:
    """The page width in points for ``paper_mm`` wide paper.

    Raises:
        ValueError: not one of :data:`PAPER_MM`.
    """
    if paper_mm not in PAPER_MM:
        raise ValueError(f"paper width must be one of {PAPER_MM} mm, not {paper_mm}")
    return float(paper_mm * mm)


@dataclass(frozen=True)
class SetLine:
    """One line of a set text: its characters and its indent from the content's left edge
    (points; a list item's wrapped lines stand under its text, not its marker)."""

    text: str
    indent: float = 0.0


@dataclass(frozen=True)
class SetText:
    """A text element as set at one width: its size in points and its lines."""

    size: float
    lines: tuple[SetLine, ...]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` points (explicit newlines kept).

    ``font`` is the bundled font's name; a character it lacks is measured in the font that
    draws it.
    """
    del font  # every run is measured in the font that draws it
    return wrap_text(text, width, lambda s: string_width(s, size))


def _width_at(text: str, size: float) -> float:
    return string_width(text, size)


def _fitted(text: str, size: float, width: float) -> SetText:
    """A heading (a name, a number): one line at its size; else one line a little smaller;
    else two lines broken after a place word, at its size or a little smaller; else one line
    as small as running text; else wrapped evenly."""
    natural = string_width(text, size)
    if natural <= width:
        return SetText(size, (SetLine(text),))
    # Widths scale with the size: the largest half point at which the line fits.
    shrunk = math.floor(size * width / natural * 2) / 2
    floor = max(POINTS[Size.NORMAL], size * FIT_FLOOR)
    if shrunk >= floor:
        return SetText(shrunk, (SetLine(text),))
    trial = size
    while trial >= floor:
        lines = name_break(text, width, functools.partial(_width_at, size=trial))
        if lines is not None:
            return SetText(trial, tuple(SetLine(line) for line in lines))
        trial -= 0.5
    if shrunk >= POINTS[Size.NORMAL]:  # a code such as K7M3TA: smaller, but whole
        return SetText(shrunk, (SetLine(text),))
    lines = heading_lines(text, width, lambda s: string_width(s, size))
    return SetText(size, tuple(SetLine(line) for line in lines))


def set_text(element: Text, width: float) -> SetText:
    """How ``element`` is set in ``width`` points: a heading fitted, a list item hung under
    its marker, anything else wrapped."""
    size = POINTS[element.size]
    if element.fit:
        return _fitted(element.text, size, width)
    indent = string_width(element.marker, size)
    if element.marker and indent <= width * HANG_LIMIT:
        body = wrap(element.body, "", size, width - indent)
        first = SetLine(element.marker + body[0])
        return SetText(size, (first, *(SetLine(line, indent) for line in body[1:])))
    return SetText(size, tuple(SetLine(line) for line in wrap(element.text, "", size, width)))


def line_height(element: Text, size: float) -> float:
    """The distance between baselines; the huge ticket number needs less air than text."""
    return size * (HUGE_LEADING if element.size is Size.HUGE else LEADING)


@dataclass(frozen=True)
class _Block:
    height: float
    draw: _Draw


def _text_block(element: Text, page: float) -> _Block:
    font = register_cjk_font()
    setting = set_text(element, page - 2 * MARGIN)
    size = setting.size
    step = line_height(element, size)
    ascent = pdfmetrics.getAscentDescent(font, size)[0]

    def draw(c: canvas.Canvas, top: float) -> None:
        for index, line in enumerate(setting.lines):
            baseline = top - index * step - ascent - (step - size) / 2
            if element.align is Align.CENTER:
                x = (page - string_width(line.text, size)) / 2
            else:
                x = MARGIN + line.indent
            # Text render mode is graphics state in PDF: keep it from leaking to later lines.
            c.saveState()
            obj = c.beginText(x, baseline)
            if element.bold:
                # The font has no bold face: fill and stroke the outline instead.
                c.setLineWidth(size * 0.035)
                obj.setTextRenderMode(2)
            for face, chunk in font_runs(line.text):
                obj.setFont(face.name, size)
                obj.textOut(chunk)
            c.drawText(obj)
            c.restoreState()

    return _Block(len(setting.lines) * step, draw)


def _rule_block(page: float) -> _Block:
    gap = 2 * mm

    def draw(c: canvas.Canvas, top: float) -> None:
        c.setLineWidth(0.6)
        c.setDash(2, 2)
        c.line(MARGIN, top - gap, page - MARGIN, top - gap)
        c.setDash()

    return _Block(2 * gap, draw)


def _gap_block(element: Gap) -> _Block:
    height = element.lines * POINTS[Size.NORMAL] * LEADING
    return _Block(height, lambda _c, _top: None)


def _qr_block(element: Qr, page: float) -> _Block:
    matrix = qr_matrix(element.payload)
    module = QR_SIDE / len(matrix)
    quiet = 3 * mm  # with the page margin this exceeds the 4-module quiet zone

    def draw(c: canvas.Canvas, top: float) -> None:
        left = (page - QR_SIDE) / 2
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


def _block(element: Element, page: float) -> _Block:
    if isinstance(element, Text):
        return _text_block(element, page)
    if isinstance(element, Rule):
        return _rule_block(page)
    if isinstance(element, Gap):
        return _gap_block(element)
    return _qr_block(element, page)


def render_receipt_pdf(
    elements: Sequence[Element], title: str = "", paper_mm: float = DEFAULT_PAPER_MM
) -> bytes:
    """A one-page PDF of ``elements`` on ``paper_mm`` (58 or 80) mm receipt paper;
    deterministic for equal input."""
    font = register_cjk_font()
    page = page_width(paper_mm)
    blocks = [_block(element, page) for element in elements]
    height = sum(block.height for block in blocks) + 2 * MARGIN
    buffer = io.BytesIO()
    c = canvas.Canvas(
        buffer,
        pagesize=(page, height),
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
