"""The kiosk's on-screen keyboard (issue #12): Qt Virtual Keyboard, docked inside the window.

A touch kiosk has no keyboard. Qt's own virtual keyboard (it ships in PySide6-Addons with its
Pinyin engine) types into the kiosk's ``QLineEdit``\\ s as their input method: pinyin with
candidate characters for names, addresses and searches, and a digit pad for a field whose
input-method hints ask for digits. How it is fitted into a widgets window:

- :func:`prepare_environment` runs before the ``QApplication`` exists: Qt picks its input
  method once, at start-up, from ``QT_IM_MODULE``. ``QT_VIRTUALKEYBOARD_DESKTOP_DISABLE`` keeps
  Qt from opening the keyboard as a window of its own, floating over the kiosk.
- :class:`OnScreenKeyboard` hosts Qt's ``InputPanel`` (``resources/keyboard/panel.qml``) in a
  ``QQuickWidget`` docked at the bottom of the kiosk window, under the screens: the screen
  above gets shorter (its fields scroll), so the keyboard never covers the field being typed
  into nor the screen's buttons. It shows while Qt's input method is up for a field of this
  window that asked for it (:func:`use_keyboard`), and goes when that field loses the focus or
  the screen changes.
- The panel must exist before a field takes the focus (Qt's keyboard picks its input method as
  the focus moves), so it loads when the first field that wants it is shown.
- Sizes come from the mode's design tokens (:meth:`OnScreenKeyboard.set_tokens`): Qt's default
  style draws everything at ``scaleHint`` × its design sizes (the smallest text, the
  candidates, at 44; the candidate bar 85 high), so the scale is the smallest that keeps the
  candidates at the mode's text size and the bar at its touch target.
- Privacy: the fields carry ``Qt.ImhSensitiveData``, which turns off the Pinyin engine's user
  dictionary (it would learn a visitor's name and offer it to the next visitor); its file is
  kept in the kiosk's cache folder, not the user's home.
- Licence: Qt Virtual Keyboard is GPL-3.0 (or commercial), unlike the LGPL Qt modules the
  kiosk used so far: a bundle that ships it is bound by that.

Qt's keyboard prints two harmless warnings that name no problem of ours (its own QML overriding
``contentWidth``; QtMultimedia not finding PipeWire for key sounds it never plays); they are
silenced by logging category (:data:`QUIET_RULES`). A third has no category: Qt's keyboard
reads ``echoMode`` from the focused field, which on a widget cannot notify (:data:`QT_NOISE`).

Signals of :class:`OnScreenKeyboard`:
    shown_changed(bool): the keyboard came up (True) or went (False).
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLoggingCategory, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from shared.paths import cache_dir, resource_path
from shared.qt.theme import KIOSK, Tokens

if TYPE_CHECKING:
    from PySide6.QtQuick import QQuickItem
    from PySide6.QtQuickWidgets import QQuickWidget

log = logging.getLogger(__name__)

IM_MODULE = "qtvirtualkeyboard"
PINYIN = "pinyin"
DIGITS = "digits"
#: The dynamic property that marks a field as typed with this keyboard (its kind).
FIELD_PROPERTY = "onscreenKeyboard"
#: Qt's own harmless warnings, turned off by category when the keyboard loads.
QUIET_RULES = (
    "qt.qml.propertyCache.append.warning=false\nqt.multimedia.symbolsresolver.warning=false"
)
#: Qt messages with no category that the keyboard causes on every focus change (tests ignore
#: them: Qt's Keyboard.qml binds to the focused item's ``echoMode``, which a QLineEdit cannot
#: notify).
QT_NOISE = (
    r"Keyboard\.qml:\d+:\d+ depends on non-bindable properties:",
    r"^\s*QLineEdit::echoMode$",
)

# Qt's default style: design sizes drawn at scaleHint (see the module docstring).
_STYLE_SMALLEST_TEXT = 44
_STYLE_CANDIDATE_BAR = 85
_STYLE_KEY_TEXT = 60
# Headroom over the minimums: QML rounds font sizes down to whole pixels.
_HEADROOM = 1.05
# A row of keys is this many times its letters' height; the panel is no wider than this
# many letters (ten keys a row), and no taller than this share of the window (a landscape
# screen keeps room for the form and its buttons).
_ROW_PER_LETTER = 2.4
_WIDTH_PER_LETTER = 32
_MAX_HEIGHT_SHARE = 0.4


def prepare_environment(environ: MutableMapping[str, str] | None = None) -> None:
    """Select Qt's virtual keyboard as the input method; call before the ``QApplication``."""
    env = os.environ if environ is None else environ
    # The kiosk's own, whatever the desktop uses: a kiosk has no other way to type.
    env["QT_IM_MODULE"] = IM_MODULE
    env["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"


def available() -> bool:
    """True when this process started with Qt's virtual keyboard as its input method."""
    return os.environ.get("QT_IM_MODULE") == IM_MODULE


def use_keyboard(edit: QLineEdit, kind: str = PINYIN) -> None:
    """Let the visitor type into ``edit`` with the on-screen keyboard: ``PINYIN`` (names,
    addresses, searches) or ``DIGITS`` (a pad of digits)."""
    # Sensitive: the Pinyin engine learns nothing typed here. No prediction: after a choice
    # the candidate bar stays empty rather than guessing the next character.
    hints = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
    if kind == DIGITS:
        hints |= Qt.InputMethodHint.ImhDigitsOnly
    edit.setInputMethodHints(hints)
    edit.setProperty(FIELD_PROPERTY, kind)
    edit.installEventFilter(_FieldWatcher.instance_for(edit))


def keyboard_of(widget: QWidget) -> OnScreenKeyboard | None:
    """The keyboard docked in ``widget``'s window, if it has one."""
    found = widget.window().findChild(OnScreenKeyboard, OnScreenKeyboard.OBJECT_NAME)
    return found if isinstance(found, OnScreenKeyboard) else None


def wants_keyboard(widget: QWidget | None) -> bool:
    """True for a field set up with :func:`use_keyboard`."""
    return widget is not None and widget.property(FIELD_PROPERTY) is not None


class _FieldWatcher(QObject):
    """Loads the window's keyboard when a field that wants it is first shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            keyboard = keyboard_of(watched)
            try:
                if keyboard is not None:
                    keyboard.load()
            except RuntimeError:
                # The screen stays usable (「不方便输入？」 calls staff); --selftest says why.
                log.exception("on-screen keyboard unavailable")
        return False

    @staticmethod
    def instance_for(edit: QLineEdit) -> _FieldWatcher:
        # One per field, owned by it: a field's watcher goes with the field.
        watcher = edit.findChild(_FieldWatcher)
        return watcher if watcher is not None else _FieldWatcher(edit)


def keyboard_scale(tokens: Tokens) -> float:
    """The style's scale for a mode: its candidates at the smallest text the mode allows, its
    candidate bar at least a touch target high."""
    text: float = tokens.min_text_px / _STYLE_SMALLEST_TEXT
    target: float = tokens.min_target / _STYLE_CANDIDATE_BAR
    return _HEADROOM * max(text, target)


class OnScreenKeyboard(QWidget):
    """Qt's virtual keyboard, docked at the bottom of a kiosk window.

    Created hidden and empty; the QML panel is loaded by :meth:`load` (when a field that wants
    it is shown), and the dock shows while Qt's input method is visible for such a field.

    Signals:
        shown_changed(bool): the keyboard came up (True) or went (False).
    """

    OBJECT_NAME = "onScreenKeyboard"
    shown_changed = Signal(bool)

    def __init__(self, window: QWidget, room: QWidget | None = None) -> None:
        """Dock at the bottom of ``window``'s layout; ``room`` is the widget above that gives
        up its height while the keyboard is up (the kiosk's stack of screens: only the screen
        on show has to fit, and screens with fields scroll)."""
        super().__init__(window)
        self._room = room
        self.setObjectName(self.OBJECT_NAME)
        self.setAccessibleName(self.tr("屏幕键盘"))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tokens = KIOSK
        self.view: QQuickWidget | None = None
        self._shown = False
        layout = window.layout()
        if layout is not None:
            layout.addWidget(self)  # under the screens: they shrink, nothing is covered
        window.installEventFilter(self)  # its height bounds the keyboard's
        screen_shown = getattr(window, "screen_shown", None)
        if screen_shown is not None:
            screen_shown.connect(self.on_window_screen_shown)
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)
        self._sync_timer.timeout.connect(self.sync)

    # -- loading and sizing -----------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """True once the QML panel is loaded."""
        return self.view is not None

    def load(self) -> bool:
        """Load the QML panel (once); False when this process has no virtual keyboard."""
        if self.view is not None:
            return True
        if not available():
            return False
        # Imported here: Qt Quick is loaded only once a screen with a text field is shown,
        # never on the kiosk's start path.
        from PySide6.QtQuickWidgets import QQuickWidget

        QLoggingCategory.setFilterRules(QUIET_RULES)
        # Qt allows one InputPanel in an application: this one takes over from any loaded
        # before (a kiosk window being replaced, as between tests).
        for other in QApplication.allWidgets():
            if isinstance(other, OnScreenKeyboard) and other is not self:
                other.unload()
        view = QQuickWidget(self)
        view.setObjectName("onScreenKeyboardView")
        view.setAccessibleName(self.tr("屏幕键盘"))
        # Touching a key must not take the focus from the field being typed into.
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        view.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
        folder = cache_dir() / "qtvirtualkeyboard"
        folder.mkdir(parents=True, exist_ok=True)
        view.setInitialProperties({"userDataPath": str(folder), **self._sizes()})
        view.setSource(QUrl.fromLocalFile(str(resource_path("keyboard", "panel.qml"))))
        if view.status() != QQuickWidget.Status.Ready:
            errors = "; ".join(e.toString() for e in view.errors())
            view.deleteLater()
            raise RuntimeError(f"the on-screen keyboard did not load: {errors}")
        self.view = view
        self._layout.addWidget(view)
        self._fit()
        im = QGuiApplication.inputMethod()
        im.visibleChanged.connect(self._schedule_sync)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self.on_app_focus_changed)
        focused = app.focusWidget()
        if wants_keyboard(focused) and focused is not None and focused.window() is self.window():
            # Qt's keyboard picks its input method as the focus moves: move it once more.
            focused.clearFocus()
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def unload(self) -> None:
        """Drop the QML panel (hidden first); :meth:`load` brings it back."""
        view = self.view
        if view is None:
            return
        self.view = None
        QGuiApplication.inputMethod().visibleChanged.disconnect(self._schedule_sync)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.disconnect(self.on_app_focus_changed)
        self._sync_timer.stop()
        # Qt's input context would otherwise stay "shown" and ignore the next request to show.
        QGuiApplication.inputMethod().hide()
        if self._shown:
            self._shown = False
            if self._room is not None:
                self._room.setMinimumHeight(0)
            self.hide()
            self.shown_changed.emit(False)
        # Destroys the InputPanel now, so Qt's input context forgets it before another loads.
        view.setSource(QUrl())
        view.deleteLater()

    def check(self) -> None:
        """For ``--selftest``: load the panel and the Pinyin engine, or raise saying why
        (a bundle missing Qt Quick, the keyboard's QML modules or its Pinyin plugin)."""
        if not self.load():
            return  # this process has another input method: nothing of ours to check
        from PySide6.QtCore import Q_RETURN_ARG, QMetaObject

        root = self.root
        assert root is not None
        ok = QMetaObject.invokeMethod(root, "pinyinLoads", Q_RETURN_ARG("QVariant"))
        if not ok:
            raise RuntimeError("the on-screen keyboard's Pinyin engine did not load")

    def set_tokens(self, tokens: Tokens) -> None:
        """Size the keys and texts for a mode (normal or 长辈模式)."""
        self.tokens = tokens
        root = self.root
        if root is not None:
            for name, value in self._sizes().items():
                root.setProperty(name, value)
            self._fit()

    def _sizes(self) -> dict[str, float]:
        scale = keyboard_scale(self.tokens)
        row = round(_STYLE_KEY_TEXT * scale * _ROW_PER_LETTER)
        window = self.parentWidget()
        window_height = window.height() if window is not None else 0
        if window_height > 0:
            room = _MAX_HEIGHT_SHARE * window_height - _STYLE_CANDIDATE_BAR * scale
            row = min(row, int(room / 4))
        return {
            "scaleHint": scale,
            "keysHeight": 4 * max(self.tokens.min_target, row),
            "maxWidth": round(_STYLE_KEY_TEXT * scale * _WIDTH_PER_LETTER),
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.set_tokens(self.tokens)
        return False

    def _fit(self) -> None:
        root = self.root
        if self.view is not None and root is not None:
            self.view.setFixedHeight(round(float(root.property("panelHeight"))))

    # -- what tests and screens read ----------------------------------------------------------

    @property
    def root(self) -> QQuickItem | None:
        """The QML root item (``None`` before :meth:`load`)."""
        return self.view.rootObject() if self.view is not None else None

    @property
    def panel(self) -> QQuickItem | None:
        """Qt's ``InputPanel`` item."""
        root = self.root
        return root.property("panel") if root is not None else None

    @property
    def shown(self) -> bool:
        """True while the keyboard is up."""
        return self._shown

    # -- showing and hiding -------------------------------------------------------------------

    def _schedule_sync(self) -> None:
        # Focus and input-method changes come in bursts; decide once they settle.
        self._sync_timer.start()

    def sync(self) -> None:
        """Show the dock while Qt's input method is up for a field of this window."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        focused = app.focusWidget()
        want = (
            self.view is not None
            and QGuiApplication.inputMethod().isVisible()
            and wants_keyboard(focused)
            and focused is not None
            and focused.window() is self.window()
            and focused.isVisible()
        )
        if want == self._shown:
            return
        self._shown = want
        if self._room is not None:
            # A stack is as tall as its tallest page; only the page on show needs the room.
            self._room.setMinimumHeight(1 if want else 0)
        self.setVisible(want)
        if want:
            self._fit()
        # The screen above resizes now, before the field is revealed. (The dock's size was
        # last measured while it was hidden and empty: measure it again.)
        self.updateGeometry()
        window = self.parentWidget()
        layout = window.layout() if window is not None else None
        if layout is not None:
            layout.activate()
        if want:
            assert focused is not None
            # The screen above just got shorter: bring the field into view once laid out.
            QTimer.singleShot(0, lambda: _reveal(focused))
        self.shown_changed.emit(want)

    def hide_keyboard(self) -> None:
        """Put the keyboard away (the field keeps its text; touching it brings it back)."""
        QGuiApplication.inputMethod().hide()
        self._schedule_sync()

    def on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Away from the keyboard's fields: put it away; to another one: bring it in view."""
        if self._shown and not wants_keyboard(new):
            QGuiApplication.inputMethod().hide()
        elif self._shown and new is not None:
            QTimer.singleShot(0, lambda: _reveal(new))
        self._schedule_sync()

    def on_window_screen_shown(self, _name: str) -> None:
        """A new screen: the keyboard goes until a field is touched there."""
        if self.view is not None:
            self.hide_keyboard()


def _reveal(widget: QWidget) -> None:
    """Scroll ``widget`` into view in the scroll area holding it, if any."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget, 0, 16)
            return
        parent = parent.parentWidget()
