"""A list of matters as big buttons, a page at a time (上一页/下一页), for search and browse.

Pages rather than a scrolled list: every row is a full-width touch target and the visitor
always sees where the list ends (第1/3页). As many rows as fit the height make a page, so the
same list works in both modes and both orientations without pushing the window past the
screen.

Signals of :class:`MatterList`:
    matter_chosen(str): a row was pressed; the matter's code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from shared.services.catalog import MatterHit


def _tr(text: str) -> str:
    return QCoreApplication.translate("GuideScreens", text)


def nav_button(text: str, name: str, accessible: str = "") -> QPushButton:
    """A navigation button (上一页, 返回, 按部门查找…) of the kiosk's guide screens."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setProperty("role", "kiosk_nav")
    button.setAccessibleName(accessible or text)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class MatterButton(QPushButton):
    """One matter: its name large, its department and queue below."""

    def __init__(self, hit: MatterHit, parent: QWidget | None = None) -> None:
        where = f"{hit.department} · {hit.queue_prefix} 区"
        if hit.bundle:  # several matters done together: say so before it is opened
            where = _tr("一件事联办 · {where}").format(where=where)
        super().__init__(f"{hit.name}\n{where}", parent)
        self.code = hit.code
        self.setObjectName(f"matter_{hit.code}")
        self.setProperty("role", "kiosk_result")
        self.setAccessibleName(hit.name)
        self.setAccessibleDescription(_tr("{department}办理").format(department=hit.department))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @staticmethod
    def probe_height(parent: QWidget) -> int:
        """How tall a row is in the current style (a two-line row, polished, never shown)."""
        probe = QPushButton("测\n测", parent)
        probe.setProperty("role", "kiosk_result")
        probe.ensurePolished()
        height = int(probe.sizeHint().height())
        probe.deleteLater()
        return height


class MatterList(QWidget):
    """Matters, ``per_page`` at a time, with 上一页/下一页 and the page count.

    Signals:
        matter_chosen(str): a matter's code.
    """

    matter_chosen = Signal(str)

    ROW_SPACING = 12

    def __init__(self, per_page: int = 5, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.per_page = per_page
        # The height decides the rows per page (resizeEvent), not the other way round.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self._row_height = 0
        self.hits: list[MatterHit] = []
        self.page = 0
        self.buttons: list[MatterButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(self.ROW_SPACING)
        layout.addLayout(self.rows)
        layout.addStretch(1)
        pager = QHBoxLayout()
        pager.setSpacing(16)
        self.prev_button = nav_button(_tr("上一页"), "listPrev", _tr("上一页结果"))
        self.next_button = nav_button(_tr("下一页"), "listNext", _tr("下一页结果"))
        self.page_label = QLabel()
        self.page_label.setObjectName("listPage")
        self.page_label.setProperty("role", "kiosk_message")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pager.addWidget(self.prev_button)
        pager.addWidget(self.page_label, 1)
        pager.addWidget(self.next_button)
        layout.addLayout(pager)
        self.prev_button.clicked.connect(self.on_prev_clicked)
        self.next_button.clicked.connect(self.on_next_clicked)
        self._show_page()

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-len(self.hits) // self.per_page))

    def set_hits(self, hits: Sequence[MatterHit]) -> None:
        """Show a new list from its first page."""
        self.hits = list(hits)
        self.page = 0
        self._show_page()

    def set_per_page(self, per_page: int) -> None:
        """Rows per page (the screen's orientation decides); keeps the first row in view."""
        if per_page != self.per_page and per_page > 0:
            first = self.page * self.per_page
            self.per_page = per_page
            self.page = first // per_page
            self._show_page()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        if not self._row_height:
            probe = MatterButton.probe_height(self)
            if probe <= 0:
                return
            self._row_height = probe
        pager = max(self.prev_button.sizeHint().height(), self.page_label.sizeHint().height())
        room = self.height() - pager - 2 * self.ROW_SPACING
        self.set_per_page(max(1, room // (self._row_height + self.ROW_SPACING)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:
            self._row_height = 0  # the mode changed: rows are taller or shorter now
            self._fit_rows()

    def names(self) -> list[str]:
        """The matters' names on the current page."""
        return [b.accessibleName() for b in self.buttons]

    def button_for(self, code: str) -> MatterButton:
        """The row of matter ``code`` on the current page."""
        return next(b for b in self.buttons if b.code == code)

    def on_prev_clicked(self) -> None:
        """上一页."""
        if self.page > 0:
            self.page -= 1
            self._show_page()

    def on_next_clicked(self) -> None:
        """下一页."""
        if self.page + 1 < self.pages:
            self.page += 1
            self._show_page()

    def _show_page(self) -> None:
        for button in self.buttons:
            self.rows.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        start = self.page * self.per_page
        for hit in self.hits[start : start + self.per_page]:
            button = MatterButton(hit)
            button.clicked.connect(lambda _checked=False, c=hit.code: self.matter_chosen.emit(c))
            self.rows.addWidget(button)
            button.show()  # at once, not on the next turn of the event loop
            self.buttons.append(button)
        many = len(self.hits) > self.per_page
        self.prev_button.setVisible(many)
        self.next_button.setVisible(many)
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page + 1 < self.pages)
        self.page_label.setVisible(many)
        self.page_label.setAccessibleName(
            _tr("第{page}页，共{pages}页，{n}项").format(
                page=self.page + 1, pages=self.pages, n=len(self.hits)
            )
        )
        self.page_label.setText(
            _tr("{page}/{pages}页").format(page=self.page + 1, pages=self.pages)
        )
