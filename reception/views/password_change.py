"""The new-password step after a reset: the account must choose its own password (issue #9)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _secret_field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
    )
    return field


class PasswordChangeView(QWidget):
    """Asks twice for a new password; the service checks its rules.

    Signals:
        password_submitted(str): the new password, typed the same twice.
        cancelled(): 返回登录 was pressed (nothing changes; the next login asks again).
    """

    password_submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("password_change_view")
        banner = QFrame()
        banner.setProperty("role", "banner")
        banner_title = QLabel(self.tr("政务服务中心 · 前台工作台"))
        banner_title.setProperty("role", "title")
        banner_layout = QVBoxLayout(banner)
        banner_layout.setContentsMargins(32, 20, 32, 20)
        banner_layout.addWidget(banner_title)
        card = QFrame()
        card.setProperty("role", "card")
        card.setMinimumWidth(520)
        heading = QLabel(self.tr("请设置新密码"))
        heading.setProperty("role", "title")
        self.hint = QLabel()
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)

        self.new_password = _secret_field("new_password", self.tr("新密码"))
        self.confirm = _secret_field("new_password_confirm", self.tr("再次输入新密码"))
        new_label = QLabel(self.tr("新密码(&N)"))
        new_label.setBuddy(self.new_password)
        confirm_label = QLabel(self.tr("再次输入(&A)"))
        confirm_label.setBuddy(self.confirm)
        self.message = QLabel()
        self.message.setObjectName("password_change_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("修改密码提示"))
        self.message.hide()

        self.submit = QPushButton(self.tr("保存新密码并进入"))
        self.submit.setObjectName("password_change_submit")
        self.submit.setProperty("role", "primary")
        self.submit.setAccessibleName(self.tr("保存新密码并进入"))
        self.submit.setDefault(True)
        self.cancel = QPushButton(self.tr("返回登录"))
        self.cancel.setObjectName("password_change_cancel")
        self.cancel.setAccessibleName(self.tr("返回登录"))

        form = QFormLayout()
        form.setSpacing(12)
        form.addRow(new_label, self.new_password)
        form.addRow(confirm_label, self.confirm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.submit)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 32, 32, 32)
        card_layout.setSpacing(16)
        card_layout.addWidget(heading)
        card_layout.addWidget(self.hint)
        card_layout.addLayout(form)
        card_layout.addWidget(self.message)
        card_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(banner)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

        self.setTabOrder(self.new_password, self.confirm)
        self.setTabOrder(self.confirm, self.submit)
        self.submit.clicked.connect(self.on_submit_clicked)
        self.confirm.returnPressed.connect(self.on_submit_clicked)
        self.new_password.returnPressed.connect(self.confirm.setFocus)
        self.cancel.clicked.connect(self.cancelled)

    def start(self, display_name: str) -> None:
        """An empty form for ``display_name``."""
        self.hint.setText(
            self.tr(
                "{name}，您正在使用管理员设置的临时密码。请设置自己的新密码（至少8位）。"
            ).format(name=display_name)
        )
        self.set_busy(False)
        self.new_password.clear()
        self.confirm.clear()
        self.message.hide()
        self.new_password.setFocus()

    @Slot()
    def on_submit_clicked(self) -> None:
        if not self.submit.isEnabled():
            return
        new = self.new_password.text()
        if not new:
            self.show_error(self.tr("请输入新密码。"))
            return
        if new != self.confirm.text():
            self.show_error(self.tr("两次输入的新密码不一致。"))
            return
        self.password_submitted.emit(new)

    def set_busy(self, busy: bool) -> None:
        """Block input while the new password is saved."""
        self.submit.setEnabled(not busy)
        self.cancel.setEnabled(not busy)
        self.new_password.setReadOnly(busy)
        self.confirm.setReadOnly(busy)

    def show_error(self, text: str) -> None:
        """Say why the new password was refused; both fields are cleared."""
        self.set_busy(False)
        self.message.setText(text)
        self.message.show()
        self.new_password.clear()
        self.confirm.clear()
        self.new_password.setFocus()
