"""The home screen (spec §3): four big choices, the 长辈模式 switch, the time, the hall's state
and how many people wait. A view only: it shows what it is given and says what was pressed.

It is the kiosk's first screen, usable before the database is (spec §12): until the first
status arrives the hall's state says 正在读取…. So this module imports Qt and the kiosk's own
modules only; the status type is imported for type checking alone.

Each tile carries a pictogram above its words (issue #12). Out of hours the 取号 tile says so
before anyone taps it: 暂停取号, when tickets start again, greyed with a crossed-out ticket; it
stays tappable so a tap explains, while the other tiles (the 24-hour zone) stay as they are.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.names import GUIDE, PRIORITY, RATING, TICKET
from shared.clock import to_local
from shared.qt.icons import Pictogram

if TYPE_CHECKING:
    # Types only: the home screen is shown before the data layer is imported (spec §12).
    from shared.services.home import KioskStatus

NAME = "home"

# A tile's pictogram, in ems of its body text (it grows with 长辈模式): 64 px beside the
# kiosk's 24 px text.
TILE_PICTOGRAM_EM = 8 / 3
PICTOGRAMS = {
    TICKET: "ticket",
    GUIDE: "book",
    PRIORITY: "heart-handshake",
    RATING: "thumb-up",
}
# The 取号 tile out of hours: a crossed-out ticket.
CLOSED_PICTOGRAM = "ticket-off"


class Tile(QPushButton):
    """A big choice: a pictogram, a title and a one-line explanation, all inside one button."""

    def __init__(
        self, title: str, caption: str, pictogram: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "kiosk_tile")
        self.setAccessibleName(title)
        self.setAccessibleDescription(caption)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.pictogram = Pictogram(pictogram, TILE_PICTOGRAM_EM)
        self.title_label = QLabel(title)
        self.title_label.setProperty("role", "tile_title")
        self.caption_label = QLabel(caption)
        self.caption_label.setProperty("role", "tile_caption")
        self.caption_label.setWordWrap(True)
        for label in (self.pictogram, self.title_label, self.caption_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # The button takes every touch, wherever on it.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addStretch(1)
        layout.addWidget(self.pictogram)
        layout.addWidget(self.title_label)
        layout.addWidget(self.caption_label)
        layout.addStretch(1)

    @property
    def closed(self) -> bool:
        """True while the tile shows its choice as not available now."""
        return self.property("state") == "closed"

    def show_words(self, title: str, caption: str, pictogram: str, *, closed: bool) -> None:
        """Say something else on the tile, to the eye and to a screen reader alike; a
        ``closed`` tile is greyed by the stylesheet (``state="closed"``)."""
        self.title_label.setText(title)
        self.caption_label.setText(caption)
        self.setAccessibleName(title)
        self.setAccessibleDescription(caption)
        self.pictogram.set_name(pictogram)
        if closed != self.closed:
            self.setProperty("state", "closed" if closed else "")
            # Rules that match on an ancestor's property need the children re-styled too.
            for widget in (self, *self.findChildren(QWidget)):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
                widget.update()


class HomeScreen(QWidget):
    """The kiosk's home.

    Signals:
        choice_selected(str): a tile was pressed; the argument is the screen name to open.
        elder_mode_toggled(bool): the 长辈模式 switch was turned on (True) or off (False).
        voice_toggled(bool): the 语音 switch (speech for this visit) was turned on or off.
        first_painted(): the screen finished its first paint (it is on screen and usable).
    """

    choice_selected = Signal(str)
    elder_mode_toggled = Signal(bool)
    voice_toggled = Signal(bool)
    first_painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeScreen")
        self.painted = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        banner = QFrame()
        banner.setProperty("role", "banner")
        banner_row = QHBoxLayout(banner)
        banner_row.setContentsMargins(32, 20, 32, 20)
        self.site_label = QLabel(self.tr("政务服务中心"))
        self.site_label.setObjectName("siteName")
        self.site_label.setProperty("role", "title")
        self.clock_label = QLabel("")
        self.clock_label.setObjectName("clock")
        self.clock_label.setProperty("role", "clock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        banner_row.addWidget(self.site_label, 1)
        banner_row.addWidget(self.clock_label)
        layout.addWidget(banner)

        body = QVBoxLayout()
        body.setContentsMargins(32, 24, 32, 24)
        body.setSpacing(24)
        layout.addLayout(body, 1)

        card = QFrame()
        card.setProperty("role", "card")
        card_row = QHBoxLayout(card)
        card_row.setContentsMargins(24, 16, 24, 16)
        state_column = QVBoxLayout()
        # Until the first status: the kiosk is usable before its database is open.
        self.state_label = QLabel(self.tr("正在读取…"))
        self.state_label.setObjectName("hallState")
        self.state_label.setProperty("role", "kiosk_state")
        self.hours_label = QLabel("")
        self.hours_label.setObjectName("hallHours")
        self.hours_label.setWordWrap(True)
        state_column.addWidget(self.state_label)
        state_column.addWidget(self.hours_label)
        self.waiting_label = QLabel(self.tr("当前等候人数读取中…"))
        self.waiting_label.setObjectName("waiting")
        self.waiting_label.setProperty("role", "kiosk_state")
        self.waiting_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        card_row.addLayout(state_column, 1)
        card_row.addWidget(self.waiting_label)
        body.addWidget(card)

        grid = QGridLayout()
        grid.setSpacing(24)
        self.tiles: dict[str, Tile] = {}
        choices = [
            (TICKET, self.tr("取号"), self.tr("领取排队号票")),
            (GUIDE, self.tr("办事指南"), self.tr("查看办事要带的材料和流程")),
            (PRIORITY, self.tr("优先服务"), self.tr("老年人、残疾人、孕妇优先办理")),
            (RATING, self.tr("评价"), self.tr("对我们的服务进行评价")),
        ]
        self._ticket_words = (choices[0][1], choices[0][2])
        for index, (name, title, caption) in enumerate(choices):
            tile = Tile(title, caption, PICTOGRAMS[name])
            tile.setObjectName(f"tile_{name}")
            tile.clicked.connect(lambda _checked=False, n=name: self.choice_selected.emit(n))
            grid.addWidget(tile, index // 2, index % 2)
            self.tiles[name] = tile
        body.addLayout(grid, 1)

        bottom = QHBoxLayout()
        self.elder_switch = QPushButton()
        self.elder_switch.setObjectName("elderSwitch")
        self.elder_switch.setProperty("role", "kiosk_switch")
        self.elder_switch.setCheckable(True)
        self.elder_switch.setAccessibleName(self.tr("长辈模式"))
        self.elder_switch.setAccessibleDescription(self.tr("字更大，按钮更大"))
        self.elder_switch.toggled.connect(self._show_switch_state)
        self.elder_switch.toggled.connect(self.elder_mode_toggled)
        # Speech on demand, for a visitor who wants to hear the screens without 长辈模式.
        self.voice_switch = QPushButton()
        self.voice_switch.setObjectName("voiceSwitch")
        self.voice_switch.setProperty("role", "kiosk_switch")
        self.voice_switch.setCheckable(True)
        self.voice_switch.setAccessibleName(self.tr("语音播报"))
        self.voice_switch.setAccessibleDescription(self.tr("朗读每一页的标题和结果"))
        self.voice_switch.toggled.connect(self._show_voice_state)
        self.voice_switch.toggled.connect(self.voice_toggled)
        self.hint_label = QLabel(self.tr("请点击您要办理的事项"))
        self.hint_label.setWordWrap(True)
        bottom.addWidget(self.elder_switch)
        bottom.addSpacing(16)
        bottom.addWidget(self.voice_switch)
        bottom.addSpacing(24)
        bottom.addWidget(self.hint_label, 1)
        body.addLayout(bottom)

        order = [*self.tiles.values(), self.elder_switch, self.voice_switch]
        for before, after in itertools.pairwise(order):
            QWidget.setTabOrder(before, after)
        self._show_switch_state(False)
        self._show_voice_state(False)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            # Once this paint pass is over (the tiles paint after their parent), not inside it.
            QTimer.singleShot(0, self, self.first_painted.emit)

    def choice_title(self, name: str) -> str:
        """The title on the tile of choice ``name``."""
        return self.tiles[name].title_label.text()

    def _show_switch_state(self, on: bool) -> None:
        self.elder_switch.setText(self.tr("长辈模式：开") if on else self.tr("长辈模式：关"))

    def _show_voice_state(self, on: bool) -> None:
        self.voice_switch.setText(self.tr("语音：开") if on else self.tr("语音：关"))

    def set_voice(self, on: bool, available: bool = True) -> None:
        """Show the 语音 switch in a state without emitting :attr:`voice_toggled`; hidden when
        the hall turned voice guidance off."""
        self.voice_switch.blockSignals(True)
        self.voice_switch.setChecked(on)
        self.voice_switch.blockSignals(False)
        self._show_voice_state(on)
        self.voice_switch.setVisible(available)

    def set_elder(self, on: bool) -> None:
        """Show the switch in a state without emitting :attr:`elder_mode_toggled`."""
        self.elder_switch.blockSignals(True)
        self.elder_switch.setChecked(on)
        self.elder_switch.blockSignals(False)
        self._show_switch_state(on)

    def set_clock(self, now: datetime) -> None:
        """Show the date and time of an instant, hall-local."""
        local = to_local(now)
        weekdays = [
            self.tr("星期一"),
            self.tr("星期二"),
            self.tr("星期三"),
            self.tr("星期四"),
            self.tr("星期五"),
            self.tr("星期六"),
            self.tr("星期日"),
        ]
        date_text = self.tr("{month}月{day}日").format(month=local.month, day=local.day)
        self.clock_label.setText(
            f"{date_text} {weekdays[local.weekday()]}  {local.strftime('%H:%M:%S')}"
        )

    def set_status(self, status: KioskStatus) -> None:
        """Show the site, the hall's state, the waiting count and whether tickets are issued.

        Tickets are issued exactly while the hall is in an opening session (the allocator
        checks the same hours), so a closed hall turns the 取号 tile to 暂停取号 with the
        next opening.
        """
        self.site_label.setText(status.site_name)
        self.waiting_label.setText(self.tr("当前等候 {count} 人").format(count=status.waiting))
        if status.is_open:
            self.state_label.setText(self.tr("营业中"))
            closes = to_local(status.closes_at) if status.closes_at else None
            self.hours_label.setText(
                self.tr("本时段 {time} 结束办理").format(time=closes.strftime("%H:%M"))
                if closes
                else ""
            )
            self._show_tickets_open()
            return
        now = to_local(status.now)
        opening = to_local(status.next_opening) if status.next_opening else None
        if opening is None:
            self.state_label.setText(self.tr("暂停办理"))
            self.hours_label.setText(self.tr("开放时间请咨询服务台"))
            self._show_tickets_closed(self.tr("取号时间请咨询服务台"))
            return
        at = opening.strftime("%H:%M")
        if opening.date() == now.date():
            when = self.tr("今天 {time}").format(time=at)
            self.state_label.setText(self.tr("休息中"))
            self.hours_label.setText(self.tr("{when} 开始办理").format(when=when))
        elif opening.date() == now.date() + timedelta(days=1):
            when = self.tr("明天 {time}").format(time=at)
            self.state_label.setText(self.tr("已下班"))
            self.hours_label.setText(self.tr("今日已下班，{when} 开始办理").format(when=when))
        else:
            when = self.tr("{month}月{day}日 {time}").format(
                month=opening.month, day=opening.day, time=at
            )
            self.state_label.setText(self.tr("已下班"))
            self.hours_label.setText(self.tr("今日已下班，{when} 开始办理").format(when=when))
        self._show_tickets_closed(self.tr("{when} 开始取号").format(when=when))

    def _show_tickets_open(self) -> None:
        title, caption = self._ticket_words
        self.tiles[TICKET].show_words(title, caption, PICTOGRAMS[TICKET], closed=False)
        self.hint_label.setText(self.tr("请点击您要办理的事项"))

    def _show_tickets_closed(self, caption: str) -> None:
        self.tiles[TICKET].show_words(self.tr("暂停取号"), caption, CLOSED_PICTOGRAM, closed=True)
        self.hint_label.setText(self.tr("现在暂停取号；办事指南、优先服务和评价仍可使用"))
