"""Building blocks shared by kiosk screens: the big 返回首页 button and message screens, the
foot of a flow's last screen (how printing went, 完成，返回首页), and registering the screens a
flow builds at start.

Signals of :class:`MessageScreen`:
    home_requested(): the visitor pressed 返回首页.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from kiosk.window import KioskWindow


@dataclass(frozen=True)
class DeskHelp:
    """Who can help a visitor now: the service desk while the hall is staffed, else the
    hotline (at night nobody is at the desk of the 24-hour zone). ``staffed`` is None until
    the kiosk has read its hours; the desk is named then, as the hall is usually open."""

    staffed: bool | None = None
    hotline: str = "12345"

    def say(self, at_desk: str, by_phone: str) -> str:
        """``at_desk`` unless the desk is known to be empty; then ``by_phone``, with the
        hotline put in for ``{hotline}``."""
        return by_phone.format(hotline=self.hotline) if self.staffed is False else at_desk


def home_button(parent: QWidget | None = None) -> QPushButton:
    """The big 返回首页 button every non-home screen carries."""
    button = QPushButton(QCoreApplication.translate("KioskScreens", "返回首页"), parent)
    button.setObjectName("homeButton")
    button.setProperty("role", "kiosk_home")
    button.setAccessibleName(button.text())
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


def finish_button(screen: QWidget, text: str) -> QPushButton:
    """The big 返回首页 button at the foot of a flow's last screen, saying ``text``."""
    button = home_button(screen)
    button.setText(text)
    button.setAccessibleName(button.text())
    return button


def register_built(window: KioskWindow, screens: Iterable[tuple[str, QWidget]]) -> None:
    """Register screens a flow built at start; the window owns each from the start."""
    for name, screen in screens:
        window.register_screen(name, _built(screen))
        window.screen(name)


def _built(screen: QWidget) -> Callable[[], QWidget]:
    """A screen factory for a screen that already exists."""
    return lambda: screen


def wrapped_label(text: str, role: str | None = None) -> QLabel:
    """A centred, word-wrapped label (CJK text wraps anywhere)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if role:
        label.setProperty("role", role)
    return label


class MessageScreen(QWidget):
    """A title, a plain message, and optionally the big 返回首页 button.

    Signals:
        home_requested(): the visitor pressed 返回首页.
    """

    home_requested = Signal()

    def __init__(
        self,
        title: str,
        message: str,
        detail: str = "",
        *,
        with_home: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(32)
        layout.addStretch(2)
        self.title_label = wrapped_label(title, "kiosk_heading")
        self.title_label.setObjectName("messageTitle")
        self.message_label = wrapped_label(message, "kiosk_message")
        self.message_label.setObjectName("messageText")
        self.detail_label = wrapped_label(detail, "kiosk_detail")
        self.detail_label.setObjectName("messageDetail")
        self.detail_label.setVisible(bool(detail))
        layout.addWidget(self.title_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(3)
        self.home_button: QPushButton | None = None
        if with_home:
            self.home_button = home_button(self)
            layout.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignHCenter)
            layout.addStretch(1)
            self.home_button.clicked.connect(self.home_requested)

    def set_message(self, message: str, detail: str = "") -> None:
        """Change the message and the detail line (hidden when empty)."""
        self.message_label.setText(message)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))


class PrintStatus:
    """Mixin for a flow's last screen: three labels say how printing goes, one shown at a time.

    The screen builds ``printing_label``, ``printed_label`` and ``advice_label``, each styled
    from the start (a role changed later would need a re-polish, and Qt then drops a notice's
    padding).
    """

    printing_label: QLabel
    printed_label: QLabel
    advice_label: QLabel

    @property
    def print_label(self) -> QLabel:
        """The label saying how printing goes (the one visible now)."""
        for label in (self.printed_label, self.advice_label):
            if not label.isHidden():
                return label
        return self.printing_label

    def _show_print(self, shown: QLabel) -> None:
        for label in (self.printing_label, self.printed_label, self.advice_label):
            label.setVisible(label is shown)
