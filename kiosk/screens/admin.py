"""The admin exit: a PIN pad opened by a hidden long press. Staff only; visitors never see it
unless they hold the corner, and it has the same 返回首页 button as every other screen.

The pad only shows what the kiosk PIN service answered (issue #9): wrong (with the attempts
left), locked (until when), or no PIN set yet (with how IT sets one). It checks nothing itself.

Signals of :class:`PinScreen`:
    pin_entered(str): 确定 was pressed with the digits typed so far.
    home_requested(): 返回首页 was pressed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import home_button

NAME = "admin_pin"
MAX_DIGITS = 12
# Tight enough that the pad fits 1080 px of height in 长辈模式 (four rows of 120 px keys, the
# title, the display and the 返回首页 button), in landscape and in portrait alike.
MARGIN_PX = 32
SPACING_PX = 12


class PinScreen(QWidget):
    """A numeric PIN pad with a masked display.

    Signals:
        pin_entered(str): 确定 pressed; the PIN typed.
        home_requested(): 返回首页 pressed.
    """

    pin_entered = Signal(str)
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinScreen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN_PX, MARGIN_PX, MARGIN_PX, MARGIN_PX)
        outer.setSpacing(SPACING_PX)
        outer.addStretch(1)
        title = QLabel(self.tr("管理员退出：请输入管理密码"))
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        self.display = QLineEdit()
        self.display.setObjectName("pinDisplay")
        self.display.setProperty("role", "kiosk_pin")
        self.display.setReadOnly(True)
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMaxLength(MAX_DIGITS)
        self.display.setAccessibleName(self.tr("已输入的密码"))
        self.display.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        title.setBuddy(self.display)
        outer.addWidget(self.display, 0, Qt.AlignmentFlag.AlignHCenter)
        self.error_label = QLabel("")
        self.error_label.setObjectName("pinError")
        self.error_label.setProperty("role", "error")
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error_label.setWordWrap(True)
        outer.addWidget(self.error_label)

        pad = QGridLayout()
        pad.setSpacing(SPACING_PX)
        self.keys: dict[str, QPushButton] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"]
        for index, key in enumerate(labels):
            text = {"clear": self.tr("清除"), "ok": self.tr("确定")}.get(key, key)
            button = QPushButton(text)
            button.setObjectName(f"pinKey_{key}")
            button.setProperty("role", "kiosk_key")
            button.setAccessibleName(text)
            button.clicked.connect(lambda _checked=False, k=key: self._on_key_clicked(k))
            pad.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(pad)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.home_button = home_button(self)
        outer.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.home_button.clicked.connect(self.home_requested)

    def _on_key_clicked(self, key: str) -> None:
        if key == "clear":
            self.display.clear()
        elif key == "ok":
            self.pin_entered.emit(self.display.text())
        elif len(self.display.text()) < MAX_DIGITS:
            self.display.setText(self.display.text() + key)
            self.error_label.clear()

    def reset(self) -> None:
        """Forget what was typed (on every opening)."""
        self.display.clear()
        self.error_label.clear()

    def show_wrong_pin(self, attempts_left: int | None = None) -> None:
        """Say the PIN was wrong (and how many tries are left before the lock) and clear it."""
        self.display.clear()
        text = self.tr("密码不正确，请重新输入")
        if attempts_left is not None:
            text += self.tr("（还可以再试 {n} 次）").format(n=attempts_left)
        self.error_label.setText(text)

    def show_locked(self, until_hhmm: str) -> None:
        """Say the pad is locked after too many wrong PINs, until ``until_hhmm`` (hall time)."""
        self.display.clear()
        self.error_label.setText(
            self.tr("密码错误次数过多，已锁定。请于 {time} 后再试。").format(time=until_hhmm)
        )

    def show_not_set(self) -> None:
        """Say no admin PIN is set yet, and how IT sets one."""
        self.display.clear()
        self.error_label.setText(
            self.tr(
                "本机尚未设置管理密码。\n请信息技术人员在管理台“管理 → 自助机密码”中设置，"
                "或运行 hall kiosk set-pin。"
            )
        )

    def show_unchecked(self) -> None:
        """Say the PIN could not be checked (no database yet, or none now) and clear it."""
        self.display.clear()
        self.error_label.setText(self.tr("暂时无法核对密码，请稍后再试"))
