"""How the planner is drawn: each day's hours (open white, closed grey, 延时 hatched amber,
closed days hatched grey), the hour grid, the venue-load bars, the lane labels with free
time, lunch and the now line — and the time axis header above it.

Drawing only: the numbers come from the background operation
(:class:`~reception.modules.tours_ops.CalendarData`) and the geometry from the planner.
Colours are the theme's tokens and a few greys between them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from reception.i18n import translate
from reception.modules.tours_calendar import WEEKDAYS_SHORT
from shared.clock import to_local, utcnow
from shared.qt.theme import tokens_for
from shared.services.tours_planner import PlanDay

if TYPE_CHECKING:
    from reception.modules.tours_week import Band, Row, WeekPlanner

LANE_H = 44  # a docent's row: the chip's touch target
LANE_MAX = {False: 64, True: 320}  # how tall lanes may grow to fill the page (week, day)
LOAD_H = {False: 20, True: 40}
CLOSED_H = 26
BAND_GAP = 4
DAY_W = 88
DOCENT_W = 116
RIGHT_PAD = 30
AXIS_H = 30
# Greys and hatches between the tokens' page and border colours.
CLOSED_FILL = "#e4e8ed"
CLOSED_HATCH = "#c5ccd5"
GRID = "#c9ced6"
GRID_MINOR = "#e8ebef"
EXTENDED_FILL = "#fffaf0"
EXTENDED_HATCH = "#d9a441"
TRACK = "#e4e8ed"
#: Bar colours of the venues, in the order the calendar lists them (the hall first).
VENUE_COLOURS = ("#0b4f9c", "#0f766e", "#6b21a8", "#5c3b00")
CONTEXT = "WeekPlanner"


def venue_colour(index: int) -> str:
    """The bar colour of the venue at ``index``."""
    return VENUE_COLOURS[index % len(VENUE_COLOURS)]


def minutes_of(moment: dt.time) -> int:
    """Minutes since midnight."""
    return moment.hour * 60 + moment.minute


def free_text(minutes: int, closed: bool) -> str:
    """A docent's free time that day, as the lane's label says it."""
    if closed:
        return translate(CONTEXT, "休息")
    if minutes <= 0:
        return translate(CONTEXT, "已排满")
    if minutes < 60:
        return translate(CONTEXT, "空闲 {n} 分钟").format(n=minutes)
    hours = f"{minutes / 60:.1f}".removesuffix(".0")
    return translate(CONTEXT, "空闲 {n} 小时").format(n=hours)


class PlannerPainter:
    """Draws one planner with one painter (see the module's docstring)."""

    def __init__(self, planner: WeekPlanner, painter: QPainter) -> None:
        self.p = planner
        self.painter = painter

    def paint(self) -> None:
        """Draw every band: folded closed days, or load bars, hours, lanes and labels."""
        painter = self.painter
        t = tokens_for(False)
        painter.fillRect(self.p.rect(), QColor(t.surface))
        font = QFont(self.p.font())
        font.setPixelSize(t.small_px)
        painter.setFont(font)
        for band in self.p.bands:
            if band.folded:
                self._paint_folded(painter, band)
            else:
                self._paint_band(painter, band)

    def _paint_hours(self, painter: QPainter, plan: PlanDay, top: float, height: float) -> None:
        x0, x1 = self.p.label_width(), self.p.width() - RIGHT_PAD
        painter.fillRect(QRectF(x0, top, x1 - x0, height), QColor(CLOSED_FILL))
        if plan.closed:
            painter.fillRect(
                QRectF(x0, top, x1 - x0, height),
                QBrush(QColor(CLOSED_HATCH), Qt.BrushStyle.BDiagPattern),
            )
        for a, b in plan.sessions:
            rect = QRectF(
                self.p.x_at(minutes_of(a)),
                top,
                self.p.x_at(minutes_of(b) or 1440) - self.p.x_at(minutes_of(a)),
                height,
            )
            painter.fillRect(rect, QColor("#ffffff"))
        for a, b in plan.extended:
            rect = QRectF(
                self.p.x_at(minutes_of(a)),
                top,
                self.p.x_at(minutes_of(b) or 1440) - self.p.x_at(minutes_of(a)),
                height,
            )
            painter.fillRect(rect, QColor(EXTENDED_FILL))
            painter.fillRect(rect, QBrush(QColor(EXTENDED_HATCH), Qt.BrushStyle.BDiagPattern))

    def _paint_grid(self, painter: QPainter, top: float, bottom: float, minor: bool) -> None:
        for hour in range(self.p.first_hour, self.p.last_hour + 1):
            x = self.p.tick_x(hour)
            painter.setPen(QPen(QColor(GRID), 1))
            painter.drawLine(QPoint(round(x), round(top)), QPoint(round(x), round(bottom)))
            if minor and hour < self.p.last_hour:
                painter.setPen(QPen(QColor(GRID_MINOR), 1))
                half = round(self.p.x_at(hour * 60 + 30))
                painter.drawLine(QPoint(half, round(top)), QPoint(half, round(bottom)))

    def _paint_band(self, painter: QPainter, band: Band) -> None:
        t = tokens_for(False)
        plan = band.plan
        rows = [r for r in self.p.rows if r.day == plan.day]
        load, lanes = rows[0], rows[1:]
        painter.fillRect(
            QRectF(0, band.top, self.p.width(), band.bottom - band.top), QColor(t.surface)
        )
        self._paint_load(painter, plan, load)
        if lanes:
            self._paint_hours(painter, plan, lanes[0].top, lanes[-1].bottom - lanes[0].top)
        self._paint_grid(painter, load.top, band.bottom, minor=True)
        self._paint_breaks(painter, plan, lanes)
        for row in lanes:
            self._paint_lane_label(painter, plan, row)
            painter.setPen(QPen(QColor(GRID), 1))
            painter.drawLine(
                QPoint(self.p.label_width() - DOCENT_W, round(row.bottom)),
                QPoint(self.p.width() - RIGHT_PAD, round(row.bottom)),
            )
        if plan.day == self.p.today and lanes:
            self._paint_now(painter, lanes[0].top, band.bottom)
        if self.p.single_day:
            return
        painter.setPen(QPen(QColor(t.border), 2))
        painter.drawLine(
            QPoint(0, round(band.top - BAND_GAP / 2)),
            QPoint(self.p.width(), round(band.top - BAND_GAP / 2)),
        )

    def _paint_load(self, painter: QPainter, plan: PlanDay, row: Row) -> None:
        t = tokens_for(False)
        data = self.p.data
        assert data is not None
        painter.fillRect(
            QRectF(self.p.label_width() - DOCENT_W, row.top, self.p.width(), row.height),
            QColor(t.bg),
        )
        mine = self.p.tours_on(plan.day)
        summary = (
            self.p.tr("{n} 批 · {m} 人").format(
                n=len(mine), m=sum(v.expected_visitors for v in mine)
            )
            if mine
            else self.p.tr("无接待")
        )
        painter.setPen(QColor(t.muted))
        painter.drawText(
            QRectF(self.p.label_width() - DOCENT_W + 6, row.top, DOCENT_W - 8, row.height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            summary,
        )
        venues = data.venues
        for hour in range(self.p.first_hour, self.p.last_hour):
            left, right = self.p.tick_x(hour) + 3, self.p.tick_x(hour + 1) - 3
            slot = (right - left - 2 * (len(venues) - 1)) / max(1, len(venues))
            for index, venue in enumerate(venues):
                count = data.loads.get((plan.day, venue.code), (0,) * 24)[hour]
                if not count:
                    continue
                x = left + index * (slot + 2)
                track = QRectF(x, row.top + 3, slot, row.height - 6)
                painter.fillRect(track, QColor(TRACK))
                share = min(1.0, count / max(1, venue.capacity))
                over = count > venue.capacity
                height = max(2.0, track.height() * share)
                bar = QRectF(x, track.bottom() - height, slot, height)
                painter.fillRect(bar, QColor(t.danger if over else venue_colour(index)))
                if self.p.single_day and slot >= 30:
                    painter.setPen(QColor(t.primary_text if share > 0.6 else t.text))
                    painter.drawText(
                        track,
                        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                        str(count),
                    )

    def _paint_breaks(self, painter: QPainter, plan: PlanDay, lanes: list[Row]) -> None:
        if not lanes:
            return
        t = tokens_for(False)
        top, bottom = lanes[0].top, lanes[-1].bottom
        for (_a, b), (c, _d) in zip(plan.sessions, plan.sessions[1:], strict=False):
            left, right = self.p.x_at(minutes_of(b)), self.p.x_at(minutes_of(c))
            if right - left < 40 or not (minutes_of(b) <= 13 * 60 and minutes_of(c) >= 12 * 60):
                continue
            painter.setPen(QColor(t.muted))
            painter.drawText(
                QRectF(left, top, right - left, bottom - top),
                int(Qt.AlignmentFlag.AlignCenter),
                self.p.tr("午休"),
            )
        for a, b in plan.extended:
            left, right = self.p.x_at(minutes_of(a)), self.p.x_at(minutes_of(b) or 1440)
            painter.setPen(QColor(t.warning_text))
            painter.drawText(
                QRectF(left, top, right - left, bottom - top),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                f"{plan.note}\n{a:%H:%M}–{b:%H:%M}",
            )
        if plan.closed:
            painter.setPen(QColor(t.muted))
            painter.drawText(
                QRectF(
                    self.p.label_width(),
                    top,
                    self.p.width() - self.p.label_width() - RIGHT_PAD,
                    bottom - top,
                ),
                int(Qt.AlignmentFlag.AlignCenter),
                self.p.tr("{note} · 闭馆").format(note=plan.note),
            )

    def _paint_lane_label(self, painter: QPainter, plan: PlanDay, row: Row) -> None:
        t = tokens_for(False)
        data = self.p.data
        assert data is not None and row.username is not None
        name = next((d.name for d in self.p.lanes if d.username == row.username), row.username)
        free = data.free.get((row.day, row.username), 0)
        x = self.p.label_width() - DOCENT_W + 6
        box = QRectF(x, row.top, DOCENT_W - 10, row.height)
        bold = QFont(painter.font())
        bold.setBold(True)
        line = painter.fontMetrics().height()
        two = row.height >= 2 * line + 2
        regular = painter.font()
        painter.setFont(bold)
        painter.setPen(QColor(t.text))
        flags = Qt.AlignmentFlag.AlignLeft | (
            Qt.AlignmentFlag.AlignBottom if two else Qt.AlignmentFlag.AlignVCenter
        )
        painter.drawText(box.adjusted(0, 0, 0, -row.height / 2 if two else 0), int(flags), name)
        painter.setFont(regular)
        if two:
            painter.setPen(QColor(t.muted if free > 0 else t.warning_text))
            painter.drawText(
                box.adjusted(0, row.height / 2, 0, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                free_text(free, plan.closed),
            )

    def _paint_now(self, painter: QPainter, top: float, bottom: float) -> None:
        now = to_local(utcnow())
        minutes = now.hour * 60 + now.minute
        if not self.p.first_hour * 60 <= minutes <= self.p.last_hour * 60:
            return
        x = round(self.p.x_at(minutes))
        painter.setPen(QPen(QColor(tokens_for(False).danger), 2))
        painter.drawLine(QPoint(x, round(top)), QPoint(x, round(bottom)))

    def _paint_folded(self, painter: QPainter, band: Band) -> None:
        painter.save()
        try:
            self._paint_folded_row(painter, band)
        finally:
            painter.restore()

    def _paint_folded_row(self, painter: QPainter, band: Band) -> None:
        t = tokens_for(False)
        plan = band.plan
        top, height = band.top, band.bottom - band.top
        painter.fillRect(QRectF(0, top, self.p.width(), height), QColor(t.bg))
        self._paint_hours(painter, plan, top, height)
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(t.primary if plan.day == self.p.today else t.text))
        today = self.p.tr("（今天）") if plan.day == self.p.today else ""
        painter.drawText(
            QRectF(10, top, self.p.label_width() - 12, height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            f"{WEEKDAYS_SHORT[plan.day.weekday()]} {plan.day:%m-%d}{today}",
        )
        painter.setPen(QColor(t.muted))
        painter.drawText(
            QRectF(
                self.p.label_width(), top, self.p.width() - self.p.label_width() - RIGHT_PAD, height
            ),
            int(Qt.AlignmentFlag.AlignCenter),
            self.p.tr("{note} · 闭馆，不安排接待").format(note=plan.note),
        )
        painter.setPen(QPen(QColor(t.border), 2))
        painter.drawLine(
            QPoint(0, round(top - BAND_GAP / 2)), QPoint(self.p.width(), round(top - BAND_GAP / 2))
        )


class TimeAxis(QWidget):
    """The hour ticks over a planner, kept in place while the planner scrolls."""

    def __init__(self, planner: WeekPlanner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.planner = planner
        self.setObjectName(f"{planner.objectName()}_axis")
        self.setFixedHeight(AXIS_H)
        planner.geometry_changed.connect(self.update)

    def offset(self) -> int:
        """How far right of this header's left edge the planner's left edge lies."""
        window = self.window()
        mine = self.mapTo(window, QPoint(0, 0)).x()
        return int(self.planner.mapTo(window, QPoint(0, 0)).x() - mine)

    def tick_x(self, hour: int) -> float:
        """The x of ``hour``'s tick in this header."""
        return self.planner.tick_x(hour) + self.offset()

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = tokens_for(False)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(t.bg))
        font = QFont(self.font())
        font.setPixelSize(t.small_px)
        painter.setFont(font)
        dx = self.offset()
        painter.setPen(QColor(t.muted))
        labels = [(0, DAY_W, self.tr("日期"))] if not self.planner.single_day else []
        labels.append((self.planner.label_width() - DOCENT_W, DOCENT_W, self.tr("讲解员")))
        for x, width, text in labels:
            painter.drawText(
                QRectF(dx + x + 6, 0, width - 8, AXIS_H),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        metrics = painter.fontMetrics()
        for hour in range(self.planner.first_hour, self.planner.last_hour + 1):
            tick = self.tick_x(hour)
            painter.setPen(QPen(QColor(t.border), 1))
            painter.drawLine(QPoint(round(tick), AXIS_H - 7), QPoint(round(tick), AXIS_H))
            label = f"{hour:02d}:00"
            width = metrics.horizontalAdvance(label)
            painter.setPen(QColor(t.text))
            painter.drawText(
                QRectF(tick - width / 2, 0, width, AXIS_H - 8),
                int(Qt.AlignmentFlag.AlignCenter),
                label,
            )
        painter.setPen(QPen(QColor(t.border), 1))
        painter.drawLine(0, AXIS_H - 1, self.width(), AXIS_H - 1)
        painter.end()
