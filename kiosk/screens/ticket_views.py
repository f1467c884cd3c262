"""The 取号 flow's screens (spec §3): big queue buttons, the confirmation, the number.

Views only: they show the plain data they are given (:class:`~shared.services.kiosk_tickets.
TicketMenu`, :class:`~shared.services.tickets.TicketView`) and say what was pressed;
:class:`kiosk.screens.ticket.TicketFlow` wires them to the database and the printer.

Signals of :class:`QueueListScreen`:
    queue_chosen(str): a queue button was pressed; its prefix.
    home_requested(): 返回首页.

Signals of :class:`ConfirmScreen`:
    confirmed(): 确认取号.
    back_requested(): 返回 (to the queue list).
    home_requested(): 返回首页.

Signals of :class:`ResultScreen`:
    home_requested(): 完成，返回首页.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
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

from kiosk.screens.common import PrintStatus, finish_button, home_button, wrapped_label
from shared.clock import to_local, utcnow

if TYPE_CHECKING:
    # Types only: the kiosk builds these screens at start, before the data layer is imported.
    from shared.services.kiosk_tickets import QueueChoice, TicketMenu
    from shared.services.tickets import TicketView
    from shared.services.wayfinding import Way

PRIORITY_NAMES = {
    "elderly": "老年人",
    "disabled": "残疾人",
    "pregnant": "孕妇",
    "other": "有困难的群众",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketScreens", text)


def wait_phrase(
    low: int | None,
    high: int | None,
    *,
    next_opening: datetime | None = None,
    short: bool = False,
) -> str:
    """A wait range as the kiosk says it (``short`` for buttons): the one wording every
    surface uses (:func:`shared.services.waits.wait_wording`, issue #19) — never a false
    precision, and never 即将叫号 with no window open (issue #9)."""
    # Imported here: the kiosk's first paint loads nothing of shared.services.
    from shared.services.waits import wait_wording

    return wait_wording(low, high, next_opening=next_opening, now=utcnow(), short=short)


def priority_phrase(priority: str | None) -> str:
    """The green-channel line for a priority, or '' for a normal ticket."""
    if priority is None:
        return ""
    who = PRIORITY_NAMES.get(priority, PRIORITY_NAMES["other"])
    return _tr("绿色通道：{who}优先办理").format(who=who)


def _notice(role: str = "kiosk_notice") -> QLabel:
    label = wrapped_label("", role)
    label.setVisible(False)
    return label


class QueueButton(QPushButton):
    """One queue as a big button: letter and name, what it serves, the wait — one touch."""

    def __init__(self, choice: QueueChoice, priority: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.prefix = choice.prefix
        self.setObjectName(f"queue_{choice.prefix}")
        self.setProperty("role", "kiosk_tile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        self.title_label = QLabel()
        self.title_label.setProperty("role", "tile_title")
        self.caption_label = QLabel()
        self.caption_label.setProperty("role", "tile_caption")
        self.status_label = QLabel()
        self.status_label.setProperty("role", "tile_status")
        self.wait_label = QLabel()
        self.wait_label.setProperty("role", "tile_status")
        layout.addStretch(1)
        for label in (self.title_label, self.caption_label, self.status_label, self.wait_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            # The button takes every touch, wherever on it.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)
        self.set_choice(choice, priority)

    def set_choice(self, choice: QueueChoice, priority: str | None) -> None:
        """Show a queue's latest counts."""
        title = f"{choice.prefix}  {choice.name}"
        if priority is None:
            count = _tr("等候 {n} 人").format(n=choice.waiting)
        else:
            count = _tr("前面 {n} 人").format(n=choice.people_ahead)
        wait = wait_phrase(choice.wait_low, choice.wait_high, short=True)
        self.title_label.setText(title)
        self.caption_label.setText(choice.description)
        self.caption_label.setVisible(bool(choice.description))
        self.status_label.setText(count)
        self.wait_label.setText(wait)
        self.setAccessibleName(f"{choice.prefix} {choice.name}")
        self.setAccessibleDescription(f"{choice.description}，{count}，{wait}")


class QueueListScreen(QWidget):
    """取号, first step: the site's queues as big buttons.

    Signals:
        queue_chosen(str): a queue's prefix.
        home_requested(): 返回首页.
    """

    queue_chosen = Signal(str)
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketQueues")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(20)
        self.title_label = wrapped_label(_tr("取号：请选择您要办理的业务"), "kiosk_heading")
        self.title_label.setObjectName("ticketTitle")
        self.priority_label = _notice("kiosk_green")
        self.priority_label.setObjectName("priorityNotice")
        self.state_label = wrapped_label("", "kiosk_message")
        self.state_label.setObjectName("ticketState")
        layout.addWidget(self.title_label)
        layout.addWidget(self.priority_label)
        layout.addWidget(self.state_label)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        layout.addLayout(self.grid, 1)
        self.home_button = home_button(self)
        layout.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.home_button.clicked.connect(self.home_requested)
        self.buttons: dict[str, QueueButton] = {}
        self._columns = 0
        self._priority: str | None = None

    def set_loading(self, priority: str | None) -> None:
        """Forget the last menu and say the queues are being looked up."""
        self._priority = priority
        self._clear()
        phrase = priority_phrase(priority)
        self.priority_label.setText(phrase)
        self.priority_label.setVisible(bool(phrase))
        self.state_label.setText(_tr("正在查询排队情况，请稍候…"))
        self.state_label.setVisible(True)

    def set_menu(self, menu: TicketMenu) -> None:
        """Show the queues; existing buttons keep their place and update their counts."""
        if [b.prefix for b in self.buttons.values()] != [q.prefix for q in menu.queues]:
            self._clear()
            for choice in menu.queues:
                button = QueueButton(choice, menu.priority)
                button.clicked.connect(
                    lambda _checked=False, p=choice.prefix: self.queue_chosen.emit(p)
                )
                self.buttons[choice.prefix] = button
            self._place()
        else:
            for choice in menu.queues:
                self.buttons[choice.prefix].set_choice(choice, menu.priority)
        if menu.queues:
            self.state_label.setVisible(False)
        else:
            self.state_label.setText(_tr("本厅暂无可取号的业务，请到服务台咨询。"))
            self.state_label.setVisible(True)

    def show_problem(self, text: str) -> None:
        """Say plainly why no queue can be shown."""
        self._clear()
        self.state_label.setText(text)
        self.state_label.setVisible(True)

    def _clear(self) -> None:
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        self._columns = 0

    def _wanted_columns(self) -> int:
        count = len(self.buttons)
        if self.width() >= self.height():
            return max(1, min(count, 4 if count > 6 else 3))
        return 1 if count <= 2 else 2

    def _place(self) -> None:
        columns = self._wanted_columns()
        for button in self.buttons.values():
            self.grid.removeWidget(button)
        for index, button in enumerate(self.buttons.values()):
            self.grid.addWidget(button, index // columns, index % columns)
            button.show()  # at once, not on the next event loop turn
        self._columns = columns
        previous = self.home_button
        for button in reversed(self.buttons.values()):
            QWidget.setTabOrder(button, previous)
            previous = button

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.buttons and self._wanted_columns() != self._columns:
            self._place()


class ConfirmScreen(QWidget):
    """取号, second step: the queue, people ahead and the wait, then 确认取号.

    Signals:
        confirmed(): 确认取号.
        back_requested(): 返回 to the queue list.
        home_requested(): 返回首页.
    """

    confirmed = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketConfirm")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addStretch(1)
        layout.addWidget(wrapped_label(_tr("请确认您要取的号"), "kiosk_heading"))
        card = QFrame()
        card.setProperty("role", "card")
        facts = QVBoxLayout(card)
        facts.setContentsMargins(32, 24, 32, 24)
        facts.setSpacing(16)
        self.queue_label = wrapped_label("", "kiosk_heading")
        self.queue_label.setObjectName("confirmQueue")
        self.description_label = wrapped_label("", "kiosk_detail")
        self.priority_label = _notice("kiosk_green")
        self.priority_label.setObjectName("confirmPriority")
        self.ahead_label = wrapped_label("", "kiosk_fact")
        self.ahead_label.setObjectName("confirmAhead")
        self.wait_label = wrapped_label("", "kiosk_fact")
        self.wait_label.setObjectName("confirmWait")
        for widget in (
            self.queue_label,
            self.description_label,
            self.priority_label,
            self.ahead_label,
            self.wait_label,
        ):
            facts.addWidget(widget)
        layout.addWidget(card)
        self.error_label = _notice()
        self.error_label.setObjectName("confirmError")
        layout.addWidget(self.error_label)
        self.confirm_button = QPushButton(_tr("确认取号"))
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setProperty("role", "kiosk_primary")
        self.confirm_button.setAccessibleName(_tr("确认取号"))
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.back_button = QPushButton(_tr("返回上一步"))
        self.back_button.setObjectName("backButton")
        self.back_button.setProperty("role", "kiosk_secondary")
        self.back_button.setAccessibleName(_tr("返回上一步，重新选择业务"))
        self.back_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.home_button = home_button(self)
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.home_button)
        row.addStretch(1)
        layout.addLayout(row)
        QWidget.setTabOrder(self.confirm_button, self.back_button)
        QWidget.setTabOrder(self.back_button, self.home_button)

        self.confirm_button.clicked.connect(self.confirmed)
        self.back_button.clicked.connect(self.back_requested)
        self.home_button.clicked.connect(self.home_requested)

    def set_choice(
        self, choice: QueueChoice, priority: str | None, matter_name: str | None = None
    ) -> None:
        """Show a queue to confirm (a fresh confirmation: no error, the button enabled); with
        the matter it is taken for, when it came from 办事指南."""
        self.queue_label.setText(f"{choice.prefix}  {choice.name}")
        description = (
            _tr("办理事项：{name}").format(name=matter_name) if matter_name else choice.description
        )
        self.description_label.setText(description)
        self.description_label.setVisible(bool(description))
        phrase = priority_phrase(priority)
        self.priority_label.setText(phrase)
        self.priority_label.setVisible(bool(phrase))
        self.update_counts(choice)
        self.error_label.setVisible(False)
        self.set_busy(False)

    def update_counts(self, choice: QueueChoice) -> None:
        """Refresh people ahead and the wait (the change feed moved them)."""
        self.ahead_label.setText(_tr("前面还有 {n} 人").format(n=choice.people_ahead))
        self.wait_label.setText(
            wait_phrase(choice.wait_low, choice.wait_high, next_opening=choice.next_opening)
        )

    def set_busy(self, busy: bool) -> None:
        """While the ticket is being issued the button says so and takes no second tap."""
        self.confirm_button.setEnabled(not busy)
        self.confirm_button.setText(_tr("正在取号…") if busy else _tr("确认取号"))

    def show_error(self, text: str) -> None:
        """Say what went wrong; 确认取号 tries again with the same request."""
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        self.set_busy(False)


class ResultScreen(PrintStatus, QWidget):
    """取号, the end: the number huge, the facts, where to go, and how printing went.

    Signals:
        home_requested(): 完成，返回首页.
        way_requested(): 看位置图 (the hall map, the whole screen).
    """

    home_requested = Signal()
    way_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketResult")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addStretch(1)
        layout.addWidget(wrapped_label(_tr("取号成功，您的号码是"), "kiosk_message"))
        self.number_label = wrapped_label("", "kiosk_number")
        self.number_label.setObjectName("ticketNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.number_label)
        self.queue_label = wrapped_label("", "kiosk_fact")
        self.queue_label.setObjectName("resultQueue")
        self.priority_label = _notice("kiosk_green")
        self.priority_label.setObjectName("resultPriority")
        self.ahead_label = wrapped_label("", "kiosk_fact")
        self.ahead_label.setObjectName("resultAhead")
        # Where to go: the windows that serve the queue and their zone.
        self.where_label = wrapped_label("", "kiosk_fact")
        self.where_label.setObjectName("resultWhere")
        self.time_label = wrapped_label("", "kiosk_message")
        self.time_label.setObjectName("resultTime")
        # What to bring, for a ticket taken for a matter (办事指南's 取号办理).
        self.matter_label = wrapped_label("", "kiosk_detail")
        self.matter_label.setObjectName("resultMatter")
        self.matter_label.setVisible(False)
        for widget in (
            self.queue_label,
            self.priority_label,
            self.ahead_label,
            self.where_label,
            self.time_label,
            self.matter_label,
        ):
            layout.addWidget(widget)
        layout.addSpacing(16)
        # One label per state, each styled from the start (a role changed later would need a
        # re-polish, and Qt then drops the notice's padding).
        self.printing_label = wrapped_label(_tr("正在打印号票…"), "kiosk_message")
        self.printing_label.setObjectName("printing")
        self.printed_label = _notice("kiosk_ok")
        self.printed_label.setObjectName("printed")
        self.printed_label.setText(_tr("请取走号票，留意叫号屏和语音提示"))
        self.advice_label = _notice()
        self.advice_label.setObjectName("printAdvice")
        for label in (self.printing_label, self.printed_label, self.advice_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self.home_button = finish_button(self, _tr("完成，返回首页"))
        self.way_button = QPushButton(_tr("看位置图"))
        self.way_button.setObjectName("wayButton")
        self.way_button.setProperty("role", "kiosk_nav")
        self.way_button.setAccessibleName(_tr("看位置图：去哪个窗口办理"))
        self.way_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addStretch(1)
        row.addWidget(self.way_button)
        row.addWidget(self.home_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.home_button.clicked.connect(self.home_requested)
        self.way_button.clicked.connect(self.way_requested)
        self.number = ""

    def set_ticket(self, ticket: TicketView, way: Way | None = None) -> None:
        """Show a freshly issued ticket (printing not yet known) and where to go (``way``:
        the queue's windows, from the menu it was chosen in)."""
        self.number = ticket.number
        self.number_label.setText(ticket.number)
        self.queue_label.setText(
            _tr("{prefix}  {name}").format(prefix=ticket.queue_prefix, name=ticket.queue_name)
        )
        phrase = priority_phrase(ticket.priority)
        self.priority_label.setText(phrase)
        self.priority_label.setVisible(bool(phrase))
        wait = wait_phrase(ticket.wait.low, ticket.wait.high, next_opening=ticket.wait.next_opening)
        self.ahead_label.setText(
            _tr("前面还有 {n} 人 · {wait}").format(n=ticket.people_ahead, wait=wait)
        )
        go = ""
        if way is not None and way.numbers:  # no window serves it yet: the board will say
            go = _tr("叫号后请到{where}办理").format(where=way.where)
        self.where_label.setText(go)
        self.where_label.setVisible(bool(go))
        # The map only when the hall placed the windows on it.
        self.way_button.setVisible(way is not None and bool(way.serving))
        # What a screen reader says when the screen opens on the number (it takes focus).
        self.number_label.setAccessibleName(
            "，".join(
                part
                for part in (
                    _tr("您的号码 {number}").format(number=ticket.number),
                    ticket.queue_name,
                    phrase,
                    _tr("前面还有 {n} 人").format(n=ticket.people_ahead),
                    go,
                )
                if part
            )
        )
        self.time_label.setText(_tr("取号时间 {time}").format(time=_time_text(ticket.issued_at)))
        # Imported here: the kiosk's first paint loads nothing of shared.services.
        from shared.services.catalog_text import material_names

        bring = "、".join(material_names(ticket.materials))
        matter = ""
        if ticket.matter_name:
            matter = _tr("办理事项：{name}").format(name=ticket.matter_name)
            if bring:
                matter += _tr("。请备齐：{materials}（详见号票）").format(materials=bring)
        self.matter_label.setText(matter)
        self.matter_label.setVisible(bool(matter))
        self._show_print(self.printing_label)

    def entry_focus(self) -> QWidget:
        """The number takes focus on entry: a screen reader says it at once."""
        return self.number_label

    def show_printed(self) -> None:
        """The printer took the ticket."""
        self._show_print(self.printed_label)

    def show_print_failed(self) -> None:
        """The printer failed: the number stays, with what to do."""
        self.advice_label.setText(
            _tr("打印机暂时无法出票，请记住您的号码 {number}，并到服务台补打").format(
                number=self.number
            )
        )
        self._show_print(self.advice_label)

    def show_no_printer(self) -> None:
        """This kiosk prints nothing: the visitor notes the number."""
        self.advice_label.setText(
            _tr("本机不打印号票，请记住您的号码 {number}，留意叫号屏和语音提示").format(
                number=self.number
            )
        )
        self._show_print(self.advice_label)


def _time_text(instant: datetime) -> str:
    local = to_local(instant)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
