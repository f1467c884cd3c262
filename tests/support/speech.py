"""Speech engines for tests, shaped like QTextToSpeech (``say``, ``state``,
``stateChanged``): no test ever starts a real engine (speech-dispatcher hangs on a machine
without a sound device)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from shared.qt.announcer import READY, SPEAKING


class FakeEngine(QObject):
    """Speaks until told it finished, and records a sentence that the next would cut off."""

    stateChanged = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._state = READY
        self.said: list[str] = []
        self.cut_off: list[str] = []
        self.volume = 1.0

    def state(self) -> int:
        return self._state

    def setVolume(self, volume: float) -> None:
        self.volume = volume

    def say(self, text: str) -> None:
        if self._state == SPEAKING:
            self.cut_off.append(self.said[-1])
        self.said.append(text)
        self._state = SPEAKING
        self.stateChanged.emit(SPEAKING)

    def finish(self, state: int = READY) -> None:
        self._state = state
        self.stateChanged.emit(state)


class QuickEngine(FakeEngine):
    """Finishes each sentence as soon as the event loop turns (a fast speaker)."""

    def say(self, text: str) -> None:
        super().say(text)
        QTimer.singleShot(0, self.finish)
