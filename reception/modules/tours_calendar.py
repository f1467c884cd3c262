"""参观接待 calendars: the day view (a lane per docent, painted) and the week view (a grid).

Each tour is a :class:`TourBlock` — a real button child, so it is clicked, reached with Tab,
pressed with Enter or Space and named for a screen reader — placed over a grid the widget
paints itself: half-hour rows, hall hours shaded, and each venue's load per half hour (the
peak head count against its capacity) in a column of small bars. Colours come from the theme:
blocks are styled by their ``state`` property in the one stylesheet, the grid from the tokens.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QWidget,
)

from reception.modules.tours_ops import CalendarData, Docent, VenueInfo
from shared.clock import HALL_TZ
from shared.qt.theme import tokens_for
from shared.services.tours_views import TourView

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
CLOSED_STATES = ("cancelled", "no_show")
FIRST_HOUR, LAST_HOUR = 8, 18
ROW_H = 32  # one half hour
HEADER_H = 56
GUTTER_W = 72
LOAD_W = 150
LANE_GAP = 6


def state_key(view: TourView) -> str:
    """The block style of a tour: its state, or ``arrived`` for a checked-in group."""
    if view.arrived_at is not None and view.state in ("requested", "confirmed"):
        return "arrived"
    if view.state in CLOSED_STATES:
        return "closed"
    return view.state


def span(view: TourView) -> str:
    """``09:00–10:00`` in hall-local time."""
    return f"{view.local_start:%H:%M}–{view.local_end:%H:%M}"


def describe(view: TourView) -> str:
    """What a screen reader says for a tour block."""
    text = (
        f"{view.group_name}，{view.date:%m月%d日} {span(view)}，{view.state_zh}，"
        f"{view.expected_visitors}人，{view.route_name}，讲解员{view.docent_names or '待定'}"
    )
    return text + ("，延时" if view.extended else "")


def venue_load(tours: Iterable[TourView], venue: str, start: dt.datetime, end: dt.datetime) -> int:
    """The peak number of visitors in ``venue`` during ``[start, end)`` (live tours only)."""
    present = [
        (a, b, t.expected_visitors)
        for t in tours
        if t.state not in CLOSED_STATES
        for code, _name, a, b in t.segments
        if code == venue and a < end and b > start
    ]
    moments = [start] + [a for a, _b, _n in present if a > start]
    return max((sum(n for a, b, n in present if a <= m < b) for m in moments), default=0)


def peak_of_day(tours: Sequence[TourView], venue: str, day: dt.date) -> tuple[int, str]:
    """The day's peak load of ``venue`` and when it starts (``HH:MM``; empty when idle)."""
    start = dt.datetime.combine(day, dt.time(0), HALL_TZ)
    moments = sorted(
        {
            a
            for t in tours
            if t.state not in CLOSED_STATES
            for c, _n, a, _b in t.segments
            if c == venue
        }
    )
    best, at = 0, ""
    for moment in moments:
        if moment < start or moment >= start + dt.timedelta(days=1):
            continue
        load = venue_load(tours, venue, moment, moment + dt.timedelta(seconds=1))
        if load > best:
            best, at = load, f"{moment.astimezone(HALL_TZ):%H:%M}"
    return best, at


def lanes_for(docents: Sequence[Docent], tours: Iterable[TourView]) -> list[Docent]:
    """The active docents, plus any docent of a shown tour no longer on the list."""
    lanes = list(docents)
    known = {d.username for d in lanes}
    for view in tours:
        for username, name in view.docents:
            if username not in known:
                known.add(username)
                lanes.append(Docent(username, name))
    return lanes


class TourBlock(QAbstractButton):
    """One tour on a calendar: a button drawn in its state's colours (from the stylesheet).

    Signals:
        tour_activated(object): the :class:`TourView` was clicked or pressed (Enter/Space).
    """

    tour_activated = Signal(object)

    def __init__(self, view: TourView, compact: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.compact = compact
        self.setObjectName(f"tour_block_{view.short_id}")
        self.setProperty("role", "tour_block")
        self.setProperty("state", state_key(view))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        if compact:
            self.setText(f"{span(view)}\n{view.group_name}")
        else:
            self.setText(f"{view.group_name}\n{span(view)} · {view.expected_visitors}人")
        self.setAccessibleName(describe(view))
        self.setToolTip(describe(view))
        self.clicked.connect(self.on_clicked)

    def on_clicked(self) -> None:
        self.tour_activated.emit(self.view)

    def sizeHint(self) -> QSize:
        # Two lines of small text and the padding: above the minimum touch target.
        return QSize(160, max(tokens_for(False).min_target, 2 * tokens_for(False).small_px + 20))

    def minimumSizeHint(self) -> QSize:
        return QSize(tokens_for(False).min_target, tokens_for(False).min_target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        tokens = tokens_for(False)
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setBrush(palette.button())
        edge = QColor(tokens.focus) if self.hasFocus() else palette.buttonText().color()
        painter.setPen(QPen(edge, 3 if self.hasFocus() else 1))
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(palette.buttonText().color())
        font = QFont(self.font())
        font.setPixelSize(tokens.small_px)
        painter.setFont(font)
        inner = self.rect().adjusted(8, 4, -6, -4)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        lines = self.text().split("\n")
        metrics = painter.fontMetrics()
        if len(lines) == 1:
            text = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(inner, int(flags), text)
        else:
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            first = painter.fontMetrics().elidedText(
                lines[0], Qt.TextElideMode.ElideRight, inner.width()
            )
            painter.drawText(inner, int(flags), first)
            painter.setFont(font)
            below = inner.adjusted(0, metrics.height() + 2, 0, 0)
            if below.height() >= metrics.height():
                rest = metrics.elidedText(lines[1], Qt.TextElideMode.ElideRight, inner.width())
                painter.drawText(below, int(flags), rest)
        painter.end()


class DayCalendar(QWidget):
    """One day: a lane per docent, half-hour rows, and each venue's load.

    Signals:
        tour_activated(object): a tour block was clicked (its :class:`TourView`).
    """

    tour_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tours_day_calendar")
        self.setAccessibleName(self.tr("日程：讲解员时间表"))
        self.day = dt.date.today()
        self.lanes: list[Docent] = []
        self.venues: list[VenueInfo] = []
        self.tours: list[TourView] = []
        self.blocks: list[TourBlock] = []
        self._sessions: list[tuple[dt.time, dt.time]] = []
        self._first_hour, self._last_hour = FIRST_HOUR, LAST_HOUR
        self.setMinimumHeight(HEADER_H + (LAST_HOUR - FIRST_HOUR) * 2 * ROW_H + 2)

    # -- data ------------------------------------------------------------------------------

    def set_data(self, day: dt.date, data: CalendarData) -> None:
        """Show ``day`` from a loaded week."""
        self.day = day
        self.tours = [t for t in data.tours if t.date == day]
        live = [t for t in self.tours if t.state not in CLOSED_STATES]
        self.lanes = lanes_for(data.docents, live)
        self.venues = list(data.venues)
        self._sessions = list(data.sessions.get(day, []))
        first, last = FIRST_HOUR, LAST_HOUR
        for view in live:
            first = min(first, view.local_start.hour)
            end = view.local_end
            last = max(last, min(24, end.hour + (1 if end.minute or end.second else 0)))
        self._first_hour, self._last_hour = first, last
        self.setMinimumHeight(HEADER_H + (last - first) * 2 * ROW_H + 2)
        for block in self.blocks:
            block.deleteLater()
        self.blocks = []
        for view in live:
            for username, _name in view.docents:
                block = TourBlock(view, parent=self)
                block.setProperty("docent", username)
                block.tour_activated.connect(self.tour_activated)
                block.show()
                self.blocks.append(block)
        self.setAccessibleDescription(self.load_summary())
        self._place_blocks()
        self.update()

    def load_summary(self) -> str:
        """Each venue's peak of the day, for a screen reader (the bars say it visually)."""
        parts = []
        for venue in self.venues:
            peak, at = peak_of_day(self.tours, venue.code, self.day)
            when = f"（{at}）" if at else ""
            parts.append(f"{venue.name}最高 {peak}/{venue.capacity} 人{when}")
        return "；".join(parts)

    # -- geometry --------------------------------------------------------------------------

    def _rows(self) -> int:
        return (self._last_hour - self._first_hour) * 2

    def _lane_width(self) -> float:
        free = self.width() - GUTTER_W - LOAD_W * len(self.venues) - LANE_GAP
        return max(80.0, free / max(1, len(self.lanes)))

    def _y(self, moment: dt.datetime) -> float:
        local = moment.astimezone(HALL_TZ)
        base = dt.datetime.combine(self.day, dt.time(self._first_hour), HALL_TZ)
        minutes = (local - base).total_seconds() / 60
        minutes = max(0.0, min(minutes, self._rows() * 30.0))
        return HEADER_H + minutes / 30 * ROW_H

    def lane_rect(self, index: int) -> QRectF:
        """The rectangle of lane ``index`` (below the header)."""
        width = self._lane_width()
        return QRectF(GUTTER_W + index * width, HEADER_H, width, self._rows() * ROW_H)

    def _place_blocks(self) -> None:
        index = {d.username: i for i, d in enumerate(self.lanes)}
        minimum = tokens_for(False).min_target
        for block in self.blocks:
            lane = self.lane_rect(index[str(block.property("docent"))])
            top = self._y(block.view.starts_at)
            height = max(minimum, self._y(block.view.ends_at) - top - 2)
            block.setGeometry(
                QRect(int(lane.x() + 3), int(top + 1), int(lane.width() - 6), int(height))
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_blocks()

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = tokens_for(False)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(t.surface))
        rows = self._rows()
        bottom = HEADER_H + rows * ROW_H
        font = QFont(self.font())
        font.setPixelSize(t.small_px)
        painter.setFont(font)
        # Hours the hall is closed are shaded, so 延时 bookings stand out.
        for row in range(rows):
            start = dt.time(self._first_hour + row // 2, 30 * (row % 2))
            if not any(a <= start < b for a, b in self._sessions):
                painter.fillRect(
                    QRectF(GUTTER_W, HEADER_H + row * ROW_H, self.width() - GUTTER_W, ROW_H),
                    QColor("#e6e9ee"),
                )
        grid, strong = QColor("#c9ced6"), QColor(t.border)
        for row in range(rows + 1):
            y = HEADER_H + row * ROW_H
            painter.setPen(QPen(strong if row % 2 == 0 else grid, 1))
            painter.drawLine(GUTTER_W - 8 if row % 2 == 0 else GUTTER_W, y, self.width(), y)
            if row % 2 == 0 and row < rows:
                painter.setPen(QColor(t.text))
                painter.drawText(
                    QRectF(0, y + 2, GUTTER_W - 12, ROW_H),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                    f"{self._first_hour + row // 2:02d}:00",
                )
        bold = QFont(font)
        bold.setBold(True)
        for i, docent in enumerate(self.lanes):
            lane = self.lane_rect(i)
            painter.setPen(QPen(strong, 1))
            painter.drawLine(int(lane.right()), 0, int(lane.right()), bottom)
            painter.setPen(QColor(t.text))
            painter.setFont(bold)
            count = sum(1 for b in self.blocks if b.property("docent") == docent.username)
            painter.drawText(
                QRectF(lane.x(), 4, lane.width(), HEADER_H - 8),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                f"{docent.name}\n{count} 批" if count else f"{docent.name}\n空闲",
            )
        if not self.lanes:
            painter.setPen(QColor(t.muted))
            painter.drawText(
                QRectF(GUTTER_W, HEADER_H, 400, ROW_H * 2),
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("没有在岗讲解员"),
            )
        painter.setFont(font)
        self._paint_loads(painter, bottom)
        painter.setPen(QPen(strong, 1))
        painter.drawLine(GUTTER_W, HEADER_H, self.width(), HEADER_H)
        painter.end()

    def _paint_loads(self, painter: QPainter, bottom: int) -> None:
        t = tokens_for(False)
        x0 = self.width() - LOAD_W * len(self.venues)
        live = [v for v in self.tours if v.state not in CLOSED_STATES]
        base = dt.datetime.combine(self.day, dt.time(self._first_hour), HALL_TZ)
        for i, venue in enumerate(self.venues):
            x = x0 + i * LOAD_W
            painter.fillRect(QRectF(x, 0, LOAD_W, bottom), QColor(t.bg))
            painter.setPen(QPen(QColor(t.border), 1))
            painter.drawLine(x, 0, x, bottom)
            painter.setPen(QColor(t.text))
            painter.drawText(
                QRectF(x + 4, 4, LOAD_W - 8, HEADER_H - 8),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                f"{venue.name}\n容量 {venue.capacity}",
            )
            for row in range(self._rows()):
                start = base + dt.timedelta(minutes=30 * row)
                load = venue_load(live, venue.code, start, start + dt.timedelta(minutes=30))
                if not load:
                    continue
                y = HEADER_H + row * ROW_H
                share = min(1.0, load / max(1, venue.capacity))
                over = load > venue.capacity
                bar = QRectF(x + 6, y + 6, math.ceil((LOAD_W - 12) * share), ROW_H - 12)
                painter.fillRect(bar, QColor(t.danger if over else "#7fa6d6"))
                painter.setPen(QColor(t.danger if over else t.text))
                painter.drawText(
                    QRectF(x + 6, y, LOAD_W - 12, ROW_H),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"{load}/{venue.capacity}",
                )
