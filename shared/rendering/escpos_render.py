"""Draw a receipt layout as ESC/POS bytes for an 80 mm thermal printer.

The commands are produced by python-escpos's :class:`escpos.printer.Dummy`, which only
collects bytes; sending them is the printers' business (``shared.printing``). Text is encoded
here as GB18030 and written raw: python-escpos's own encoder turns a line of only full-width
punctuation into ``?``, and no printer profile names a Chinese code page — Chinese printers
take GB18030 (GBK) double-byte text in their Chinese mode (``FS &``).

The QR code is the printer's native ``GS ( k`` command by default; a profile with
``native_qr=False`` gets the same symbol as a raster image (``GS v 0``) instead.

python-escpos is imported when the first receipt is rendered, through
:mod:`shared.rendering.escpos_library` (its capabilities cache), not when this module is: the
apps import the renderers long before they print, and their start must not wait for it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from PIL import Image

from shared.rendering.layout import Element, Gap, Qr, Rule, Size, Text, wrap_text
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


@dataclass(frozen=True)
class EscposProfile:
    """What a particular receipt printer can do.

    Attributes:
        native_qr: the printer has the ``GS ( k`` QR command; else the QR goes as an image.
        width_dots: printable width in dots (576 for 80 mm paper at 203 dpi, 384 for 58 mm).
        qr_module_dots: dots per QR module (native command and raster alike).
        chinese_mode: send ``FS &`` so double-byte GB18030 text prints as Chinese.
        cut: cut the paper at the end.
    """

    native_qr: bool = True
    width_dots: int = 576
    qr_module_dots: int = 6
    chinese_mode: bool = True
    cut: bool = True

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


def display_columns(text: str) -> int:
    """How many half-width columns ``text`` occupies: double-byte characters take two."""
    return sum(2 if len(char.encode(ENCODING)) > 1 else 1 for char in text)


def encode(text: str) -> bytes:
    """``text`` in GB18030, every character (full-width punctuation included)."""
    return text.encode(ENCODING)


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
    """Sends style commands only when the style changes, then the GB18030 text."""

    def __init__(self, printer: Dummy, profile: EscposProfile) -> None:
        self.p = printer
        self.profile = profile
        self._style: tuple[int, bool, str] | None = None

    def style(self, scale: int = 1, bold: bool = False, align: str = "left") -> None:
        """Switch to this magnification, weight and alignment."""
        old = self._style
        if old is None or old[0] != scale:
            # GS ! magnifies every character; ESC ! would leave Chinese (FS-mode) text small.
            self.p.set(custom_size=True, width=scale, height=scale)
        if old is None or old[1] != bold:
            self.p.set(bold=bold)
        if old is None or old[2] != align:
            self.p.set(align=align)
        self._style = (scale, bold, align)

    def text(self, element: Text) -> None:
        """A paragraph, wrapped to the columns left at its magnification."""
        scale = MAGNIFY[element.size]
        # The layout's Align values are python-escpos's names ("left", "center").
        self.style(scale, element.bold, element.align.value)
        width = max(2, self.profile.columns // scale)
        for line in wrap_text(element.text, width, display_columns):
            self.p._raw(encode(line) + b"\n")

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
    "EscposProfile",
    "display_columns",
    "encode",
    "qr_raster",
    "render_receipt_escpos",
]
