"""A receipt as a list of format-neutral elements, computed once and drawn by each renderer.

The ticket (and later the tour confirmation slip) decides *what* goes on the paper; the PDF,
ESC/POS and PNG renderers decide *how*, including wrapping text to their own width.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Align(Enum):
    """Horizontal placement of a text line."""

    LEFT = "left"
    CENTER = "center"


class Size(Enum):
    """Relative text sizes; each renderer maps them to points or printer magnifications."""

    SMALL = "small"
    NORMAL = "normal"
    LARGE = "large"
    HUGE = "huge"


@dataclass(frozen=True)
class Text:
    """A paragraph of text; renderers wrap it to their width."""

    text: str
    size: Size = Size.NORMAL
    align: Align = Align.LEFT
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A thin horizontal separator."""


@dataclass(frozen=True)
class Gap:
    """Vertical space, in text lines of normal size."""

    lines: float = 0.5


@dataclass(frozen=True)
class Qr:
    """A centred QR code carrying ``payload`` (keep it ASCII: decoders garble other text)."""

    payload: str


Element = Text | Rule | Gap | Qr


# Runs of Latin letters, digits and ASCII punctuation stay together when wrapping ("A001",
# "2024-05-06"); every other character (Han, full-width punctuation) may break anywhere.
_TOKEN = re.compile(r"[!-~]+|\s|.", re.DOTALL)


def wrap_text(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (explicit newlines kept).

    ``measure`` gives a string's width in the caller's unit (PDF points, pixels, printer
    columns), so every renderer breaks lines by the same rule at its own width.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKEN.findall(paragraph):
            candidate = line + token
            if measure(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
            # A token wider than the whole line is cut character by character.
            while measure(line) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines
