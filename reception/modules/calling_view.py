"""叫号's widgets: the current ticket, the step buttons, the window's queues and tickets.

:class:`WindowView` builds and lays out the page, shows the plain data it is given and connects
nothing;
:class:`~reception.modules.calling.WindowPage` wires it to the services.
:class:`TransferDialog` picks the queue a ticket moves to.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules.ticket_labels import PRIORITY_LABELS, STATE_LABELS, label
from shared.qt.tables import KIND_PICTOGRAMS, Cell, Column, DataTable, Row, number_cell
from shared.services.calling import QueueStatus
from shared.services.tickets import TicketView


class TransferDialog(QDialog):
    """Choose the queue to move a ticket to (no signals beyond QDialog's)."""

    def __init__(
        self, number: str, queues: list[QueueStatus], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transfer_dialog")
        self.setWindowTitle(self.tr("转移号票"))
        heading = QLabel(self.tr("把 {number} 转到哪项业务？").format(number=number))
        heading.setProperty("role", "title")
        self.queues = QListWidget()
        self.queues.setObjectName("transfer_queues")
        self.queues.setAccessibleName(self.tr("目标业务"))
        for status in queues:
            item = QListWidgetItem(
                self.tr("{prefix} {name}（等候 {n} 人）").format(
                    prefix=status.prefix, name=status.name, n=status.waiting
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, status.prefix)
            self.queues.addItem(item)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("转移"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.queues, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 520)

        self.queues.currentRowChanged.connect(self.on_queues_row_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def choose(self, prefix: str) -> None:
        """Select queue ``prefix``."""
        for row in range(self.queues.count()):
            if self.queues.item(row).data(Qt.ItemDataRole.UserRole) == prefix:
                self.queues.setCurrentRow(row)
                return
        raise KeyError(prefix)

    def chosen(self) -> str | None:
        """The prefix chosen, if any."""
        item = self.queues.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @Slot(int)
    def on_queues_row_changed(self, row: int) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(row >= 0)


class WindowView(QWidget):
    """The 叫号 page's widgets and layout, with no signals connected (no signals of its own)."""

    #: The pause reasons offered (``shared.models.windows.PAUSE_REASONS``); any text may be typed.
    PAUSE_REASONS = (
        QT_TRANSLATE_NOOP("WindowPage", "休息"),
        QT_TRANSLATE_NOOP("WindowPage", "会议"),
        QT_TRANSLATE_NOOP("WindowPage", "系统故障"),
    )
    #: (title, kind): the window's own tickets, newest call first (nothing to sort).
    COLUMNS = (
        (QT_TRANSLATE_NOOP("WindowPage", "号码"), "code"),
        (QT_TRANSLATE_NOOP("WindowPage", "业务"), "main"),
        (QT_TRANSLATE_NOOP("WindowPage", "优先"), "text"),
        (QT_TRANSLATE_NOOP("WindowPage", "状态"), "text"),
        (QT_TRANSLATE_NOOP("WindowPage", "重呼"), "number"),
    )
    #: The ticket at the window now, shown in the primary colour.
    CURRENT_STATES = ("called", "serving")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("叫号"))
        title.setProperty("role", "title")
        self.window_combo = QComboBox()
        self.window_combo.setObjectName("calling_window")
        self.window_combo.setAccessibleName(self.tr("本窗口"))
        self.window_combo.setMinimumWidth(280)
        window_label = QLabel(self.tr("本窗口(&W)"))
        window_label.setBuddy(self.window_combo)
        self.board_button = QPushButton(self.tr("打开叫号屏"))
        self.board_button.setObjectName("calling_open_board")
        self.board_button.setAccessibleName(self.tr("打开叫号屏"))
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(24)
        top.addWidget(window_label)
        top.addWidget(self.window_combo)
        top.addStretch(1)
        top.addWidget(self.board_button)

        # The window's session (issue #9): 签到, 暂停 with a reason, 恢复, 签退.
        session_card = QFrame()
        session_card.setProperty("role", "card")
        self.session_label = QLabel(self.tr("正在读取窗口状态…"))
        self.session_label.setObjectName("calling_session")
        self.session_label.setProperty("role", "title")
        self.session_label.setWordWrap(True)
        self.session_label.setAccessibleName(self.tr("窗口状态"))
        # The session's buttons are used a few times a day: ordinary size, so 叫下一位 and
        # the steps keep the room on a 1366×768 screen.
        self.sign_in_button = self._action(self.tr("签到"), "calling_sign_in", "primary")
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("calling_pause_reason")
        self.reason_combo.addItems([self.tr(r) for r in self.PAUSE_REASONS])
        self.reason_combo.setAccessibleName(self.tr("暂停原因"))
        self.reason_combo.setMinimumWidth(140)
        reason_label = QLabel(self.tr("暂停原因(&R)"))
        reason_label.setBuddy(self.reason_combo)
        # A typed reason, when none of the offered ones fits; it wins when filled in.
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("calling_pause_other")
        self.reason_edit.setPlaceholderText(self.tr("或填写其他原因"))
        self.reason_edit.setAccessibleName(self.tr("其他暂停原因"))
        self.reason_edit.setMaxLength(60)
        self.reason_edit.setMinimumWidth(160)
        self.pause_button = self._action(self.tr("暂停"), "calling_pause", "")
        self.resume_button = self._action(self.tr("恢复"), "calling_resume", "primary")
        self.sign_out_button = self._action(self.tr("签退"), "calling_sign_out", "")
        session_box = QVBoxLayout(session_card)
        session_box.setContentsMargins(16, 12, 16, 12)
        session_box.setSpacing(8)
        session_box.addWidget(self.session_label)
        session_row = QHBoxLayout()
        session_row.setSpacing(12)
        session_box.addLayout(session_row)
        session_row.addWidget(self.sign_in_button)
        session_row.addWidget(reason_label)
        session_row.addWidget(self.reason_combo)
        session_row.addWidget(self.reason_edit)
        session_row.addWidget(self.pause_button)
        session_row.addWidget(self.resume_button)
        session_row.addWidget(self.sign_out_button)
        session_row.addStretch(1)
        # Shown only in the states where they apply (see SessionActions).
        self.reason_widgets = (reason_label, self.reason_combo, self.reason_edit)

        current = QFrame()
        current.setProperty("role", "card")
        current_heading = QLabel(self.tr("当前号码"))
        current_heading.setProperty("role", "muted")
        self.number_label = QLabel("—")
        self.number_label.setObjectName("calling_number")
        self.number_label.setProperty("role", "big_number")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label.setAccessibleName(self.tr("当前号码"))
        self.detail_label = QLabel(self.tr("点“叫下一位”开始。"))
        self.detail_label.setObjectName("calling_detail")
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAccessibleName(self.tr("当前号码状态"))
        current_layout = QVBoxLayout(current)
        current_layout.setContentsMargins(24, 16, 24, 16)
        current_layout.addWidget(current_heading)
        current_layout.addWidget(self.number_label)
        current_layout.addWidget(self.detail_label)

        self.call_button = self._action(self.tr("叫下一位"), "calling_next", "action_primary")
        self.recall_button = self._action(self.tr("重呼"), "calling_recall")
        self.no_show_button = self._action(self.tr("过号"), "calling_no_show")
        self.start_button = self._action(self.tr("开始办理"), "calling_start")
        self.finish_button = self._action(self.tr("办结"), "calling_finish")
        self.transfer_button = self._action(self.tr("转移"), "calling_transfer")
        self._buttons = {
            "recall": self.recall_button,
            "no_show": self.no_show_button,
            "start": self.start_button,
            "finish": self.finish_button,
            "transfer": self.transfer_button,
        }
        # 叫下一位 stands beside the current number, as tall as its card; the steps below.
        # So the page fits a 1366×768 screen without anything overlapping.
        self.call_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        now_row = QHBoxLayout()
        now_row.setSpacing(12)
        now_row.addWidget(current, 3)
        now_row.addWidget(self.call_button, 2)
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.recall_button, 0, 0)
        grid.addWidget(self.no_show_button, 0, 1)
        grid.addWidget(self.start_button, 0, 2)
        grid.addWidget(self.finish_button, 1, 0)
        grid.addWidget(self.transfer_button, 1, 1)
        # Why 叫下一位 is disabled (not signed in, paused), shown under the buttons.
        self.blocked_label = QLabel()
        self.blocked_label.setObjectName("calling_blocked")
        self.blocked_label.setProperty("role", "notice")
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setAccessibleName(self.tr("叫号提示"))
        self.blocked_label.hide()

        self.message = QLabel()
        self.message.setObjectName("calling_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("叫号提示"))
        self.message.hide()

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addLayout(now_row)
        left.addLayout(grid)
        left.addWidget(self.blocked_label)
        left.addWidget(self.message)
        left.addStretch(1)

        waiting_title = QLabel(self.tr("本窗口业务等候"))
        waiting_title.setProperty("role", "title")
        self.waiting_label = QLabel(self.tr("正在读取…"))
        self.waiting_label.setObjectName("calling_waiting")
        self.waiting_label.setWordWrap(True)
        self.waiting_label.setAccessibleName(self.tr("等候人数"))
        list_title = QLabel(self.tr("本窗口今日号票"))
        list_title.setProperty("role", "title")
        self.table = DataTable(
            [Column(self.tr(title), kind) for title, kind in self.COLUMNS],
            self.tr("本窗口今日号票列表"),
            select="none",
            empty_text=self.tr("本窗口今天还没有叫号。"),
        )
        self.table.setObjectName("calling_tickets")
        self.table.set_loading(True, self.tr("正在读取本窗口号票…"))
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(waiting_title)
        right.addWidget(self.waiting_label)
        right.addWidget(list_title)
        right.addWidget(self.table, 1)

        body = QHBoxLayout()
        body.setSpacing(24)
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(session_card)
        layout.addLayout(body, 1)

    # -- showing plain data (the page decides when) -------------------------------------

    def _show_current(self, ticket: TicketView | None) -> None:
        if ticket is None:
            self.number_label.setText("—")
            self.detail_label.setText(self.tr("当前没有号码。点“叫下一位”。"))
            return
        self.number_label.setText(ticket.number)
        parts = [label(STATE_LABELS, ticket.state), ticket.queue_name]
        if ticket.priority:
            parts.append(self.tr("{kind}优先").format(kind=label(PRIORITY_LABELS, ticket.priority)))
        if ticket.recall_count:
            parts.append(self.tr("已重呼 {n} 次").format(n=ticket.recall_count))
        if ticket.matter_name:
            parts.append(ticket.matter_name)
        self.detail_label.setText(" · ".join(parts))

    def _show_waiting(self, queues: list[QueueStatus]) -> None:
        if not queues:
            self.waiting_label.setText(self.tr("本窗口未分配业务。"))
            return
        lines = []
        for status in queues:
            if not status.waiting:
                continue
            line = self.tr("{prefix} {name}：等候 {n} 人").format(
                prefix=status.prefix, name=status.name, n=status.waiting
            )
            if status.priority_waiting:
                line += self.tr("（优先 {n} 人）").format(n=status.priority_waiting)
            lines.append(line)
        # Queues nobody waits for share one line: the list stays short on a small screen.
        idle = [f"{s.prefix} {s.name}" for s in queues if not s.waiting]
        if idle:
            lines.append(self.tr("{queues}：等候 0 人").format(queues="、".join(idle)))
        self.waiting_label.setText("\n".join(lines))

    def _show_tickets(self, tickets: list[TicketView]) -> None:
        rows = []
        for ticket in tickets:
            priority = label(PRIORITY_LABELS, ticket.priority)
            current = ticket.state in self.CURRENT_STATES
            cells = (
                ticket.number,
                ticket.queue_name,
                Cell(priority, tone="priority", icon=KIND_PICTOGRAMS.get(ticket.priority))
                if ticket.priority
                else "",
                Cell(label(STATE_LABELS, ticket.state), tone="active" if current else None),
                number_cell(ticket.recall_count or None),
            )
            rows.append(Row(ticket.id, cells, data=ticket, tone=None if current else "muted"))
        self.table.set_rows(rows)

    def ticket_rows(self) -> list[tuple[str, str]]:
        """(number, state label) of the window's tickets today, newest call first."""
        rows = (self.table.texts(r) for r in range(self.table.rowCount()))
        return [(texts[0], texts[3]) for texts in rows]

    def _action(self, text: str, name: str, role: str = "action") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        if role:
            button.setProperty("role", role)
        button.setAccessibleName(text)
        return button
