"""The fonts a slip is drawn in: the bundled CJK font, a second font for what it lacks, and a
visible mark for what no font has.

reportlab's built-in ``STSong-Light`` is not embedded (the viewer or printer must supply it),
and Noto CJK's CFF outlines do not load as TrueType; WenQuanYi Micro Hei from
``resources/fonts`` embeds as a subset and its text reads back exactly (pdftotext).

WenQuanYi covers GB18030's two-byte characters but nothing beyond the Basic Multilingual
Plane: a name with 𠮷 (U+20BB7) would print blank in the PDF and as a box in the PNG. Such a
character is drawn in a second font, the first of :data:`FALLBACK_FILES` present (BabelStone
Han on Debian, ``fonts-babelstone-han``; SimSun-ExtB on Windows), loaded only when a text
needs it; a character no font has is drawn as :data:`REPLACEMENT` (〓, the typesetter's mark
for a missing character), never as nothing.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from shared.paths import resource_path, resources_dir

CJK_FONT = "WQY"
"""The reportlab font name under which the bundled CJK font is registered."""

FONT_FILE = ("fonts", "wqy-microhei.ttc")

FALLBACK_FONT = "HanFallback"
"""The reportlab name of the second font, for characters the first lacks."""

FALLBACK_FILES: tuple[tuple[str, ...], ...] = (
    ("resources", "fonts", "fallback.ttf"),  # a hall's own, shipped with the app
    ("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",),  # Debian fonts-babelstone-han
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",),  # Debian fonts-hanazono
    ("C:/Windows/Fonts/simsunb.ttf",),  # Windows: SimSun-ExtB
)
"""Where the second font is looked for, in order (a relative path is a bundled resource)."""

REPLACEMENT = "〓"
"""Drawn for a character no font has (in GB2312, so the receipt printer has it too)."""


@dataclass(frozen=True)
class Face:
    """A font a run of text is drawn in: its reportlab name and its file (for pillow)."""

    name: str
    path: Path
    index: int = 0


class _Font(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A TrueType font whose text reads back beyond U+FFFF too.

    reportlab writes each ToUnicode entry as four hex digits, so 𠮷 (U+20BB7) would read back
    as ``₻``; a PDF wants the UTF-16 surrogate pair. The CMaps of subsets holding such a
    character are written again after reportlab made them.
    """

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if all(code <= 0xFFFF for code in subset):
                continue
            base = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX))
            name = base.decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + name].content = _to_unicode(name, subset)


def _utf16_hex(code: int) -> str:
    return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode(name: str, subset: list[int]) -> str:
    entries = [f"<{index:02X}> <{_utf16_hex(code)}>" for index, code in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
            f"/CMapName /{name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


@functools.cache
def register_cjk_font() -> str:
    """Register the bundled font (first call only) and return its reportlab name.

    Raises:
        FileNotFoundError: the font is missing from ``resources/fonts``.
    """
    path = resource_path(*FONT_FILE)
    pdfmetrics.registerFont(TTFont(CJK_FONT, str(path), subfontIndex=0))
    return CJK_FONT


@functools.cache
def primary_face() -> Face:
    """The bundled CJK font (registered on first use)."""
    return Face(register_cjk_font(), resource_path(*FONT_FILE), 0)


def _candidates() -> Iterable[Path]:
    for parts in FALLBACK_FILES:
        if parts[0] == "resources":
            yield resources_dir().joinpath(*parts[1:])
        else:
            yield Path(parts[0])


@functools.cache
def fallback_face() -> Face | None:
    """The second font (registered on first use), or ``None`` when the machine has none."""
    for path in _candidates():
        if path.is_file():
            pdfmetrics.registerFont(_Font(FALLBACK_FONT, str(path)))
            return Face(FALLBACK_FONT, path, 0)
    return None


def _covers(name: str, char: str) -> bool:
    font = pdfmetrics.getFont(name)
    return ord(char) in font.face.charToGlyph


@functools.lru_cache(maxsize=4096)
def face_for(char: str) -> Face | None:
    """The font that draws ``char``: the bundled one, else the second, else ``None``."""
    primary = primary_face()
    # Spaces and controls draw nothing in any font; a private-use character is not covered.
    if _covers(primary.name, char) or char.isspace() or unicodedata.category(char) == "Cc":
        return primary
    second = fallback_face()
    if second is not None and _covers(second.name, char):
        return second
    return None


def font_runs(text: str) -> list[tuple[Face, str]]:
    """``text`` as runs of one font each; a character no font has becomes
    :data:`REPLACEMENT` in the bundled font."""
    runs: list[tuple[Face, str]] = []
    primary = primary_face()
    for char in text:
        face = face_for(char)
        if face is None:
            face, char = primary, REPLACEMENT
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def drawable(text: str) -> str:
    """``text`` as it will be drawn: characters no font has replaced by :data:`REPLACEMENT`."""
    return "".join(chunk for _face, chunk in font_runs(text))


def string_width(text: str, size: float) -> float:
    """The width of ``text`` in points at ``size``, each run in its own font."""
    return float(
        sum(pdfmetrics.stringWidth(chunk, face.name, size) for face, chunk in font_runs(text))
    )


__all__ = [
    "CJK_FONT",
    "FALLBACK_FILES",
    "FALLBACK_FONT",
    "FONT_FILE",
    "REPLACEMENT",
    "Face",
    "drawable",
    "face_for",
    "fallback_face",
    "font_runs",
    "primary_face",
    "register_cjk_font",
    "string_width",
]
