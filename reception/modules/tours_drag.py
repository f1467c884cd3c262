"""Dragging a tour chip on the planner to another time, day or docent.

The chip keeps the mouse while it is pressed (Qt's implicit grab), so :class:`ChipDragger`
watches every chip's mouse events: past the drag distance it shows a ghost where the tour
would go — snapped to a quarter hour, in the lane under the pointer — and says so by signal
each time that place changes; the page checks the place against the booking rules in the
background and answers with :meth:`ChipDragger.show_verdict`, which colours the ghost and
writes the reason in a callout beside it. Releasing drops the tour there (the page moves it
through the service); Escape, or releasing where it began or off the lanes, cancels.

A press and release without a drag stays a click (the chip opens its details).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reception.modules.tours_calendar import TourBlock
from reception.modules.tours_ops import MoveTarget
from shared.qt.theme import tokens_for
from shared.services.tours_moves import movable
from shared.services.tours_views import TourView

if TYPE_CHECKING:
    from reception.modules.tours_week import WeekPlanner

SNAP_MINUTES = 15
CALLOUT_W = 460
#: The verdicts a ghost shows, and the theme role of the callout's text for each.
VERDICT_ROLES = {
    "checking": "muted",
    "ok": "ok",
    "conflict": "error",
    "same": "muted",
    "busy": "muted",
}


def length_minutes(view: TourView) -> int:
    """How long a tour is booked for, in minutes."""
    return int((view.ends_at - view.starts_at).total_seconds() // 60)


def unchanged(view: TourView, target: MoveTarget) -> bool:
    """Whether ``target`` is where the tour already is."""
    return (
        target.date == view.date
        and target.start == view.local_start.time().replace(second=0, microsecond=0)
        and target.docent_from == target.docent_to
    )


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a ``role`` property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class DropGhost(QWidget):
    """Where the dragged tour would land: its colours, faded, outlined by the verdict."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tour_drop_ghost")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.fill = QColor("#ffffff")
        self.ink = QColor("#000000")
        self.verdict = "checking"
        self.label = ""
        self.hide()

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = tokens_for(False)
        edge = {
            "ok": t.success,
            "conflict": t.danger,
            "same": t.muted,
        }.get(self.verdict, t.border)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(self.fill)
        fill.setAlpha(170)
        painter.setBrush(fill)
        pen = QPen(QColor(edge), 3)
        pen.setStyle(Qt.PenStyle.SolidLine if self.verdict == "ok" else Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 5, 5)
        font = QFont(self.font())
        font.setPixelSize(t.small_px)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self.ink)
        painter.drawText(
            QRectF(self.rect()).adjusted(8, 0, -4, 0),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            painter.fontMetrics().elidedText(
                self.label, Qt.TextElideMode.ElideRight, max(0, self.width() - 12)
            ),
        )
        painter.end()


class ChipDragger(QObject):
    """Drags the planner's chips (see the module's docstring).

    Signals:
        drag_moved(object, object): the ghost moved to a new place: the chip's
            :class:`TourView` and the :class:`MoveTarget` (``None`` off the lanes).
        tour_dropped(object, object): released over a new place (view, target); the ghost
            stays, marked busy, until :meth:`finish`.
        drag_cancelled(object): the drag ended without a move (the view).
    """

    drag_moved = Signal(object, object)
    tour_dropped = Signal(object, object)
    drag_cancelled = Signal(object)

    def __init__(self, planner: WeekPlanner) -> None:
        super().__init__(planner)
        self.planner = planner
        self.ghost = DropGhost(planner)
        self.callout = QFrame(planner)
        self.callout.setObjectName("tour_drop_callout")
        self.callout.setProperty("role", "card")
        self.callout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.verdict = QLabel(self.callout)
        self.verdict.setObjectName("tour_drop_verdict")
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self.callout)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.verdict)
        self.callout.hide()
        self._press: tuple[TourBlock, QPoint] | None = None
        planner.installEventFilter(self)
        self.chip: TourBlock | None = None
        self.target: MoveTarget | None = None
        self.busy = False

    @property
    def active(self) -> bool:
        """A chip is being dragged, or a drop waits for its answer."""
        return self.chip is not None

    def watch(self, block: TourBlock) -> None:
        """Let ``block`` be dragged."""
        block.installEventFilter(self)

    def raise_overlays(self) -> None:
        """Keep the ghost and the callout above freshly placed chips."""
        self.ghost.raise_()
        self.callout.raise_()

    # -- events ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.planner:
            # The chip holds the mouse while pressed, but events sent to the planner itself
            # (synthesised ones, as in tests) carry on the same drag.
            if isinstance(event, QMouseEvent) and self._press is not None:
                return self._mouse(self._press[0], kind, event, self.planner)
            return False
        if not isinstance(watched, TourBlock):
            return False
        if isinstance(event, QMouseEvent):
            return self._mouse(watched, kind, event, watched)
        if (
            kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.chip is not None
            and not self.busy
        ):
            self.cancel()
            return True
        return False

    def _mouse(self, chip: TourBlock, kind: QEvent.Type, event: QMouseEvent, on: QWidget) -> bool:
        """A mouse event on ``on`` (the chip, or the planner) for a drag of ``chip``."""
        at = (
            on.mapTo(self.planner, event.position().toPoint())
            if on is not self.planner
            else event.position().toPoint()
        )
        if kind == QEvent.Type.MouseButtonPress:
            if on is chip and event.button() == Qt.MouseButton.LeftButton and not self.active:
                self._press = (chip, event.position().toPoint())
            return False
        if self._press is None or self._press[0] is not chip:
            return False
        if kind == QEvent.Type.MouseMove and event.buttons() & Qt.MouseButton.LeftButton:
            if self.chip is None:
                pressed_at = chip.mapTo(self.planner, self._press[1])
                if (at - pressed_at).manhattanLength() < QApplication.startDragDistance():
                    return False
                if not movable(chip.view):
                    return False  # under way or done: a press stays a click
                self._begin(chip)
            self._move(at)
            return True
        if kind == QEvent.Type.MouseButtonRelease:
            self._press = None
            if self.chip is not None and not self.busy:
                self._drop()
                return True
        return False

    # -- the drag --------------------------------------------------------------------------

    def _begin(self, chip: TourBlock) -> None:
        self.chip = chip
        self.target = None
        chip.setDown(False)
        chip.set_lifted(True)
        chip.setCursor(Qt.CursorShape.ClosedHandCursor)
        palette = chip.palette()
        self.ghost.fill = palette.button().color()
        self.ghost.ink = palette.buttonText().color()
        self.raise_overlays()

    def target_at(self, pos: QPoint) -> MoveTarget | None:
        """Where the dragged chip would go with the pointer at ``pos`` (planner coordinates)."""
        chip, planner = self.chip, self.planner
        if chip is None or self._press is None:
            return None
        row = planner.row_at(pos.y())
        if row is None or row.kind == "load" or pos.x() < planner.label_width():
            return None
        minutes = length_minutes(chip.view)
        start = planner.minutes_at(pos.x() - self._press[1].x())
        start = round(start / SNAP_MINUTES) * SNAP_MINUTES
        start = int(max(planner.first_hour * 60, min(start, planner.last_hour * 60 - minutes)))
        start = min(max(0, start), 24 * 60 - minutes)
        docent = str(chip.property("docent"))
        return MoveTarget(
            date=row.day,
            start=dt.time(start // 60, start % 60),
            docent_from=docent,
            docent_to=row.username or docent,
        )

    def _move(self, pos: QPoint) -> None:
        target = self.target_at(pos)
        scroller = self._scroll_area()
        if scroller is not None:
            scroller.ensureVisible(pos.x(), pos.y(), 0, 40)
        if target == self.target and self.ghost.isVisible() == (target is not None):
            return
        self.target = target
        self.relayout()
        assert self.chip is not None
        self.drag_moved.emit(self.chip.view, target)

    def _scroll_area(self) -> QScrollArea | None:
        widget = self.planner.parentWidget()
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        return widget

    def relayout(self) -> None:
        """Put the ghost and the callout where the current target is."""
        if self.chip is None or self.target is None:
            self.ghost.hide()
            self.callout.setVisible(self.chip is not None and bool(self.verdict.text()))
            self._place_callout(QRect(self.chip.geometry()) if self.chip else QRect())
            return
        minutes = length_minutes(self.chip.view)
        rect = self.planner.target_rect(self.target, minutes)
        end = (
            dt.datetime.combine(self.target.date, self.target.start) + dt.timedelta(minutes=minutes)
        ).time()
        self.ghost.label = f"{self.target.start:%H:%M}–{end:%H:%M}"
        self.ghost.setGeometry(rect)
        self.ghost.show()
        self._place_callout(rect)
        self.raise_overlays()

    def _place_callout(self, anchor: QRect) -> None:
        if not self.verdict.text() or anchor.isNull():
            self.callout.hide()
            return
        width = min(CALLOUT_W, max(260, self.planner.width() // 3))
        margins = self.callout.layout().contentsMargins()
        self.verdict.ensurePolished()
        text_h = self.verdict.heightForWidth(width - margins.left() - margins.right())
        self.callout.setFixedSize(width, text_h + margins.top() + margins.bottom() + 4)
        size = self.callout.size()
        x = min(
            max(self.planner.label_width(), anchor.left()), self.planner.width() - size.width() - 4
        )
        below = anchor.bottom() + 4
        y = (
            below
            if below + size.height() <= self.planner.height()
            else anchor.top() - size.height() - 4
        )
        self.callout.move(x, max(0, y))
        self.callout.show()
        self.callout.raise_()

    def show_verdict(self, verdict: str, text: str) -> None:
        """Show what the rules say of the current place: ``checking``, ``ok``,
        ``conflict``, ``same`` or ``busy``, with the sentence for the callout."""
        self.ghost.verdict = verdict
        self.ghost.update()
        self.verdict.setText(text)
        self.verdict.setAccessibleName(text)
        self.verdict.setProperty("role", VERDICT_ROLES.get(verdict, "muted"))
        repolish(self.verdict)
        self.relayout()

    def _drop(self) -> None:
        chip, target = self.chip, self.target
        assert chip is not None
        if target is None or unchanged(chip.view, target):
            self.cancel()
            return
        self.busy = True
        self.tour_dropped.emit(chip.view, target)

    def cancel(self) -> None:
        """End the drag without moving anything."""
        chip = self.chip
        self.finish()
        if chip is not None:
            self.drag_cancelled.emit(chip.view)

    def finish(self) -> None:
        """Take the ghost away (the drop was answered, or the drag cancelled)."""
        if self.chip is not None:
            self.chip.setCursor(Qt.CursorShape.OpenHandCursor)
            self.chip.set_lifted(False)
        self.chip, self.target, self.busy, self._press = None, None, False, None
        self.verdict.setText("")
        self.ghost.hide()
        self.callout.hide()
