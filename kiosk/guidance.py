"""What the kiosk says besides what it shows: to a screen reader, and aloud (issue #12).

Two listeners, one source:

- **Screen readers** (Orca over AT-SPI) hear what has focus — each screen's heading or result
  takes focus on entry (:func:`kiosk.window.entry_target`) — and announcements, posted as
  ``QAccessibleAnnouncementEvent`` (AT-SPI ``object:announcement``) for what changes without
  moving focus: a typed letter and the results it found, a form's error.
- **Voice guidance** speaks the same sentences in Mandarin through an
  :class:`~shared.qt.announcer.Announcer` (QtTextToSpeech, else espeak-ng) while 长辈模式 is on
  or after a visitor pressed 语音, if the hall allows it (the ``kiosk_voice`` setting, with
  ``kiosk_voice_volume``). Sentences queue and never cut each other off; without a speech
  engine the kiosk is silent, never in error.

Signals of :class:`Guidance`:
    said(str): a sentence was announced (to screen readers, and spoken when voice is on).
    voice_changed(bool): voice guidance went on or off.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from shared.qt.announcer import Announcer


def spoken_text(widget: QWidget) -> str:
    """What a widget says: its accessible name, else its text."""
    name = widget.accessibleName().strip()
    if name:
        return name
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text().replace("\n", "，").strip()
    return ""


class Guidance(QObject):
    """Announcements for screen readers and, when on, the same aloud.

    Args:
        announcer: the speech queue (a silent one when ``None``: no engine on this machine).
    """

    said = Signal(str)
    voice_changed = Signal(bool)

    def __init__(self, announcer: Announcer | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.announcer = announcer or Announcer(None, self)
        if self.announcer.parent() is None:
            self.announcer.setParent(self)
        self.allowed = True  # the hall's kiosk_voice setting
        self.elder = False
        # The 语音 switch during this visit: on, off, or untouched (None: 长辈模式 decides).
        self.asked: bool | None = None

    @property
    def voice_on(self) -> bool:
        """Whether sentences are spoken now: the hall allows it, and the visitor turned 语音
        on — or left it alone in 长辈模式."""
        return self.allowed and (self.elder if self.asked is None else self.asked)

    def set_announcer(self, announcer: Announcer) -> None:
        """Speak through ``announcer`` from now on (the app's real engine, or a test's)."""
        announcer.setParent(self)
        self.announcer = announcer

    def configure(self, allowed: bool, volume: int) -> None:
        """Apply the hall's settings (from each status refresh)."""
        was = self.voice_on
        self.allowed = allowed
        self.announcer.set_volume(volume)
        self._changed(was)

    def set_elder(self, on: bool) -> None:
        """长辈模式 went on or off: it speaks by default."""
        was = self.voice_on
        self.elder = on
        self._changed(was)

    def set_asked(self, on: bool | None) -> None:
        """The 语音 switch: speech on or off for this visit (``None``: back to the default,
        when the kiosk goes home idle)."""
        was = self.voice_on
        self.asked = on
        self._changed(was)

    def _changed(self, was: bool) -> None:
        if self.voice_on != was:
            if not self.voice_on:
                self.announcer.clear()
            self.voice_changed.emit(self.voice_on)

    def announce(self, widget: QWidget, text: str, *, assertive: bool = False) -> None:
        """Tell a screen reader ``text`` (about ``widget``) and, with voice on, say it."""
        if not text:
            return
        event = QAccessibleAnnouncementEvent(widget, text)
        if assertive:
            event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
        QAccessible.updateAccessibility(event)
        self.speak(text)

    def speak(self, text: str) -> None:
        """Say ``text`` aloud when voice is on (the focus already told a screen reader)."""
        if text and self.voice_on:
            self.announcer.announce(text)
            self.said.emit(text)
