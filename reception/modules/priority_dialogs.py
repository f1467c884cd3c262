"""The 优先服务 inbox's dialogs: assign to an assistant, write a note, show a revealed contact.

Each opens with ``open()`` (window-modal, never blocking the event loop), so the page reacts
to ``accepted`` and tests press the buttons as staff would.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shared.services.priority import Assistant, Contact


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


class AssignDialog(QDialog):
    """Pick the assistant to hand a request to (no signals beyond QDialog's)."""

    def __init__(
        self, reference: str, assistants: list[Assistant], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assign_dialog")
        self.setWindowTitle(self.tr("指派请求 {ref}").format(ref=reference))
        self.choice = QComboBox()
        self.choice.setObjectName("assign_choice")
        self.choice.setAccessibleName(self.tr("选择帮办代办岗工作人员"))
        for person in assistants:
            self.choice.addItem(person.display_name, person.username)
        label = QLabel(self.tr("指派给帮办代办岗："))
        label.setBuddy(self.choice)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.choice)
        layout.addWidget(_buttons(self, self.tr("指派")))

    def username(self) -> str:
        """The chosen assistant's username."""
        return str(self.choice.currentData())


class NoteDialog(QDialog):
    """Write a note on a request (no signals beyond QDialog's)."""

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(self.tr("备注 {ref}").format(ref=reference))
        self.text = QPlainTextEdit()
        self.text.setObjectName("note_text")
        self.text.setAccessibleName(self.tr("备注内容"))
        label = QLabel(self.tr("备注内容（办结后按规定期限清除）："))
        label.setBuddy(self.text)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(_buttons(self, self.tr("保存备注")))


class ContactDialog(QDialog):
    """Shows a revealed contact; the reveal has already been audited (no extra signals)."""

    def __init__(self, contact: Contact, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contact_dialog")
        self.setWindowTitle(self.tr("联系方式 {ref}").format(ref=contact.reference))
        layout = QVBoxLayout(self)
        self.fields: dict[str, QLabel] = {}
        for key, caption, value in (
            ("name", self.tr("姓名"), contact.name),
            ("phone", self.tr("电话"), contact.phone),
            ("address", self.tr("地址"), contact.address),
        ):
            if not value:
                continue
            label = QLabel(f"{caption}：{value}")
            label.setObjectName(f"contact_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            layout.addWidget(label)
        notice = QLabel(self.tr("本次查看已记入审计日志。请勿抄录或转发。"))
        notice.setProperty("role", "muted")
        layout.addWidget(notice)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("contact_close")
        close.setAccessibleName(self.tr("关闭联系方式"))
        close.clicked.connect(self.accept)
        layout.addWidget(close)
