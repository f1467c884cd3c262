"""The kiosk shell: a stack of screens with a small registry, the idle banner and the hidden
admin corner. Screens are built on first show by factories registered by name, so later issues
plug their flows in without touching the shell.

Unattended, the kiosk has no way out but the admin PIN (issue #9): the window ignores close
requests (window-close, Alt+F4 from a window manager or Windows) until
:meth:`KioskWindow.allow_exit` is called after the PIN was accepted, and the quit and close
key chords (Alt+F4, Ctrl+Q, Ctrl+W) are swallowed before any shortcut sees them.

Signals of :class:`KioskWindow`:
    screen_shown(str): a screen became current; its name.

Signals of :class:`AdminCorner`:
    long_pressed(): the corner was held down long enough.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
    QShortcutEvent,
)
from PySide6.QtWidgets import QApplication, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.guidance import Guidance, spoken_text
from kiosk.idle import IdleBanner
from kiosk.keyboard import OnScreenKeyboard

HOME = "home"
#: How often the window checks it is still the active one (see ``_keep_active``).
ACTIVATION_CHECK_MS = 1_000
LONG_PRESS_MS = 3_000
CORNER_PX = 96

ScreenFactory = Callable[[], QWidget]

#: Key chords that close or quit windows elsewhere; on the kiosk they do nothing.
EXIT_CHORDS = (
    QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_F4),
    QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Q),
    QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_W),
)


#: Label roles that are a screen's heading (the first visible one takes focus on entry).
HEADING_ROLES = ("kiosk_heading", "title")


def entry_target(screen: QWidget | None) -> QWidget | None:
    """What takes focus when ``screen`` opens: its own choice (``entry_focus()``: the ticket
    number, a request's reference), else its first visible heading, so a screen reader
    announces where the visitor is, not the screen's bottom button."""
    if screen is None:
        return None
    chooser = getattr(screen, "entry_focus", None)
    if callable(chooser):
        chosen = chooser()
        if isinstance(chosen, QWidget) and chosen.isVisibleTo(screen):
            return chosen
    for label in screen.findChildren(QLabel):
        if label.property("role") in HEADING_ROLES and label.text() and label.isVisibleTo(screen):
            return label
    return None


def take_focus(widget: QWidget) -> None:
    """Focus ``widget``, making a label focusable first (by Tab or a screen reader, never by a
    tap, so a touch on a heading does nothing)."""
    if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


class ExitKeyFilter(QObject):
    """Swallows :data:`EXIT_CHORDS` aimed at one window, before shortcuts or widgets see them.

    Installed on the application (key events go to the focused widget, not the window).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kinds = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut)
        if event.type() not in kinds or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self._window:
            return False
        if isinstance(event, QShortcutEvent):
            return event.key() in EXIT_CHORDS
        assert isinstance(event, QKeyEvent)
        chord = QKeySequence(event.keyCombination())
        if chord in EXIT_CHORDS:
            event.accept()
            return True
        return False


class AdminCorner(QWidget):
    """An invisible square in the top-left corner; holding it opens the admin PIN pad.

    Signals:
        long_pressed(): held for ``long_press_ms``.
    """

    long_pressed = Signal()

    def __init__(self, long_press_ms: int = LONG_PRESS_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminCorner")
        self.setAccessibleName(self.tr("管理员入口"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(long_press_ms)
        self._timer.timeout.connect(self.long_pressed)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._timer.stop()
        event.accept()


class KioskWindow(QWidget):
    """The kiosk's one top-level window.

    Signals:
        screen_shown(str): a screen became current.
    """

    screen_shown = Signal(str)

    def __init__(self, long_press_ms: int = LONG_PRESS_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setWindowTitle(self.tr("政务服务自助终端"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.keyboard = OnScreenKeyboard(self, self.stack)  # under the stack, hidden until typing
        self._factories: dict[str, ScreenFactory] = {}
        self._screens: dict[str, QWidget] = {}
        self._current = ""
        self.idle_banner = IdleBanner(self)
        self.guidance = Guidance(parent=self)
        self._focus_before_warning: QWidget | None = None
        self.admin_corner = AdminCorner(long_press_ms, self)
        self._exit_allowed = False
        self._exit_keys = ExitKeyFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._exit_keys)
            if isinstance(app, QGuiApplication):
                app.focusWindowChanged.connect(self._on_focus_window_changed)
        # Loading Qt Quick (the on-screen keyboard) can leave no window active without a
        # signal: checked on a slow timer too.
        self._activation = QTimer(self)
        self._activation.setInterval(ACTIVATION_CHECK_MS)
        self._activation.timeout.connect(self._keep_active)
        self._activation.start()

    def _keep_active(self) -> None:
        if QGuiApplication.focusWindow() is None:
            self._on_focus_window_changed(None)

    def _on_focus_window_changed(self, window: object) -> None:
        # The kiosk is alone on its screen. When it loses activation with nothing to take it —
        # loading Qt Quick's keyboard does that with no window manager to give it back — it
        # takes it back: no widget has focus in an inactive window, so a screen reader would
        # hear nothing from then on.
        if window is None and self.isVisible() and not self._exit_allowed and self._alone():
            QTimer.singleShot(0, self, self.activateWindow)

    def _alone(self) -> bool:
        """No other window of this application is showing (never steal from one)."""
        return not any(
            w is not self and w.isVisible() and w.isWindow() for w in QApplication.topLevelWidgets()
        )

    # -- the way out ----------------------------------------------------------------------------

    def allow_exit(self) -> None:
        """Let the window close: call only once the admin PIN was accepted."""
        self._exit_allowed = True

    @property
    def exit_allowed(self) -> bool:
        """True once :meth:`allow_exit` was called."""
        return self._exit_allowed

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._exit_allowed:
            super().closeEvent(event)
        else:
            event.ignore()

    # -- the registry -------------------------------------------------------------------------

    def register_screen(self, name: str, widget_factory: ScreenFactory) -> None:
        """Register (or replace) how to build screen ``name``; it is built on first show."""
        self._factories[name] = widget_factory
        old = self._screens.pop(name, None)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()

    def has_screen(self, name: str) -> bool:
        """True when ``name`` is registered."""
        return name in self._factories

    def screen_names(self) -> list[str]:
        """The registered screens' names, in the order they were registered."""
        return list(self._factories)

    # Shadows QWidget.screen() (the QScreen the window is on), which the kiosk never uses:
    # this registry's name for "the screen called name" came first.
    def screen(self, name: str) -> QWidget:  # type: ignore[override]
        """The screen ``name``, built now if it was not yet."""
        widget = self._screens.get(name)
        if widget is None:
            widget = self._factories[name]()
            widget.setObjectName(widget.objectName() or f"screen_{name}")
            self._screens[name] = widget
            self.stack.addWidget(widget)
        return widget

    def show_screen(self, name: str) -> QWidget:
        """Make ``name`` the current screen, its heading (or its result) focused; returns it."""
        widget = self.screen(name)
        self.stack.setCurrentWidget(widget)
        self._current = name
        self.hide_idle_warning()
        target = entry_target(widget)
        if target is not None:
            take_focus(target)
            self.guidance.speak(spoken_text(target))
        self.screen_shown.emit(name)
        return widget

    def go_home(self) -> QWidget:
        """Back to the home screen."""
        return self.show_screen(HOME)

    @property
    def current_name(self) -> str:
        """The name of the current screen ('' before the first)."""
        return self._current

    # -- overlays -----------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_overlays()

    def _place_overlays(self) -> None:
        self.idle_banner.setGeometry(self.rect())
        self.admin_corner.setGeometry(0, 0, CORNER_PX, CORNER_PX)
        self.admin_corner.raise_()

    def show_idle_warning(self, seconds: int) -> None:
        """Show or update the countdown banner; it takes focus (a screen reader says it) and
        gives it back when it goes."""
        if not self.idle_banner.isVisible():
            self._focus_before_warning = self.focusWidget()
            self.guidance.speak(self.tr("即将返回首页，如需继续，请点继续使用"))
        self.idle_banner.show_seconds(seconds)
        self._place_overlays()
        take_focus(self.idle_banner.button)

    def hide_idle_warning(self) -> None:
        """Hide the countdown banner; focus goes back where it was (never lost)."""
        if not self.idle_banner.isVisible():
            return
        self.idle_banner.hide()
        before, self._focus_before_warning = self._focus_before_warning, None
        if before is not None and before.isVisible():
            take_focus(before)
        else:
            target = entry_target(self.stack.currentWidget())
            if target is not None:
                take_focus(target)
