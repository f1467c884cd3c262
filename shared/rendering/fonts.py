"""The bundled CJK font, registered with reportlab once per process.

reportlab's built-in ``STSong-Light`` is not embedded (the viewer or printer must supply it),
and Noto CJK's CFF outlines do not load as TrueType; WenQuanYi Micro Hei from
``resources/fonts`` embeds as a subset and its text reads back exactly (pdftotext).
"""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from shared.paths import resource_path

CJK_FONT = "WQY"
"""The reportlab font name under which the bundled CJK font is registered."""

FONT_FILE = ("fonts", "wqy-microhei.ttc")


@functools.cache
def register_cjk_font() -> str:
    """Register the bundled font (first call only) and return its reportlab name.

    Raises:
        FileNotFoundError: the font is missing from ``resources/fonts``.
    """
    path = resource_path(*FONT_FILE)
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(path), subfontIndex=0))
    return CJK_FONT
