"""What a row of a console table says: its columns, cells and rows, as plain data, and the
one format of times and waiting times (issue #19). :class:`shared.qt.tables.DataTable` shows
them; pages build them from their services' view data.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from PySide6.QtCore import Qt

from shared.clock import to_local, utcnow

ColumnKind = Literal["text", "main", "code", "number", "time"]
Tone = Literal["urgent", "warning", "priority", "active", "muted"]
#: The pictogram beside a kind's words (the words always stay: a picture is never alone).
KIND_PICTOGRAMS: dict[str, str] = {
    # Priority tickets and requests: who is served first.
    "elderly": "old",
    "disabled": "disabled",
    "pregnant": "baby-carriage-filled",
    "other": "help-circle",
    # Priority request kinds.
    "green_ticket": "ticket",
    "assistance": "user-heart",
    "home_visit": "home-heart",
}
#: The pictogram of each tone that has one of its own.
TONE_PICTOGRAMS: dict[str, str] = {"urgent": "alert-triangle", "warning": "alert-circle"}
#: Pictograms of states shown beside their words: a locked account or pad, a desk that
#: cannot print.
LOCK_PICTOGRAM = "lock"
PRINTER_OFF_PICTOGRAM = "printer-off"
#: Every pictogram the console's tables and state warnings name (each must be shipped).
CONSOLE_PICTOGRAMS = frozenset(
    {*KIND_PICTOGRAMS.values(), *TONE_PICTOGRAMS.values(), LOCK_PICTOGRAM, PRINTER_OFF_PICTOGRAM}
)
#: Tones whose words are bold: what must be seen first (the others have their colour and
#: pictogram; bold there too would only widen the column and shout).
BOLD_TONES = frozenset({"urgent"})

#: Characters a main column keeps when the table is narrow (the rest elides, in full on hover);
#: a text column keeps its title and this many characters. Past that the table scrolls
#: sideways rather than show cells of "…" alone.
MAIN_MIN_EM = 8
TEXT_MIN_EM = 5
#: Words that say "nothing here" in an optional column.
NOTHING = frozenset({"", "—"})

_ALIGN = Qt.AlignmentFlag
_RIGHT = _ALIGN.AlignRight | _ALIGN.AlignVCenter
_LEFT = _ALIGN.AlignLeft | _ALIGN.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One column: its translated title, what it holds, and whether staff sort by it.

    ``kind``: ``main`` is the text column that takes the spare width (and elides, with the
    full text on hover); ``number`` and ``time`` are right-aligned; ``code`` and ``text`` fit
    their contents. When the table is too narrow for every column's contents, the main
    columns give way first (down to :data:`MAIN_MIN_EM` characters), then ``text`` columns
    (down to :data:`TEXT_MIN_EM`); codes, numbers and times are never cut.
    """

    title: str
    kind: ColumnKind = "text"
    sortable: bool = False
    #: Hidden while no row has anything to say in it (a 预约时段 when no home visit is
    #: listed): room for the columns that do.
    optional: bool = False

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return _RIGHT if self.kind in ("number", "time") else _LEFT


@dataclass(frozen=True)
class Cell:
    """One cell: its words, what it sorts by, and how it looks.

    Attributes:
        text: the words shown.
        sort: what the column sorts by (default: the words).
        tone: ``urgent``, ``warning``, ``priority``, ``active`` or ``muted`` (from the
            services' facts, never decided here).
        icon: a pictogram name (:data:`KIND_PICTOGRAMS`); an urgent or warning tone brings its
            own when none is given (``""``: none at all).
        spoken: what a screen reader says instead of the words (``已超时，请尽快接单``).
        tip: a tooltip (a main column shows its full text by default).
    """

    text: str
    sort: Any = None
    tone: Tone | None = None
    icon: str | None = None
    spoken: str | None = None
    tip: str | None = None


CellLike = Cell | str | int | None


@dataclass(frozen=True)
class Row:
    """One row: its key (kept selected across reloads), cells, plain record and urgency.

    ``urgency`` ranks rows for the default selection (the highest is selected; 0 is
    nothing special); ``tone`` colours the whole row (``urgent`` tints it, ``muted`` greys a
    closed record).
    """

    key: Hashable
    cells: Sequence[CellLike]
    data: Any = None
    urgency: int = 0
    tone: Tone | None = None


def clock_text(moment: datetime | None, now: datetime | None = None) -> str:
    """A time as every table writes it: ``09:05`` today, ``12-03 09:05`` on another day."""
    if moment is None:
        return ""
    local = to_local(moment)
    today = to_local(now or utcnow()).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def duration_text(seconds: int) -> str:
    """A waiting time: ``75`` → ``1分15秒``; an hour or more → ``1小时05分``."""
    minutes, secs = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}小时{minutes:02d}分"
    return f"{minutes}分{secs:02d}秒"


def time_cell(moment: datetime | None, now: datetime | None = None, **look: Any) -> Cell:
    """A cell for a moment, in the one format of :func:`clock_text`, sorted by the moment."""
    return Cell(clock_text(moment, now), sort=moment, **look)


def number_cell(value: int | float | None, **look: Any) -> Cell:
    """A cell for a count (empty for ``None``), sorted as a number."""
    return Cell("" if value is None else f"{value:g}", sort=value, **look)


def duration_cell(seconds: int, **look: Any) -> Cell:
    """A cell for a waiting time (:func:`duration_text`), sorted by the seconds."""
    return Cell(duration_text(seconds), sort=seconds, **look)


def sort_key(value: Any) -> tuple[int, Any]:
    # Empty values sort last whichever way; a value is compared with its own kind only.
    if value is None or value == "":
        return (1, "")
    return (0, value)
