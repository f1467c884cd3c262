"""参观接待 tour chips: one tour on the planner, coloured by its state and marked by its
reception level (接待等级), with the words staff and screen readers read.

A :class:`TourBlock` is a real button child of the planner, so it is clicked, reached with
Tab, pressed with Enter or Space and named for a screen reader. Its fill and text colours
come from the one stylesheet (role ``tour_block``, property ``state``), read back through the
palette; the level badge uses the theme's tokens. The planner places and drags it
(:mod:`reception.modules.tours_week`).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QWidget

from shared.qt.theme import tokens_for
from shared.services.tours_views import TourView

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
WEEKDAYS_SHORT = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
CLOSED_STATES = ("cancelled", "no_show")
#: Space between the chip's edge and what it paints (the widget keeps the full target size).
INSET = 2.0


def state_key(view: TourView) -> str:
    """The chip style of a tour: its state, or ``arrived`` for a checked-in group."""
    if view.arrived_at is not None and view.state in ("requested", "confirmed"):
        return "arrived"
    if view.state in CLOSED_STATES:
        return "closed"
    return view.state


def span(view: TourView) -> str:
    """``09:00–10:00`` in hall-local time."""
    return f"{view.local_start:%H:%M}–{view.local_end:%H:%M}"


def describe(view: TourView) -> str:
    """What a screen reader says and the tooltip shows for a tour: every name in full."""
    text = (
        f"{view.group_name}（{view.organisation}），{view.date:%m月%d日} {span(view)}，"
        f"{view.state_zh}，接待等级{view.level}，{view.expected_visitors}人，{view.route_name}，"
        f"讲解员{view.docent_names or '待定'}"
    )
    return text + ("，延时服务" if view.extended else "")


def paint_badge(
    painter: QPainter, x: float, y: float, height: float, level: str, rank: int
) -> float:
    """Draw a reception level's badge at (x, y) in the painter's font: outlined red for the
    second level (重要), filled red for the third and above (重大), nothing for the ordinary
    one. Returns the width taken, gap included."""
    if rank <= 0:
        return 0.0
    t = tokens_for(False)
    width = badge_width(QFontMetricsF(painter.font()), level, rank) - 4.0
    box = QRectF(x, y + 1, width, height - 2)
    strong = rank >= 2
    painter.setPen(QPen(QColor(t.surface if strong else t.danger), 1.5))
    painter.setBrush(QColor(t.danger if strong else t.surface))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(QColor(t.surface if strong else t.danger))
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), level)
    return width + 4


class TourBlock(QAbstractButton):
    """One tour on the planner: its name, time and head count on the state's colours, and a
    badge for a reception level above the ordinary one (重要: outlined, 重大: filled red).

    The text shown grows with the chip: the name and the time in a week row; the
    organisation and the route too when a day's row is tall enough.

    Signals:
        tour_activated(object): the :class:`TourView` was clicked or pressed (Enter/Space).
    """

    tour_activated = Signal(object)

    def __init__(self, view: TourView, level_rank: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        self.level_rank = level_rank
        self.selected = False
        self.lifted = False
        self.setObjectName(f"tour_block_{view.short_id}")
        self.setProperty("role", "tour_block")
        self.setProperty("state", state_key(view))
        self.setProperty("level", view.level)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setText(f"{view.group_name}\n{span(view)} · {view.expected_visitors}人")
        self.setAccessibleName(describe(view))
        self.setToolTip(describe(view))
        self.clicked.connect(self.on_clicked)

    def on_clicked(self) -> None:
        self.tour_activated.emit(self.view)

    def set_lifted(self, lifted: bool) -> None:
        """Fade the chip while it is dragged (its ghost shows where it would go)."""
        self.lifted = lifted
        self.update()

    def set_selected(self, selected: bool) -> None:
        """Outline the chip whose details the side panel shows."""
        if selected != self.selected:
            self.selected = selected
            self.update()

    def sizeHint(self) -> QSize:
        t = tokens_for(False)
        return QSize(160, max(t.min_target, 2 * t.small_px + 12))

    def minimumSizeHint(self) -> QSize:
        return QSize(tokens_for(False).min_target, tokens_for(False).min_target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    # -- painting --------------------------------------------------------------------------

    def _extras(self) -> list[str]:
        """What a chip shows under the name when it has room, most useful first."""
        view = self.view
        return [
            f"{span(view)} · {view.expected_visitors}人",
            view.organisation,
            f"{view.route_name} · {view.state_zh}",
        ]

    def text_lines(
        self, name_font: QFont, font: QFont, width: float, fits: int
    ) -> tuple[list[str], int]:
        """The lines a chip ``width`` wide with room for ``fits`` lines shows, and how many
        of them are the name: the name first — over two lines when it is long, since the
        time axis already says when — then the time and head count, the organisation, the
        route and state. The first line leaves room for the level badge."""
        badge = badge_width(QFontMetricsF(font), self.view.level, self.level_rank)
        name_lines = wrap(self.view.group_name, QFontMetricsF(name_font), width - badge, width)
        if fits <= 2:
            room = 1 if fits == 1 or len(name_lines) == 1 else 2
        else:
            room = min(3 if fits >= 5 else 2, fits - 1, len(name_lines))
        shown = name_lines[:room]
        if len(name_lines) > room:
            rest = "".join(name_lines[room - 1 :])
            limit = width - badge if room == 1 else width
            shown[-1] = QFontMetricsF(name_font).elidedText(
                rest, Qt.TextElideMode.ElideRight, limit
            )
        return shown + self._extras()[: max(0, fits - room)], room

    def paintEvent(self, _event: QPaintEvent) -> None:
        t = tokens_for(False)
        palette = self.palette()
        fill, ink = palette.button().color(), palette.buttonText().color()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.lifted:
            painter.setOpacity(0.35)
        rect = QRectF(self.rect()).adjusted(INSET, INSET, -INSET, -INSET)
        painter.setBrush(fill)
        if self.hasFocus():
            pen = QPen(QColor(t.focus), 3)
        elif self.selected:
            pen = QPen(QColor(t.text), 3)
        else:
            pen = QPen(ink, 1.5)
            if self.property("state") == "requested":
                pen.setStyle(Qt.PenStyle.DashLine)  # not yet confirmed: a tentative outline
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 5, 5)
        if self.level_rank >= 2:
            # 重大: a red bar down the leading edge as well as the badge.
            bar = QRectF(rect.x() + 1.5, rect.y() + 4, 4, rect.height() - 8)
            painter.fillRect(bar, QColor(t.danger))
        font = QFont(self.font())
        font.setPixelSize(t.small_px)
        bold = QFont(font)
        bold.setBold(True)
        # Lines a little tighter than the font's own spacing: two fit a 44 px week row.
        line_h = min(QFontMetricsF(font).height(), t.small_px + 4.0)
        inner = rect.adjusted(8 if self.level_rank >= 2 else 6, 1, -5, -1)
        fits = max(1, int(inner.height() // line_h))
        lines, names = self.text_lines(bold, font, inner.width(), fits)
        # Centred in a week row; from the top in a tall day row, where lines are many.
        y = inner.y() + (max(0.0, (inner.height() - len(lines) * line_h) / 2) if fits <= 2 else 3)
        for index, text in enumerate(lines):
            x = inner.x()
            if index == 0:
                painter.setFont(font)
                x += paint_badge(painter, x, y, line_h, self.view.level, self.level_rank)
            painter.setFont(bold if index < names else font)
            painter.setPen(ink)
            room = max(0.0, inner.right() - x)
            painter.drawText(
                QRectF(x, y, room, line_h),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(room)),
            )
            y += line_h
        painter.end()


def badge_width(metrics: QFontMetricsF, level: str, rank: int) -> float:
    """The room a level badge takes on a chip's first line (0 for the ordinary level)."""
    return metrics.horizontalAdvance(level) + 14.0 if rank > 0 else 0.0


def wrap(text: str, metrics: QFontMetricsF, first: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``first`` (the first line) and ``width`` (the
    rest). Chinese breaks between any two characters."""
    lines: list[str] = []
    line = ""
    for char in text:
        limit = first if not lines else width
        if not lines and not line and metrics.horizontalAdvance(char) > limit:
            lines.append("")  # the badge fills the first line: the name starts below it
            limit = width
        if line and metrics.horizontalAdvance(line + char) > limit:
            lines.append(line)
            line = char
        else:
            line += char
    if line or not lines:
        lines.append(line)
    return lines
