"""Draw a receipt layout as ESC/POS bytes for an 80 (or 58) mm thermal printer.

The commands are produced by python-escpos's :class:`escpos.printer.Dummy`, which only
collects bytes; sending them is the printers' business (``shared.printing``). Text is encoded
here and written raw: python-escpos's own encoder turns a line of only full-width punctuation
into ``?``, and no printer profile names a Chinese code page — Chinese printers take
double-byte text in their Chinese mode (``FS &``).

Only GB2312's characters go out as text (issue #19): that is the set every Chinese receipt
printer's font has, while GB18030's two- and four-byte extensions (the range dash ``–`` is
``A8 43``, 𠮷 four bytes) print as blanks or garbage on many. A character outside it is sent
as its safe equivalent (``–`` → ``-``, ``〝`` → ``“``, ``㎡`` → ``m2``, a traditional
character as its simplified form), else as 〓 (the typesetter's mark for a missing character);
a printer whose profile says ``raster_text`` gets such a line drawn as an image instead, in the
slip's fonts, so a rare name prints exactly.

The QR code is the printer's native ``GS ( k`` command by default; a profile with
``native_qr=False`` gets the same symbol as a raster image (``GS v 0``) instead.

python-escpos is imported when the first receipt is rendered, through
:mod:`shared.rendering.escpos_library` (its capabilities cache), not when this module is: the
apps import the renderers long before they print, and their start must not wait for it.
"""

from __future__ import annotations

import copy
import functools
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from shared.rendering.fonts import REPLACEMENT
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

if TYPE_CHECKING:
    from shared.rendering.escpos_library import Dummy

ENCODING = "gb18030"
CHAR_DOTS = 12
"""Width of one half-width character of font A; a Chinese character takes two."""
LINE_DOTS = 30
"""Height of a normal text line (24-dot glyphs plus the default spacing)."""
QUIET_MODULES = 4

ESC = b"\x1b"
FS = b"\x1c"
CHINESE_MODE = FS + b"&"
"""``FS &``: select Chinese (double-byte) character mode."""

MAGNIFY: dict[Size, int] = {
    Size.SMALL: 1,
    Size.NORMAL: 1,
    Size.LARGE: 2,
    Size.HUGE: 4,
}
"""Character magnification (width and height alike) per layout size."""

GLYPH_DOTS = 24
"""Height (and a Chinese character's width) of a font A glyph, in dots."""

SUBSTITUTES: dict[str, str] = {
    # Dashes and minus: the range dash first (5–10 分钟).
    "–": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
    "―": "—",
    "⸺": "——",
    # Quotes and angle quotes.
    "〝": "“",
    "〞": "”",
    "〟": "”",
    "„": "“",
    "‟": "“",
    "‚": "‘",
    "‛": "‘",
    "«": "《",
    "»": "》",
    "‹": "〈",
    "›": "〉",
    # Dots, bullets, ellipsis, tilde.
    "•": "·",
    "‧": "·",
    "∙": "·",
    "⋅": "·",
    "・": "·",
    "⋯": "…",
    "〜": "～",
    # Money.
    "¥": "￥",
    "€": "EUR",
}
"""GB2312 equivalents of characters a slip may carry that GB2312 lacks (before NFKC)."""


@dataclass(frozen=True)
class EscposProfile:
    """What a particular receipt printer can do.

    Attributes:
        native_qr: the printer has the ``GS ( k`` QR command; else the QR goes as an image.
        width_dots: printable width in dots (576 for 80 mm paper at 203 dpi, 384 for 58 mm).
        qr_module_dots: dots per QR module (native command and raster alike).
        chinese_mode: send ``FS &`` so double-byte text prints as Chinese.
        cut: cut the paper at the end.
        raster_text: draw a line holding a character outside GB2312 (a rare name) as an
            image instead of sending a substitute.
    """

    native_qr: bool = True
    width_dots: int = 576
    qr_module_dots: int = 6
    chinese_mode: bool = True
    cut: bool = True
    raster_text: bool = False

    def __post_init__(self) -> None:
        if not 8 * CHAR_DOTS <= self.width_dots <= 4096:
            raise ValueError(f"printer width out of range: {self.width_dots} dots")
        if not 1 <= self.qr_module_dots <= 16:
            raise ValueError(f"QR module size out of range: {self.qr_module_dots} dots")

    @property
    def columns(self) -> int:
        """Half-width characters per line at normal size."""
        return self.width_dots // CHAR_DOTS

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EscposProfile:
        """The profile named by a terminal's printer settings (unknown keys ignored).

        Raises:
            ValueError: a value is not a number or out of range.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in config.items():
            if key not in known:
                continue
            if isinstance(getattr(cls, key), bool):
                values[key] = bool(value)
            else:
                values[key] = int(value)
        return cls(**values)


DEFAULT_PROFILE = EscposProfile()


def in_gb2312(data: bytes) -> bool:
    """Whether ``data`` is one ASCII byte or one assigned GB2312 double-byte character."""
    if len(data) == 1:
        return data[0] < 0x80
    if len(data) != 2:
        return False
    try:
        data.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def safe_equivalent(char: str) -> str | None:
    """``char`` as GB2312 can print it: itself, a substitute (:data:`SUBSTITUTES`, then its
    compatibility form: ``㎡`` → ``m2``), or ``None`` when it has none (𠮷, 堃)."""
    for candidate in (char, SUBSTITUTES.get(char), unicodedata.normalize("NFKC", char)):
        if candidate and all(_encodes_in_gb2312(c) for c in candidate):
            return candidate
    return None


def _encodes_in_gb2312(char: str) -> bool:
    try:
        return in_gb2312(char.encode(ENCODING))
    except UnicodeEncodeError:
        return False


@functools.cache
def _simplifier() -> Any:
    from opencc import OpenCC  # only for a line with traditional characters

    return OpenCC("t2s")


def printable(text: str) -> str:
    """``text`` with every character GB2312 lacks replaced by its safe equivalent: a
    substitute (:func:`safe_equivalent`), else its simplified form when it is a traditional
    character (``證`` → ``证``, by OpenCC, which reads whole words), else
    :data:`~shared.rendering.fonts.REPLACEMENT`."""
    if not needs_raster(text):
        return "".join(safe_equivalent(char) or "" for char in text)
    simplified = str(_simplifier().convert(text))
    out = []
    for index, char in enumerate(text):
        safe = safe_equivalent(char)
        if safe is None and len(simplified) == len(text) and simplified[index] != char:
            safe = safe_equivalent(simplified[index])
        out.append(safe or REPLACEMENT)
    return "".join(out)


def needs_raster(text: str) -> bool:
    """Whether ``text`` holds a character with no GB2312 equivalent of its own (a rare name,
    a traditional character): a ``raster_text`` printer draws such a line exactly."""
    return any(safe_equivalent(char) is None for char in text)


def _columns(char: str) -> int:
    # A character without an equivalent prints as a double-byte one (its simplified form or 〓).
    safe = safe_equivalent(char)
    return 2 if safe is None else sum(1 if ord(c) < 0x80 else 2 for c in safe)


def display_columns(text: str) -> int:
    """How many half-width columns ``text`` occupies when printed: double-byte characters
    take two (measured on what is sent: :func:`printable`)."""
    return sum(_columns(char) for char in text)


def encode(text: str) -> bytes:
    """``text`` as the printer receives it: GB2312 bytes only (see :func:`printable`)."""
    return printable(text).encode(ENCODING)


def _printer(profile: EscposProfile) -> Dummy:
    from shared.rendering.escpos_library import Dummy, get_profile

    # A private copy of the default capabilities with the paper width filled in: python-escpos
    # prints a warning to stdout when it has to place an image on paper of unknown width.
    capabilities = get_profile("default")
    capabilities.profile_data = copy.deepcopy(capabilities.profile_data)
    capabilities.profile_data["media"]["width"]["pixels"] = profile.width_dots
    printer = Dummy()
    printer.profile = capabilities
    return printer


class _Writer:
    """Sends style commands only when the style changes, then the GB2312 text."""

    def __init__(self, printer: Dummy, profile: EscposProfile) -> None:
        self.p = printer
        self.profile = profile
        self._style: tuple[int, int, bool, str] | None = None

    def style(
        self, scale: int = 1, bold: bool = False, align: str = "left", width: int | None = None
    ) -> None:
        """Switch to this magnification (``width`` narrower than ``scale`` for a heading
        squeezed onto one line), weight and alignment."""
        wide = scale if width is None else width
        old = self._style
        if old is None or old[:2] != (wide, scale):
            # GS ! magnifies every character; ESC ! would leave Chinese (FS-mode) text small.
            self.p.set(custom_size=True, width=wide, height=scale)
        if old is None or old[2] != bold:
            self.p.set(bold=bold)
        if old is None or old[3] != align:
            self.p.set(align=align)
        self._style = (wide, scale, bold, align)

    def text(self, element: Text) -> None:
        """A paragraph, wrapped to the columns left at its magnification."""
        scale = MAGNIFY[element.size]
        columns = self.profile.columns
        width = scale
        if element.fit:
            lines, width = self.heading(element.text, scale)
        elif element.marker and display_columns(element.marker) <= columns // scale * HANG_LIMIT:
            indent = display_columns(element.marker)
            body = wrap_text(element.body, max(2, columns // scale - indent), display_columns)
            lines = [element.marker + body[0], *(" " * indent + line for line in body[1:])]
        else:
            lines = wrap_text(element.text, max(2, columns // scale), display_columns)
        # The layout's Align values are python-escpos's names ("left", "center").
        self.style(scale, element.bold, element.align.value, width)
        for line in lines:
            if self.profile.raster_text and needs_raster(line):
                self.raster_line(line, element, scale, width)
            else:
                self.p._raw(encode(line) + b"\n")

    def heading(self, text: str, scale: int) -> tuple[list[str], int]:
        """A name's lines and character width: one line at its size; else one line in
        narrower letters (its height kept); else two lines broken after a place word, in
        letters as wide as fit; else wrapped evenly at its size."""
        columns = self.profile.columns
        for width in range(scale, 0, -1):
            if display_columns(text) <= columns // width:
                return [text], width
        for width in range(scale, 0, -1):
            lines = name_break(text, columns // width, display_columns)
            if lines is not None:
                return lines, width
        return heading_lines(text, max(2, columns // scale), display_columns), scale

    def raster_line(self, line: str, element: Text, scale: int, width: int) -> None:
        """A line with a character the printer's font lacks, drawn in the slip's fonts at
        the size the printer would print it."""
        from shared.rendering.fonts import primary_face
        from shared.rendering.png import draw_line, pil_font, text_length

        pixels = GLYPH_DOTS * scale
        height = LINE_DOTS * scale
        ascent, descent = pil_font(primary_face(), pixels).getmetrics()
        baseline = (height - ascent - descent) // 2 + ascent
        length = max(1, math.ceil(text_length(line, pixels)))
        strip = Image.new("L", (length, height), 255)
        stroke = pixels * 0.0175 if element.bold else 0.0
        draw_line(ImageDraw.Draw(strip), 0, baseline, line, pixels, stroke)
        if width != scale:  # a heading's narrower letters
            strip = strip.resize((max(1, round(length * width / scale)), height))
        strip = strip.crop((0, 0, min(strip.width, self.profile.width_dots), height))
        image = Image.new("L", (self.profile.width_dots, height), 255)
        left = (image.width - strip.width) // 2 if element.align is Align.CENTER else 0
        image.paste(strip, (left, 0))
        self.p.image(image.point(lambda v: 255 if v > 127 else 0).convert("1"))

    def rule(self) -> None:
        self.style()
        self.p._raw(b"-" * self.profile.columns + b"\n")

    def gap(self, element: Gap) -> None:
        dots = max(0, min(255, round(element.lines * LINE_DOTS)))
        if dots:
            self.p._raw(ESC + b"J" + bytes((dots,)))  # feed the paper by that many dots

    def qr(self, element: Qr) -> None:
        self.style(align="center")
        if self.profile.native_qr:
            from shared.rendering.escpos_library import QR_ECLEVEL_M

            self.p._raw(b"\n")
            self.p.qr(
                element.payload, ec=QR_ECLEVEL_M, size=self.profile.qr_module_dots, native=True
            )
            self.p._raw(b"\n")
        else:
            self.p.image(qr_raster(element.payload, self.profile), impl="bitImageRaster")


def qr_raster(payload: str, profile: EscposProfile) -> Image.Image:
    """The QR symbol as a 1-bit image as wide as the paper, centred, with its quiet zone."""
    matrix = qr_matrix(payload)
    module = profile.qr_module_dots
    side = (len(matrix) + 2 * QUIET_MODULES) * module
    if side > profile.width_dots:
        module = max(1, profile.width_dots // (len(matrix) + 2 * QUIET_MODULES))
        side = (len(matrix) + 2 * QUIET_MODULES) * module
    image = Image.new("1", (profile.width_dots, side), 1)
    left = (profile.width_dots - len(matrix) * module) // 2
    top = QUIET_MODULES * module
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                x = left + col_index * module
                y = top + row_index * module
                image.paste(0, (x, y, x + module, y + module))
    return image


def render_receipt_escpos(
    elements: Sequence[Element], profile: EscposProfile = DEFAULT_PROFILE
) -> bytes:
    """The ESC/POS byte stream printing ``elements``; deterministic for equal input."""
    p = _printer(profile)
    p.hw("INIT")
    if profile.chinese_mode:
        p._raw(CHINESE_MODE)
    out = _Writer(p, profile)
    out.style()
    for element in elements:
        if isinstance(element, Text):
            out.text(element)
        elif isinstance(element, Rule):
            out.rule()
        elif isinstance(element, Gap):
            out.gap(element)
        else:
            out.qr(element)
    out.style()
    if profile.cut:
        p.cut()
    else:
        p.print_and_feed(4)
    data: bytes = p.output
    p.close()
    return data


__all__ = [
    "DEFAULT_PROFILE",
    "SUBSTITUTES",
    "EscposProfile",
    "display_columns",
    "encode",
    "in_gb2312",
    "needs_raster",
    "printable",
    "qr_raster",
    "render_receipt_escpos",
    "safe_equivalent",
]
