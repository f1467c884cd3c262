"""The 工作人员 page's dialogs (issue #9): an account's details, a password reset, and the
temporary password shown once.

Each opens with ``open()`` (window-modal, never blocking the event loop); the page reacts to
``accepted`` and tests press the buttons as staff would. The dialogs only collect input: the
services decide what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reception.modules.admin.ops import AccountForm, SiteChoice
from reception.modules.admin.widgets import fill_sites, message_label, show_message
from reception.roles import ROLE_LABELS, role_label
from shared.services.staff import StaffInfo

#: Wide enough for the longest role label with the choice button's padding.
ROLE_BUTTON_WIDTH = 190


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox()
    ok = QPushButton(ok_text)
    ok.setProperty("role", "primary")
    ok.setObjectName("dialog_ok")
    ok.setAccessibleName(ok_text)
    cancel = QPushButton(dialog.tr("返回"))
    cancel.setObjectName("dialog_cancel")
    cancel.setAccessibleName(dialog.tr("返回，不保存"))
    box.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    box.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _password_field(name: str, accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setMaxLength(128)
    field.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData)
    return field


class FormDialog(QDialog):
    """A dialog that stays open until its change is saved: 确定 emits :attr:`submitted`; the
    page closes it on success or shows the service's reason in it (:meth:`show_error`).

    Signals:
        submitted(): the primary button was pressed.
    """

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = message_label("dialog_error")

    def buttons(self, ok_text: str) -> QDialogButtonBox:
        """The 确定/返回 row; 确定 submits instead of closing."""
        box = _buttons(self, ok_text)
        box.accepted.disconnect()
        box.accepted.connect(self.on_ok_clicked)
        return box

    def on_ok_clicked(self) -> None:
        self.error.hide()
        self.set_busy(True)
        self.submitted.emit()

    def set_busy(self, busy: bool) -> None:
        """Block the buttons while the change is checked and saved."""
        for button in self.findChildren(QPushButton):
            button.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        """Show why the change was refused; the form stays as typed."""
        self.set_busy(False)
        show_message(self.error, text)


class AccountDialog(FormDialog):
    """Add an account, or edit one's name, roles and home site (no signals beyond QDialog's).

    Args:
        sites: the site choices.
        grantable: the roles the person editing may give; others are shown but disabled.
        account: the account to edit; ``None`` to add one (then a password is asked for).
    """

    def __init__(
        self,
        sites: Sequence[SiteChoice],
        grantable: Sequence[str],
        account: StaffInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("account_dialog")
        adding = account is None
        self.setWindowTitle(self.tr("新增账号") if adding else self.tr("编辑账号"))
        self.setMinimumWidth(760)

        self.username = QLineEdit(account.username if account else "")
        self.username.setObjectName("account_username")
        self.username.setAccessibleName(self.tr("用户名"))
        self.username.setMaxLength(40)
        self.username.setReadOnly(not adding)
        self.display_name = QLineEdit(account.display_name if account else "")
        self.display_name.setObjectName("account_name")
        self.display_name.setAccessibleName(self.tr("姓名"))
        self.display_name.setMaxLength(60)
        self.site = QComboBox()
        self.site.setObjectName("account_site")
        self.site.setAccessibleName(self.tr("所属站点"))
        fill_sites(self.site, sites, self.tr("全部站点"), account.site_code if account else None)

        # Roles are toggle buttons: a checked one is filled, so the choice reads at a glance.
        self.role_boxes: dict[str, QPushButton] = {}
        roles_grid = QGridLayout()
        roles_grid.setSpacing(8)
        held = set(account.roles) if account else set()
        for index, role in enumerate(ROLE_LABELS):
            box = QPushButton(role_label(role))
            box.setCheckable(True)
            box.setProperty("role", "choice")
            box.setMinimumWidth(ROLE_BUTTON_WIDTH)
            box.setObjectName(f"account_role_{role}")
            box.setAccessibleName(role_label(role))
            box.setChecked(role in held)
            box.setEnabled(role in grantable)
            self.role_boxes[role] = box
            roles_grid.addWidget(box, index // 3, index % 3)

        form = QFormLayout()
        form.setSpacing(12)
        form.addRow(self.tr("用户名(&U)"), self.username)
        form.addRow(self.tr("姓名(&N)"), self.display_name)
        form.addRow(self.tr("角色"), roles_grid)
        form.addRow(self.tr("所属站点(&S)"), self.site)
        self.password = _password_field("account_password", self.tr("初始密码"))
        if adding:
            form.addRow(self.tr("初始密码(&P)"), self.password)
            hint = QLabel(self.tr("至少8位。首次登录时须修改为自己的密码。"))
            hint.setProperty("role", "muted")
            form.addRow("", hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("添加") if adding else self.tr("保存")))
        (self.username if adding else self.display_name).setFocus()

    def form(self) -> AccountForm:
        """What was entered."""
        return AccountForm(
            username=self.username.text().strip(),
            display_name=self.display_name.text().strip(),
            roles=tuple(role for role, box in self.role_boxes.items() if box.isChecked()),
            site=self.site.currentData(),
            password=self.password.text(),
        )


class ResetPasswordDialog(FormDialog):
    """Choose a temporary password: made up by the system, or typed (no extra signals)."""

    def __init__(self, account: StaffInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reset_dialog")
        self.setWindowTitle(self.tr("重置密码"))
        self.setMinimumWidth(520)
        intro = QLabel(
            self.tr("为 {name}（{user}）设置临时密码。对方下次登录时须改为自己的密码。").format(
                name=account.display_name, user=account.username
            )
        )
        intro.setWordWrap(True)
        self.generate = QRadioButton(self.tr("自动生成临时密码"))
        self.generate.setObjectName("reset_generate")
        self.generate.setChecked(True)
        self.typed = QRadioButton(self.tr("自己输入临时密码"))
        self.typed.setObjectName("reset_typed")
        self.password = _password_field("reset_password", self.tr("临时密码"))
        self.password.setPlaceholderText(self.tr("至少8位"))
        self.password.setEnabled(False)
        self.typed.toggled.connect(self.password.setEnabled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.generate)
        layout.addWidget(self.typed)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons(self.tr("重置密码")))

    def chosen_password(self) -> str | None:
        """The typed password, or ``None`` to have one made up."""
        return self.password.text() if self.typed.isChecked() else None


class TemporaryPasswordDialog(QDialog):
    """Shows a temporary password once; it is not kept anywhere (no extra signals)."""

    def __init__(self, account: str, password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("temporary_password_dialog")
        self.setWindowTitle(self.tr("临时密码"))
        self.setMinimumWidth(480)
        intro = QLabel(self.tr("{user} 的临时密码（只显示这一次）：").format(user=account))
        self.password = QLabel(password)
        self.password.setObjectName("temporary_password")
        self.password.setProperty("role", "huge")
        self.password.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password.setAccessibleName(self.tr("临时密码"))
        note = QLabel(self.tr("请当面告知本人。对方登录后须立即修改密码。"))
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        close = QPushButton(self.tr("我已记下"))
        close.setObjectName("temporary_password_close")
        close.setProperty("role", "primary")
        close.setAccessibleName(self.tr("关闭临时密码"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.password)
        layout.addWidget(note)
        layout.addWidget(close)
