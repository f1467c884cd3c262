"""取号台's widgets: the queue buttons, the visitor's options, the last ticket, today's list.

:class:`DeskView` builds and lays out the page and connects nothing;
:class:`~reception.modules.ticket_desk.DeskPage` wires it to the services. :class:`PrintAlert`
is the banner shown when a ticket's print failed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.modules.ticket_labels import CONTEXT, PRIORITY_LABELS
from shared.qt.icons import Pictogram
from shared.qt.loading import LoadingPanel
from shared.qt.table_cells import PRINTER_OFF_PICTOGRAM
from shared.qt.tables import Column, DataTable
from shared.services.desk import DeskTicket

#: The queue choices' rows while they load (two rows of four, as the demo hall has).
QUEUE_SKELETON_PX = 170


class PrintAlert(QFrame):
    """A non-modal banner: a ticket's print failed, with 补打 and 知道了.

    Signals:
        reprint_requested(object): the ticket id to reprint.
        dismissed(object): the ticket id whose alert was closed.
    """

    reprint_requested = Signal(object)
    dismissed = Signal(object)

    def __init__(self, ticket: DeskTicket, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ticket_id = ticket.id
        self.number = ticket.number
        self.setObjectName(f"print_alert_{ticket.number}")
        self.setProperty("role", "alert")
        self.text = QLabel(
            self.tr("号票 {number} 打印失败，请为群众补打").format(number=ticket.number)
        )
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.text.text())
        self.reprint_button = QPushButton(self.tr("补打"))
        self.reprint_button.setAccessibleName(
            self.tr("补打号票 {number}").format(number=self.number)
        )
        self.dismiss_button = QPushButton(self.tr("知道了"))
        self.dismiss_button.setAccessibleName(
            self.tr("关闭 {number} 的打印失败提醒").format(number=self.number)
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reprint_button)
        layout.addWidget(self.dismiss_button)

        self.reprint_button.clicked.connect(self.on_reprint_clicked)
        self.dismiss_button.clicked.connect(self.on_dismiss_clicked)

    @Slot()
    def on_reprint_clicked(self) -> None:
        self.reprint_requested.emit(self.ticket_id)

    @Slot()
    def on_dismiss_clicked(self) -> None:
        self.dismissed.emit(self.ticket_id)


class PrinterWarning(QFrame):
    """The 取号台's warning that this terminal cannot print (issue #19): shown as soon as the
    printer settings are read, before anyone presses 取号, so no visitor leaves without a
    number (no signals)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("desk_printer_warning")
        self.setProperty("role", "alert")
        self.icon = Pictogram(PRINTER_OFF_PICTOGRAM, 1.4)
        self.text = QLabel()
        self.text.setObjectName("desk_printer_warning_text")
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(12)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)

    def show_text(self, text: str) -> None:
        """Show the warning with ``text``."""
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self.setAccessibleName(text)
        self.show()


class DeskView(QWidget):
    """The 取号台 page's widgets and layout, with no signals connected (no signals of its own).

    Args:
        may_override: whether the 非办理时间强制取号 box is shown and enabled.
    """

    #: Today's list: (title, kind, sortable). Staff sort by number, queue, kind and time.
    COLUMNS = (
        (QT_TRANSLATE_NOOP("DeskPage", "号码"), "code", True),
        (QT_TRANSLATE_NOOP("DeskPage", "业务"), "main", True),
        (QT_TRANSLATE_NOOP("DeskPage", "优先"), "text", True),
        (QT_TRANSLATE_NOOP("DeskPage", "状态"), "text", True),
        (QT_TRANSLATE_NOOP("DeskPage", "打印"), "text", True),
        (QT_TRANSLATE_NOOP("DeskPage", "取号时间"), "time", True),
        (QT_TRANSLATE_NOOP("DeskPage", "窗口"), "number", True),
    )

    def __init__(self, may_override: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # -- the queues, the visitor's options and 取号 ------------------------------------
        title = QLabel(self.tr("取号台"))
        title.setProperty("role", "title")
        self.hall_label = QLabel()
        self.hall_label.setObjectName("desk_hall_state")
        self.hall_label.setProperty("role", "muted")
        self.hall_label.setWordWrap(True)
        self.hall_label.setAccessibleName(self.tr("大厅状态"))
        queues_heading = QLabel(self.tr("选择业务"))
        queues_heading.setProperty("role", "muted")
        self.queue_group = QButtonGroup(self)
        self.queue_group.setExclusive(True)
        self.queue_grid = QGridLayout()
        self.queue_grid.setSpacing(8)
        # Where the queue choices will be, until they are read (issue #19: never a blank).
        self.queue_loading = LoadingPanel(shape="tiles")
        self.queue_loading.setObjectName("desk_queue_loading")
        self.queue_loading.setFixedHeight(QUEUE_SKELETON_PX)
        self.queue_loading.show_loading(self.tr("正在读取业务和等候人数…"))

        self.priority = QComboBox()
        self.priority.setObjectName("desk_priority")
        self.priority.setAccessibleName(self.tr("优先类型"))
        self.priority.addItem(self.tr("无（普通号）"), None)
        for code, source in PRIORITY_LABELS.items():
            self.priority.addItem(translate(CONTEXT, source), code)
        priority_label = QLabel(self.tr("优先类型(&Y)"))
        priority_label.setBuddy(self.priority)
        self.matter = QLineEdit()
        self.matter.setObjectName("desk_matter")
        self.matter.setAccessibleName(self.tr("事项编码"))
        self.matter.setPlaceholderText(self.tr("可不填"))
        self.matter.setMaxLength(60)
        matter_label = QLabel(self.tr("事项编码(&M)"))
        matter_label.setBuddy(self.matter)
        self.override = QCheckBox(self.tr("非办理时间强制取号"))
        self.override.setObjectName("desk_override")
        self.override.setAccessibleName(self.tr("非办理时间强制取号"))
        self.override.setVisible(may_override)
        self.override.setEnabled(may_override)

        self.issue_button = QPushButton(self.tr("取号"))
        self.issue_button.setObjectName("desk_issue")
        self.issue_button.setProperty("role", "action_primary")
        self.issue_button.setAccessibleName(self.tr("取号"))
        self.message = QLabel()
        self.message.setObjectName("desk_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("取号提示"))
        self.message.hide()

        result = QFrame()
        result.setProperty("role", "card")
        result_heading = QLabel(self.tr("最近一张号票"))
        result_heading.setProperty("role", "muted")
        self.number_label = QLabel("—")
        self.number_label.setObjectName("desk_number")
        self.number_label.setProperty("role", "big_number")
        self.number_label.setAccessibleName(self.tr("号码"))
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label = QLabel(self.tr("选择业务后点“取号”。"))
        self.detail_label.setObjectName("desk_detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setAccessibleName(self.tr("号票详情"))
        self.print_label = QLabel()
        self.print_label.setObjectName("desk_print_state")
        self.print_label.setWordWrap(True)
        self.print_label.setAccessibleName(self.tr("打印状态"))
        self.printer_label = QLabel(self.tr("正在读取打印机设置…"))
        self.printer_label.setObjectName("desk_printer")
        self.printer_label.setProperty("role", "muted")
        self.printer_label.setAccessibleName(self.tr("本机打印机"))
        self.printer_warning = PrinterWarning()
        self.printer_warning.hide()
        # The number beside its details: the card stays short on a 768-pixel-high screen.
        result_layout = QVBoxLayout(result)
        result_layout.setContentsMargins(20, 12, 20, 12)
        result_layout.addWidget(result_heading)
        result_row = QHBoxLayout()
        result_row.setSpacing(16)
        result_row.addWidget(self.number_label)
        details = QVBoxLayout()
        details.addStretch(1)
        details.addWidget(self.detail_label)
        details.addWidget(self.print_label)
        details.addStretch(1)
        result_row.addLayout(details, 1)
        result_layout.addLayout(result_row)

        form = QFormLayout()
        form.setSpacing(12)
        form.addRow(priority_label, self.priority)
        form.addRow(matter_label, self.matter)

        # The visitor's side scrolls on its own when the screen is short (1366×768): nothing
        # overlaps, and today's list keeps the full height beside it.
        left_page = QWidget()
        left_page.setObjectName("desk_left")
        left = QVBoxLayout(left_page)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(12)
        left.addLayout(form)
        left.addWidget(self.override, 0, Qt.AlignmentFlag.AlignLeft)
        left.addWidget(self.issue_button)
        left.addWidget(self.message)
        left.addWidget(result)
        left.addWidget(self.printer_label)
        left.addStretch(1)
        self.left_scroll = QScrollArea()
        self.left_scroll.setObjectName("desk_left_scroll")
        self.left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.left_scroll.setWidgetResizable(True)
        self.left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take focus
        self.left_scroll.setWidget(left_page)
        self.result_card = result

        # -- right: alerts and today's list ------------------------------------------------
        self.alert_box = QVBoxLayout()
        self.alert_box.setSpacing(8)
        list_title = QLabel(self.tr("今日号票"))
        list_title.setProperty("role", "title")
        self.summary = QLabel()
        self.summary.setObjectName("desk_summary")
        self.summary.setProperty("role", "muted")
        self.summary.setAccessibleName(self.tr("今日号票统计"))
        self.table = DataTable(
            [Column(self.tr(title), kind, sortable) for title, kind, sortable in self.COLUMNS],
            self.tr("今日号票列表"),
            empty_text=self.tr("今日还没有号票。"),
        )
        self.table.setObjectName("desk_tickets")
        self.table.set_loading(True, self.tr("正在读取今日号票…"))
        self.reprint_button = QPushButton(self.tr("补打"))
        self.reprint_button.setObjectName("desk_reprint")
        self.reprint_button.setAccessibleName(self.tr("补打所选号票"))
        self.cancel_button = QPushButton(self.tr("取消号票"))
        self.cancel_button.setObjectName("desk_cancel")
        self.cancel_button.setProperty("role", "danger")
        self.cancel_button.setAccessibleName(self.tr("取消所选号票"))
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setAccessibleName(self.tr("刷新今日号票"))
        self.reprint_button.setEnabled(False)
        self.cancel_button.setEnabled(False)

        list_top = QHBoxLayout()
        list_top.addWidget(list_title)
        list_top.addStretch(1)
        list_top.addWidget(self.summary)
        actions = QHBoxLayout()
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addLayout(list_top)
        right.addWidget(self.table, 1)
        right.addLayout(actions)

        heading = QHBoxLayout()
        heading.setSpacing(24)
        heading.addWidget(title)
        heading.addWidget(self.hall_label, 1)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addWidget(self.left_scroll, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(heading)
        layout.addWidget(self.printer_warning)
        layout.addLayout(self.alert_box)
        layout.addWidget(queues_heading)
        layout.addWidget(self.queue_loading)
        layout.addLayout(self.queue_grid)
        layout.addLayout(body, 1)

        self.cancel_box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("取消号票"),
            "",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        self.cancel_box.setObjectName("desk_cancel_confirm")
        self.cancel_box.button(QMessageBox.StandardButton.Yes).setText(self.tr("确认取消"))
        self.cancel_box.button(QMessageBox.StandardButton.No).setText(self.tr("不取消"))
        self.cancel_box.setDefaultButton(QMessageBox.StandardButton.No)
