"""The selected terminal beside the 终端与打印机 table (issue #9): its printer, the last test
print, and the 设置打印机 / 测试打印 buttons with the test's result.

Layout only: the page fills it with :meth:`TerminalCard.show_terminal` and wires the buttons.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from reception.modules.admin.terminal_dialogs import printer_text
from reception.modules.admin.widgets import restyle
from shared.clock import to_local
from shared.printing.config import ESCPOS_KINDS
from shared.services.terminals import PRINTED, TerminalInfo


def _value(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class TerminalCard(QFrame):
    """The selected terminal's printer and test print (no signals: the page wires buttons)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("terminal_card")
        self.setProperty("role", "card")
        self.setMinimumWidth(460)
        self.title = QLabel(self.tr("所选终端"))
        self.title.setProperty("role", "title")
        self.code = _value("card_code")
        self.location = _value("card_location")
        self.printer = _value("card_printer")
        self.status_check = _value("card_status_check")
        self.last_print = _value("card_last_print")
        self.detail = _value("card_detail")
        self.detail.setProperty("role", "muted")
        self.printer_button = QPushButton(self.tr("设置打印机"))
        self.printer_button.setObjectName("terminal_printer")
        self.printer_button.setAccessibleName(self.tr("设置所选终端的打印机"))
        self.test_button = QPushButton(self.tr("测试打印"))
        self.test_button.setObjectName("terminal_test_print")
        self.test_button.setProperty("role", "primary")
        self.test_button.setAccessibleName(self.tr("在所选终端的打印机上测试打印"))
        self.result = QLabel()
        self.result.setObjectName("test_print_result")
        self.result.setWordWrap(True)
        self.result.setProperty("role", "muted")

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("编号"), self.code)
        form.addRow(self.tr("位置"), self.location)
        form.addRow(self.tr("打印机"), self.printer)
        form.addRow(self.tr("打印前检查"), self.status_check)
        form.addRow(self.tr("最近测试打印"), self.last_print)
        form.addRow(self.tr("技术详情"), self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.printer_button)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.show_terminal(None)

    def show_terminal(self, info: TerminalInfo | None) -> None:
        """Show ``info`` (or a hint when nothing is selected)."""
        if info is None:
            for label in (self.code, self.location, self.printer, self.status_check):
                label.setText("—")
            self.last_print.setText("—")
            self.detail.setText(self.tr("在左侧表格中选中一台终端。"))
            return
        self.code.setText(info.code)
        self.location.setText(info.location or "—")
        self.printer.setText(printer_text(info))
        kind = (info.printer or {}).get("kind", "none")
        if kind in ESCPOS_KINDS:
            on = bool(info.printer.get("check_status", True))
            self.status_check.setText(self.tr("检查纸张和连接") if on else self.tr("不检查"))
        else:
            self.status_check.setText("—")
        if info.last_print_at is None or not info.last_print_result:
            self.last_print.setText(self.tr("未测试"))
        else:
            when = to_local(info.last_print_at).strftime("%Y-%m-%d %H:%M")
            ok = info.last_print_result == PRINTED
            self.last_print.setText(f"{self.tr('成功') if ok else self.tr('失败')}  {when}")
        self.detail.setText(info.last_print_detail or "—")

    def show_result(self, text: str, ok: bool | None) -> None:
        """The test print's progress (``ok`` None) or outcome."""
        self.result.setText(text)
        self.result.setAccessibleName(text)
        restyle(self.result, "muted" if ok is None else ("ok" if ok else "error"))
