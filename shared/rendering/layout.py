"""A receipt as a list of format-neutral elements, computed once and drawn by each renderer.

The ticket (and the other slips) decide *what* goes on the paper; the PDF, ESC/POS and PNG
renderers decide *how*, including wrapping text to their own width. The rules of the paper
are here, once, so every renderer follows them (issue #19):

- a line never starts with closing punctuation, nor ends with opening punctuation (禁则): the
  character before is carried down with it;
- a list item (``□ 材料``, ``1. 步骤``) wraps under its text, not under its marker;
- a heading (the hall's name) shrinks to fit one line where it can, and otherwise breaks after
  a place word (``鄂州市华容区`` / ``政务服务中心``), never leaving one character alone.
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
    """A paragraph of text; renderers wrap it to their width.

    Attributes:
        text: the whole paragraph, marker included.
        marker: how ``text`` begins when it is a list item or a labelled value (``□ ``,
            ``1. ``, ``团组：``): every wrapped line is indented by its width, so the rest
            stands in a column beside it.
        fit: a heading: the renderer shrinks it to one line where it can, else breaks it at
            a sensible place (:func:`heading_lines`).
    """

    text: str
    size: Size = Size.NORMAL
    align: Align = Align.LEFT
    bold: bool = False
    marker: str = ""
    fit: bool = False

    def __post_init__(self) -> None:
        if not self.text.startswith(self.marker):
            raise ValueError(f"text {self.text!r} does not begin with its marker")

    @property
    def body(self) -> str:
        """The text after its marker."""
        return self.text[len(self.marker) :]


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

Measure = Callable[[str], float]

HANG_LIMIT = 0.3
"""A marker wider than this fraction of the line hangs nothing: the column beside it would
be too narrow to read (``办理事项：`` on 58 mm paper)."""

#: Characters a line never starts with (GB/T 15834 and common practice): closing brackets and
#: quotes, sentence and pause marks, the second half of ……/——, iteration marks.
CLOSING = frozenset(
    "）〕］｝〉》」』】〙〗〟’”｠»" + "、。，．：；！？‥…—–～·・々〻" + ")]}>,.;:!?%‰℃"
)
#: Characters a line never ends with: opening brackets and quotes; a range's dash and tilde
#: are in both sets, so 5–10 stays on one line.
OPENING = frozenset("（〔［｛〈《「『【〘〖〝‘“｟«([{<–～")

# Runs of Latin letters, digits and ASCII punctuation stay together when wrapping ("A001",
# "2024-05-06"); every other character (Han, full-width punctuation) may break anywhere.
_TOKEN = re.compile(r"[!-~]+|\s|.", re.DOTALL)

#: A list item's marker, as the catalog and the slips write them: a tick box, a number
#: (``1.``, ``1、``, ``(一)``, ``①``), a bullet, or the full-width indent of a note.
_MARKER = re.compile(
    r"^(?:□ |■ |· |　· |\d{1,2}[.．、]\s?|[（(][一二三四五六七八九十\d]{1,3}[)）]\s?"
    r"|[①-⑳]\s?|[一二三四五六七八九十]{1,3}、|　+)"
)

#: Words after which a name breaks sensibly: a place, then the office (鄂州市华容区 /
#: 政务服务中心), or the office, then its part (华容区政务服务中心 / 24小时政务自助服务区).
_NAME_BREAKS = ("中心", "新城", "街道", "省", "市", "区", "县", "镇", "乡", "）", "·", " ", "　")


def split_marker(line: str) -> tuple[str, str]:
    """``("□ ", "居民户口簿")`` for ``"□ 居民户口簿"``; ``("", line)`` for a plain line."""
    match = _MARKER.match(line)
    if match is None or match.end() == len(line):
        return "", line
    return match.group(0), line[match.end() :]


def list_item(line: str, size: Size = Size.SMALL, *, bold: bool = False) -> Text:
    """A list line (material, step, note) as a :class:`Text` that wraps under its text."""
    marker, _text = split_marker(line)
    return Text(line, size, bold=bold, marker=marker)


def labelled(label: str, value: str, size: Size = Size.NORMAL, *, bold: bool = False) -> Text:
    """``团组：value`` whose wrapped lines stand under the value, not under the label."""
    return Text(f"{label}：{value}", size, bold=bold, marker=f"{label}：")


def _groups(paragraph: str) -> list[str]:
    """The paragraph's tokens, with each closing mark glued to what precedes it, each opening
    mark to what follows, and a number to its measure word (``2份``): a group is never split
    across lines."""
    groups: list[str] = []
    glue_next = False
    for token in _TOKEN.findall(paragraph):
        counted = bool(groups) and groups[-1][-1].isdigit() and _is_han(token)
        if groups and not token.isspace() and (glue_next or token[0] in CLOSING or counted):
            groups[-1] += token
        else:
            groups.append(token)
        glue_next = not token.isspace() and token[-1] in OPENING
    return groups


def _is_han(token: str) -> bool:
    return len(token) == 1 and ("\u4e00" <= token <= "\u9fff" or "\u3400" <= token <= "\u4dbf")


def _cut(line: str, width: float, measure: Measure) -> int:
    """Where to cut a group wider than the line: as much as fits, moved back so the next
    line does not start with a closing mark (unless that would leave nothing)."""
    cut = len(line) - 1
    while cut > 1 and measure(line[:cut]) > width:
        cut -= 1
    while cut > 1 and (line[cut] in CLOSING or line[cut - 1] in OPENING):
        cut -= 1
    return max(1, cut)


def wrap_text(text: str, width: float, measure: Measure) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` (explicit newlines kept).

    ``measure`` gives a string's width in the caller's unit (PDF points, pixels, printer
    columns), so every renderer breaks lines by the same rule at its own width. No line starts
    with a closing mark or ends with an opening one (see :data:`CLOSING`, :data:`OPENING`).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for group in _groups(paragraph):
            candidate = line + group
            if measure(candidate) <= width or not line.strip():
                line = candidate
            else:
                lines.append(line.rstrip())
                line = group.lstrip()
            # A group wider than the whole line is cut character by character.
            while measure(line) > width and len(line) > 1:
                cut = _cut(line, width, measure)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def name_break(text: str, width: float, measure: Measure) -> list[str] | None:
    """``text`` in two lines broken after a place word (区, 市, 中心 …) where both fit, the
    most even such break; ``None`` when there is none."""
    best: tuple[float, int] | None = None
    for word in _NAME_BREAKS:
        start = 0
        while (at := text.find(word, start)) >= 0:
            cut = at + len(word)
            start = at + 1
            head, tail = text[:cut].rstrip(), text[cut:].lstrip()
            if not head or not tail or measure(head) > width or measure(tail) > width:
                continue
            spread = abs(measure(head) - measure(tail))
            if best is None or spread < best[0]:
                best = (spread, cut)
    if best is None:
        return None
    return [text[: best[1]].rstrip(), text[best[1] :].lstrip()]


def heading_lines(text: str, width: float, measure: Measure) -> list[str]:
    """A name as lines no wider than ``width``: one line when it fits, else a break after a
    place word (:func:`name_break`), else an even wrap (never one character alone on the
    last line)."""
    if measure(text) <= width:
        return [text]
    broken = name_break(text, width, measure)
    if broken is not None:
        return broken
    lines = wrap_text(text, width, measure)
    if len(lines) > 1 and len(lines[-1]) < 2:
        # Balance: shorten every line a little so the last is not a lone character.
        count = len(lines)
        narrower = width
        while narrower > 0:
            narrower -= measure(text[:1]) / 2
            trial = wrap_text(text, narrower, measure)
            if len(trial) > count:
                break
            if len(trial[-1]) >= 2:
                return trial
    return lines
