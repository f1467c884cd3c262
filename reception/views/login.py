"""The login screen: username, password, 登录."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LoginView(QWidget):
    """Asks for a username and password; Enter in either field submits.

    Signals:
        login_submitted(str, str): username and password, both non-empty.
    """

    login_submitted = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_view")

        banner = QFrame()
        banner.setProperty("role", "banner")
        banner_title = QLabel(self.tr("政务服务中心 · 前台工作台"))
        banner_title.setProperty("role", "title")
        banner_layout = QVBoxLayout(banner)
        banner_layout.setContentsMargins(32, 20, 32, 20)
        banner_layout.addWidget(banner_title)

        card = QFrame()
        card.setProperty("role", "card")
        card.setMinimumWidth(480)
        heading = QLabel(self.tr("工作人员登录"))
        heading.setProperty("role", "title")
        hint = QLabel(self.tr("请输入您的工作人员账号和密码。"))
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("login_username")
        self.username.setAccessibleName(self.tr("用户名"))
        self.username.setMaxLength(40)
        self.username.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase)
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setAccessibleName(self.tr("密码"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.password.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
        )
        username_label = QLabel(self.tr("用户名(&U)"))
        username_label.setBuddy(self.username)
        password_label = QLabel(self.tr("密码(&P)"))
        password_label.setBuddy(self.password)

        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("登录提示"))
        self.message.hide()

        self.submit = QPushButton(self.tr("登录"))
        self.submit.setObjectName("login_submit")
        self.submit.setProperty("role", "primary")
        self.submit.setAccessibleName(self.tr("登录"))
        self.submit.setDefault(True)

        form = QFormLayout()
        form.setSpacing(12)
        form.addRow(username_label, self.username)
        form.addRow(password_label, self.password)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 32, 32, 32)
        card_layout.setSpacing(16)
        card_layout.addWidget(heading)
        card_layout.addWidget(hint)
        card_layout.addLayout(form)
        card_layout.addWidget(self.message)
        card_layout.addWidget(self.submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(banner)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.submit)

        self.submit.clicked.connect(self.on_submit_clicked)
        self.username.returnPressed.connect(self.on_submit_clicked)
        self.password.returnPressed.connect(self.on_submit_clicked)

    @Slot()
    def on_submit_clicked(self) -> None:
        if not self.submit.isEnabled():
            return
        username = self.username.text().strip()
        password = self.password.text()
        if not username:
            self.show_error(self.tr("请输入用户名。"))
            self.username.setFocus()
            return
        if not password:
            self.show_error(self.tr("请输入密码。"))
            self.password.setFocus()
            return
        self.login_submitted.emit(username, password)

    def set_busy(self, busy: bool) -> None:
        """Block input while a login is checked."""
        self.submit.setEnabled(not busy)
        self.username.setReadOnly(busy)
        self.password.setReadOnly(busy)
        self.submit.setText(self.tr("正在登录…") if busy else self.tr("登录"))
        if busy:
            self.message.hide()

    def show_error(self, text: str) -> None:
        """Show why the login failed; the password is cleared for the next try."""
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus()

    def reset(self) -> None:
        """Back to an empty form (after logout: the next person types their own name)."""
        self.set_busy(False)
        self.username.clear()
        self.password.clear()
        self.message.hide()
        self.username.setFocus()
