"""Idle handling: after a quiet spell a visible countdown, then back to the home screen.

An application-wide event filter sees every touch, click, key and wheel; any of them restarts
the quiet spell and cancels a running countdown. Durations are injectable so tests run fast.

Signals of :class:`IdleWatcher`:
    warning_started(int): the countdown began; seconds left.
    countdown_ticked(int): seconds left in the countdown.
    warning_cancelled(): the visitor touched something during the countdown.
    timed_out(): the countdown reached zero.

Signals of :class:`IdleBanner`:
    continue_clicked(): 继续使用 pressed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

IDLE_MS = 60_000
WARNING_SECONDS = 10
TICK_MS = 1_000


@functools.cache
def activity() -> frozenset[QEvent.Type]:
    """The event types that count as a visitor's activity.

    Built on first use: PySide builds ``QEvent`` and its ``Type`` enum (~180 members) when
    it is first imported, and the kiosk does not need them before its home screen shows.
    """
    from PySide6.QtCore import QEvent

    return frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.TouchBegin,
            QEvent.Type.KeyPress,
            QEvent.Type.Wheel,
        }
    )


class IdleWatcher(QObject):
    """Counts quiet time while armed; warns, counts down, then reports a time-out.

    Signals:
        warning_started(int): the countdown began, with its seconds.
        countdown_ticked(int): seconds left.
        warning_cancelled(): activity during the countdown.
        timed_out(): the countdown reached zero.
    """

    warning_started = Signal(int)
    countdown_ticked = Signal(int)
    warning_cancelled = Signal()
    timed_out = Signal()

    def __init__(
        self,
        idle_ms: int = IDLE_MS,
        warning_seconds: int = WARNING_SECONDS,
        tick_ms: int = TICK_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._warning_seconds = warning_seconds
        self._left = 0
        self._armed = False
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(idle_ms)
        self._quiet.timeout.connect(self._on_quiet_timeout)
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick_timeout)

    @property
    def warning(self) -> bool:
        """True while the countdown runs."""
        return self._tick.isActive()

    def install(self) -> None:
        """Watch every input event of the application."""
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self) -> None:
        """Stop watching input and stop all timers."""
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.set_armed(False)

    def set_armed(self, armed: bool) -> None:
        """Count quiet time only while armed (i.e. away from an at-rest home screen)."""
        self._armed = armed
        if armed:
            if not self.warning:
                self._quiet.start()
        else:
            self._quiet.stop()
            self._stop_warning(cancelled=True)

    def poke(self) -> None:
        """Activity: restart the quiet spell and cancel a countdown."""
        self._stop_warning(cancelled=True)
        if self._armed:
            self._quiet.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in activity():
            self.poke()
        return False

    def _stop_warning(self, cancelled: bool) -> None:
        if self._tick.isActive():
            self._tick.stop()
            if cancelled:
                self.warning_cancelled.emit()

    def _on_quiet_timeout(self) -> None:
        if not self._armed:
            return
        self._left = self._warning_seconds
        self._tick.start()
        self.warning_started.emit(self._left)

    def _on_tick_timeout(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.countdown_ticked.emit(self._left)
            return
        self._stop_warning(cancelled=False)
        self.timed_out.emit()


class IdleBanner(QFrame):
    """The countdown overlay: it dims the screen and shows "即将返回首页… 10" with a 继续使用
    button. It covers the whole window, so the touch that cancels it does not also press
    whatever lies underneath.

    Signals:
        continue_clicked(): 继续使用 pressed.
    """

    continue_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idleOverlay")
        self.setProperty("role", "kiosk_scrim")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 48, 48, 48)
        self.card = QFrame()
        self.card.setObjectName("idleBanner")
        self.card.setProperty("role", "kiosk_overlay")
        self.card.setMinimumWidth(720)
        self.card.setMaximumWidth(1400)
        row = QHBoxLayout(self.card)
        row.setContentsMargins(40, 32, 40, 32)
        row.setSpacing(32)
        self.label = QLabel("")
        self.label.setObjectName("idleCountdown")
        self.label.setWordWrap(True)
        self.button = QPushButton(self.tr("继续使用"))
        self.button.setObjectName("continueButton")
        self.button.setProperty("role", "kiosk_home")
        self.button.setAccessibleName(self.button.text())
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self.button.clicked.connect(self.continue_clicked)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        """Show (or update) the countdown."""
        self.label.setText(self.tr("即将返回首页… {seconds}").format(seconds=seconds))
        self.card.setAccessibleName(self.label.text())
        # The button takes focus while the banner shows: a screen reader says both.
        self.button.setAccessibleDescription(
            self.tr("{seconds} 秒后返回首页，如需继续请点此").format(seconds=seconds)
        )
        if not self.isVisible():
            self.show()
        self.raise_()
