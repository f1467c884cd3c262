"""A receipt as a list of format-neutral elements, computed once and drawn by each renderer.

The ticket (and later the tour confirmation slip) decides *what* goes on the paper; the PDF,
ESC/POS and PNG renderers decide *how*, including wrapping text to their own width.
"""

from __future__ import annotations

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
