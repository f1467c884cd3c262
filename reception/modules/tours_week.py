"""The 参观接待 planner: a day or a week of docent lanes along a time axis of the hall's hours.

Each day is a band: a row of venue-load bars (one bar per hour and venue, red above
capacity), then one lane per docent in which every tour sits by its time, so free time is
the white left between chips. Time outside the day's sessions is shaded (lunch labelled
午休), 延时服务 sessions are hatched amber, and a closed day (weekend, holiday) is hatched grey
with its reason — folded to one thin row in the week when nothing is booked on it. The
time axis is a separate header (:class:`~reception.modules.tours_week_paint.TimeAxis`) that
stays put while the week scrolls.

This module lays the planner out (rows, the time-to-x mapping, where chips go); drawing is
:mod:`reception.modules.tours_week_paint`'s job, dragging :mod:`reception.modules.tours_drag`'s.
Chips are :class:`~reception.modules.tours_calendar.TourBlock` buttons placed over the
drawing. The planner shows what the background operation worked out (hours, loads, free
minutes) and holds no rules.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QPushButton, QToolTip, QWidget

from reception.modules.tours_calendar import (
    CLOSED_STATES,
    WEEKDAYS,
    WEEKDAYS_SHORT,
    TourBlock,
)
from reception.modules.tours_drag import ChipDragger
from reception.modules.tours_ops import CalendarData, Docent, MoveTarget
from reception.modules.tours_week_paint import (
    BAND_GAP,
    CLOSED_H,
    DAY_W,
    DOCENT_W,
    LANE_H,
    LANE_MAX,
    LOAD_H,
    RIGHT_PAD,
    PlannerPainter,
    free_text,
    minutes_of,
)
from shared.qt.theme import tokens_for
from shared.services.tours_planner import PlanDay
from shared.services.tours_views import TourView

DEFAULT_HOURS = (8, 18)


@dataclass(frozen=True)
class Row:
    """One painted row: a day's ``load`` bars, a docent's ``lane``, or a folded ``closed``
    day."""

    kind: str
    day: dt.date
    username: str | None
    top: float
    height: float

    @property
    def bottom(self) -> float:
        """The row's lower edge."""
        return self.top + self.height


@dataclass(frozen=True)
class Band:
    """One day's rows, top to bottom."""

    plan: PlanDay
    top: float
    bottom: float
    folded: bool


class WeekPlanner(QWidget):
    """Docent lanes per day along a time axis; tours as chips; hours, loads and free time.

    Signals:
        tour_activated(object): a chip was clicked (its :class:`TourView`).
        day_activated(object): a day's button was pressed (its ``date``), to open that day.
        drag_moved(object, object): a chip is dragged over a new place: the view and the
            :class:`~reception.modules.tours_ops.MoveTarget` (``None`` off the lanes).
        tour_dropped(object, object): a chip was dropped on another place (view, target).
        drag_cancelled(object): a drag ended where it began, off the lanes, or by Escape.
        geometry_changed(): the axis or the rows moved (the time axis header repaints).
    """

    tour_activated = Signal(object)
    day_activated = Signal(object)
    drag_moved = Signal(object, object)
    tour_dropped = Signal(object, object)
    drag_cancelled = Signal(object)
    geometry_changed = Signal()

    def __init__(self, single_day: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.single_day = single_day
        self.setObjectName("tours_day_planner" if single_day else "tours_week_planner")
        self.setAccessibleName(self.tr("讲解员日程") if single_day else self.tr("讲解员周计划"))
        self.data: CalendarData | None = None
        self.days: list[PlanDay] = []
        self.lanes: list[Docent] = []
        self.tours: list[TourView] = []
        self.blocks: list[TourBlock] = []
        self.day_buttons: list[QPushButton] = []
        self.rows: list[Row] = []
        self.bands: list[Band] = []
        self.today = dt.date.today()
        self.selected_id: uuid.UUID | None = None
        self.first_hour, self.last_hour = DEFAULT_HOURS
        self._viewport: QWidget | None = None
        self.dragger = ChipDragger(self)
        self.dragger.drag_moved.connect(self.drag_moved)
        self.dragger.tour_dropped.connect(self.tour_dropped)
        self.dragger.drag_cancelled.connect(self.drag_cancelled)
        self.setMinimumHeight(LANE_H * 3)

    def follow(self, viewport: QWidget) -> None:
        """Fit the rows to ``viewport`` (the scroll area's), growing lanes to fill it."""
        self._viewport = viewport
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._lay_out()
        return bool(super().eventFilter(watched, event))

    # -- data ------------------------------------------------------------------------------

    def set_data(
        self, data: CalendarData, days: list[dt.date], today: dt.date, shown: dt.date
    ) -> None:
        """Show ``days`` of a loaded week; ``today`` and the day ``shown`` are marked."""
        self.data = data
        self.today = today
        self.days = [data.days[d] for d in days]
        self.tours = [t for t in data.tours if t.date in days and t.state not in CLOSED_STATES]
        self.lanes = list(data.docents)
        self._fit_hours()
        old: list[QWidget] = [*self.blocks, *self.day_buttons]
        for widget in old:
            widget.hide()
            widget.deleteLater()
        self.blocks, self.day_buttons = [], []
        ranks = {level: rank for rank, level in enumerate(data.levels)}
        for view in self.tours:
            for username, _name in view.docents:
                block = TourBlock(view, ranks.get(view.level, 0), self)
                block.setProperty("docent", username)
                block.set_selected(view.id == self.selected_id)
                block.tour_activated.connect(self.on_block_activated)
                self.dragger.watch(block)
                self.blocks.append(block)
        if not self.single_day:
            for plan in self.days:
                if self._folded(plan):
                    continue
                self.day_buttons.append(self._day_button(plan.day, shown))
        self._lay_out()
        new: list[QWidget] = [*self.day_buttons, *self.blocks]
        for widget in new:
            widget.show()
        self.dragger.raise_overlays()
        self.setAccessibleDescription(self.load_summary())
        self.update()

    def _day_button(self, day: dt.date, shown: dt.date) -> QPushButton:
        mark = self.tr("今天") if day == self.today else ""
        button = QPushButton(f"{WEEKDAYS_SHORT[day.weekday()]}\n{day:%m-%d}\n{mark}".rstrip(), self)
        button.setObjectName(f"week_day_{day:%Y%m%d}")
        button.setAccessibleName(self.tr("查看 {day} 的日程").format(day=f"{day:%m月%d日}"))
        button.setProperty("role", "tour_toggle")
        button.setCheckable(True)
        button.setChecked(day == shown)
        button.clicked.connect(lambda _checked=False, d=day: self.day_activated.emit(d))
        return button

    def select(self, tour_id: uuid.UUID | None) -> None:
        """Outline the chips of the tour the side panel shows."""
        self.selected_id = tour_id
        for block in self.blocks:
            block.set_selected(block.view.id == tour_id)

    def on_block_activated(self, view: TourView) -> None:
        self.select(view.id)
        self.tour_activated.emit(view)

    def load_summary(self) -> str:
        """Each day's venue peaks, for a screen reader (the bars say it visually)."""
        data = self.data
        if data is None:
            return ""
        parts = []
        for plan in self.days:
            if plan.closed and not self.tours_on(plan.day):
                parts.append(
                    self.tr("{day}{note}").format(day=f"{plan.day:%m月%d日}", note=plan.note)
                )
                continue
            peaks = []
            for venue in data.venues:
                peak, at = data.peaks.get((plan.day, venue.code), (0, ""))
                when = f"（{at}）" if at else ""
                peaks.append(
                    self.tr("{venue}最高 {peak}/{capacity} 人{when}").format(
                        venue=venue.name, peak=peak, capacity=venue.capacity, when=when
                    )
                )
            parts.append(f"{plan.day:%m月%d日}：" + "，".join(peaks))
        return "；".join(parts)

    def tours_on(self, day: dt.date) -> list[TourView]:
        return [t for t in self.tours if t.date == day]

    def _folded(self, plan: PlanDay) -> bool:
        return plan.closed and not self.single_day and not self.tours_on(plan.day)

    def _fit_hours(self) -> None:
        starts = [minutes_of(a) for p in self.days for a, _b in p.sessions]
        ends = [minutes_of(b) or 24 * 60 for p in self.days for _a, b in p.sessions]
        starts += [minutes_of(t.local_start.time()) for t in self.tours]
        ends += [minutes_of(t.local_end.time()) or 24 * 60 for t in self.tours]
        if not starts:
            self.first_hour, self.last_hour = DEFAULT_HOURS
            return
        self.first_hour = min(starts) // 60
        self.last_hour = max(self.first_hour + 1, math.ceil(max(ends) / 60))

    # -- geometry --------------------------------------------------------------------------

    def label_width(self) -> int:
        """Width of the day and docent columns left of the time axis."""
        return DOCENT_W + (0 if self.single_day else DAY_W)

    def _per_minute(self) -> float:
        span = (self.last_hour - self.first_hour) * 60
        return max(1.0, self.width() - self.label_width() - RIGHT_PAD) / span

    def x_at(self, minutes: float) -> float:
        """The x of a time of day (minutes since midnight)."""
        return self.label_width() + (minutes - self.first_hour * 60) * self._per_minute()

    def tick_x(self, hour: int) -> float:
        """The x of the axis tick of ``hour`` o'clock."""
        return self.x_at(hour * 60)

    def minutes_at(self, x: float) -> float:
        """The time of day (minutes since midnight) at ``x``."""
        return self.first_hour * 60 + (x - self.label_width()) / self._per_minute()

    def row_at(self, y: float) -> Row | None:
        """The row under ``y``, if any."""
        return next((r for r in self.rows if r.top <= y < r.bottom), None)

    def lane_rect(self, day: dt.date, username: str) -> QRectF:
        """The timeline part of a docent's lane on ``day``."""
        row = next(
            r for r in self.rows if r.kind == "lane" and (r.day, r.username) == (day, username)
        )
        return QRectF(
            self.label_width(), row.top, self.width() - self.label_width() - RIGHT_PAD, row.height
        )

    def chip_rect(self, day: dt.date, username: str, start: dt.time, end: dt.time) -> QRect:
        """Where a tour from ``start`` to ``end`` sits in a docent's lane (or a folded day)."""
        row = next(
            (
                r
                for r in self.rows
                if r.day == day and r.username in (username, None) and r.kind != "load"
            ),
            None,
        )
        if row is None:
            return QRect()
        left = round(self.x_at(minutes_of(start)))
        right = round(self.x_at(minutes_of(end) or 24 * 60))
        width = max(tokens_for(False).min_target, right - left)
        return QRect(left, round(row.top), width, max(round(row.height), LANE_H))

    def target_rect(self, target: MoveTarget, minutes: int) -> QRect:
        """Where a tour ``minutes`` long would sit at ``target``."""
        end = (minutes_of(target.start) + minutes) % (24 * 60)
        return self.chip_rect(
            target.date, target.docent_to, target.start, dt.time(end // 60, end % 60)
        )

    def _lane_height(self, unfolded: int, folded: int) -> float:
        if not unfolded or not self.lanes:
            return LANE_H
        load = LOAD_H[self.single_day]
        fixed = BAND_GAP // 2 + folded * (CLOSED_H + BAND_GAP) + unfolded * (load + BAND_GAP)
        room = (self._viewport.height() if self._viewport else self.height()) - fixed
        per_lane = room / (unfolded * len(self.lanes))
        return max(LANE_H, min(LANE_MAX[self.single_day], math.floor(per_lane)))

    def _lay_out(self) -> None:
        folded = [p for p in self.days if self._folded(p)]
        lane_h = self._lane_height(len(self.days) - len(folded), len(folded))
        load_h = LOAD_H[self.single_day]
        self.rows, self.bands = [], []
        y = float(BAND_GAP // 2)
        for plan in self.days:
            top = y
            if self._folded(plan):
                self.rows.append(Row("closed", plan.day, None, y, CLOSED_H))
                y += CLOSED_H
            else:
                self.rows.append(Row("load", plan.day, None, y, load_h))
                y += load_h
                for docent in self.lanes:
                    self.rows.append(Row("lane", plan.day, docent.username, y, lane_h))
                    y += lane_h
            self.bands.append(Band(plan, top, y, self._folded(plan)))
            y += BAND_GAP
        self.setMinimumHeight(math.ceil(y))
        self._place()
        self.geometry_changed.emit()

    def _place(self) -> None:
        for block in self.blocks:
            view = block.view
            rect = self.chip_rect(
                view.date,
                str(block.property("docent")),
                view.local_start.time(),
                view.local_end.time(),
            )
            block.setGeometry(rect)
        by_day = {b.plan.day: b for b in self.bands}
        days = [] if self.single_day else [p.day for p in self.days if not self._folded(p)]
        for button, day in zip(self.day_buttons, days, strict=True):
            band = by_day[day]
            button.setGeometry(QRect(4, round(band.top), DAY_W - 10, round(band.bottom - band.top)))
        self.dragger.relayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._lay_out()

    # -- tooltips --------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tip_at(self, pos: QPoint) -> str:
        """What hovering over ``pos`` explains: an hour's venue load, a lane's free time."""
        row = self.row_at(pos.y())
        data = self.data
        if row is None or data is None:
            return ""
        plan = next(p for p in self.days if p.day == row.day)
        when = f"{row.day:%m月%d日} {WEEKDAYS[row.day.weekday()]}"
        if row.kind == "closed" or (plan.closed and pos.x() >= self.label_width()):
            return str(
                self.tr("{when}：{note}，不安排接待（经理可填写理由后强制安排）").format(
                    when=when, note=plan.note
                )
            )
        if row.kind == "load" and pos.x() >= self.label_width():
            hour = int(self.minutes_at(pos.x()) // 60)
            loads = []
            for venue in data.venues:
                load = data.loads.get((row.day, venue.code), (0,) * 24)[hour]
                loads.append(
                    self.tr("{venue} {load}/{capacity} 人").format(
                        venue=venue.name, load=load, capacity=venue.capacity
                    )
                )
            span = f"{hour:02d}:00–{hour + 1:02d}:00"
            head = str(self.tr("{when} {span} 最多：").format(when=when, span=span))
            return head + "；".join(loads)
        if row.kind == "lane" and row.username is not None:
            name = next((d.name for d in self.lanes if d.username == row.username), row.username)
            free = data.free.get((row.day, row.username), 0)
            return f"{name} {when}：{free_text(free, plan.closed)}"
        return ""

    # -- painting --------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            PlannerPainter(self, painter).paint()
        finally:
            painter.end()
