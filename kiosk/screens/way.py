"""去哪里办: the whole screen for the hall map after a ticket or a guide, so a visitor sees
where to go.

The windows that serve the ticket's queue (or the guide's matter) are highlighted on the hall
map (the same map as the guide page, drawn from the windows' places), 您在这里 marks the
kiosk, and the heading says it in words with large numbers (请到3至8号窗口（一楼综合受理区）).
It comes back to what opened it (the ticket, or the guide).

Signals of :class:`WayScreen`:
    back_requested(): 返回, to the ticket or the guide.
    home_requested(): 完成，返回首页.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.screens.common import finish_button, wrapped_label
from kiosk.screens.guide_map import HallMap

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shared.services.wayfinding import MapWindow, Way


def _tr(text: str) -> str:
    return QCoreApplication.translate("WayScreen", text)


class WayScreen(QWidget):
    """Where to go, on the hall map, the whole screen."""

    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wayScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        self.title_label = wrapped_label("", "kiosk_heading")
        self.title_label.setObjectName("wayTitle")
        self.number_label = wrapped_label("", "kiosk_fact")
        self.number_label.setObjectName("wayNumber")
        layout.addWidget(self.title_label)
        layout.addWidget(self.number_label)
        self.map = HallMap()
        layout.addWidget(self.map, 1)
        self.legend = wrapped_label(
            _tr("地图上亮起的是您要去的窗口；“您在这里”是本机的位置"), "kiosk_message"
        )
        layout.addWidget(self.legend)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.back_button = QPushButton(_tr("返回我的号码"))
        self.back_button.setObjectName("wayBack")
        self.back_button.setProperty("role", "kiosk_nav")
        self.back_button.setAccessibleName(self.back_button.text())
        self.back_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.home_button = finish_button(self, _tr("完成，返回首页"))
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.home_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.back_button.clicked.connect(self.back_requested)
        self.home_button.clicked.connect(self.home_requested)

    def set_way(self, number: str, way: Way) -> None:
        """Show where ticket ``number`` is served (返回 goes back to the number)."""
        self.show_place(
            way.where,
            _tr("您的号码 {number}，叫号后前往").format(number=number),
            way.windows,
            _tr("返回我的号码"),
        )

    def set_guide(self, matter: str, windows: Sequence[MapWindow], where: str) -> None:
        """Show where ``matter`` (a guide's) is handled (返回 goes back to the guide)."""
        self.show_place(
            where, _tr("办理「{matter}」").format(matter=matter), windows, _tr("返回办事指南")
        )

    def show_place(
        self, where: str, note: str, windows: Sequence[MapWindow], back_text: str
    ) -> None:
        """Show ``where`` in words and on the map, with ``note`` under it."""
        self.title_label.setText(_tr("请到{where}").format(where=where))
        self.number_label.setText(note)
        self.map.set_windows(windows, where)
        self.back_button.setText(back_text)
        self.back_button.setAccessibleName(back_text)
