"""Spoken announcements for the hall display board, queued so none is ever cut off.

:class:`Announcer` keeps a queue of sentences and hands the next one to its speech engine
only when the engine reports it is idle again, so a call made while another is being spoken
waits its turn instead of interrupting it. Without an engine it is silent: ``announce`` still
records the sentence (:attr:`Announcer.history`) and never raises.

An engine is anything shaped like ``QTextToSpeech``: ``say(text)``, ``state()`` and a
``stateChanged(state)`` signal, with the states ``READY``, ``SPEAKING``, ``SYNTHESIZING``,
``PAUSED`` and ``ERROR`` compared by their integer values. :func:`create_announcer` picks a
real one — QtTextToSpeech when Qt finds an engine, else the ``espeak-ng`` command
(:class:`EspeakEngine`) — and tests inject a fake. Creating the QtTextToSpeech ``speechd``
engine starts speech-dispatcher, which hangs on a machine without a sound device: tests must
never call :func:`create_announcer` with ``mode`` other than ``"off"``.

Signals of :class:`Announcer`:
    started(str): a sentence was handed to the engine.
    finished(str): the engine finished (or gave up on) a sentence.
    queued(str): a sentence was queued (also when silent).
"""

from __future__ import annotations

import logging
import shutil
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal, Slot

log = logging.getLogger(__name__)

# QTextToSpeech.State values (kept as ints so the fake and the real engine compare alike).
READY, SPEAKING, PAUSED, ERROR, SYNTHESIZING = 0, 1, 2, 3, 4
#: Longest an engine may take on one sentence before the queue moves on regardless.
MAX_SENTENCE_MS = 30_000
#: How long to wait for an engine that never reports it started before moving on.
START_TIMEOUT_MS = 5_000
#: Engines Qt lists that produce no sound for people in the hall.
NOT_FOR_HALLS = ("mock",)


def _state_value(state: Any) -> int:
    return int(getattr(state, "value", state))


class Announcer(QObject):
    """Speaks sentences one after another on an injected engine (or stays silent).

    Args:
        engine: a QTextToSpeech-like object, or ``None`` for a silent announcer.
        max_sentence_ms: after this long on one sentence the next one is started anyway
            (an engine that never reports idle must not silence the board for the day).
    """

    started = Signal(str)
    finished = Signal(str)
    queued = Signal(str)

    def __init__(
        self,
        engine: Any | None = None,
        parent: QObject | None = None,
        *,
        max_sentence_ms: int = MAX_SENTENCE_MS,
        start_timeout_ms: int = START_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.volume = 100
        self.history: list[str] = []
        self._pending: deque[str] = deque()
        self._current: str | None = None
        self._heard_busy = False
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._max_sentence_ms = max_sentence_ms
        self._start_timeout_ms = start_timeout_ms
        self._watchdog.timeout.connect(self.on_watchdog_timeout)
        self.engine = None
        self.set_engine(engine)

    def set_engine(self, engine: Any | None) -> None:
        """Speak on ``engine`` from now on (an app that must show its first screen quickly
        starts silent and finds its engine after; sentences recorded meanwhile are not
        replayed). The volume set so far carries over."""
        if self.engine is not None:
            self.engine.stateChanged.disconnect(self.on_engine_state_changed)
        self.engine = engine
        if engine is not None:
            engine.stateChanged.connect(self.on_engine_state_changed)
            self.set_volume(self.volume)

    @property
    def silent(self) -> bool:
        """True when there is no engine: sentences are recorded, not spoken."""
        return self.engine is None

    @property
    def speaking(self) -> str | None:
        """The sentence the engine is on, if any."""
        return self._current

    @property
    def pending(self) -> list[str]:
        """Sentences waiting their turn, in order."""
        return list(self._pending)

    def announce(self, text: str) -> None:
        """Queue ``text``; it is spoken after everything queued before it."""
        self.history.append(text)
        self.queued.emit(text)
        if self.engine is None:
            return
        self._pending.append(text)
        self._next()

    def clear(self) -> None:
        """Drop sentences not yet started (the one being spoken finishes)."""
        self._pending.clear()

    def set_volume(self, percent: int) -> None:
        """The engine's volume, 0–100 (an engine without a volume ignores it)."""
        self.volume = max(0, min(100, int(percent)))
        setter = getattr(self.engine, "setVolume", None)
        if callable(setter):
            setter(self.volume / 100)

    def _engine_idle(self) -> bool:
        try:
            return _state_value(self.engine.state()) in (READY, ERROR)
        except Exception:  # a broken engine must not break the board
            log.warning("speech engine state unavailable", exc_info=False)
            return True

    def _next(self) -> None:
        if self._current is not None or not self._pending or not self._engine_idle():
            return
        text = self._pending.popleft()
        self._current = text
        self._heard_busy = False
        self._watchdog.start(self._start_timeout_ms)
        self.started.emit(text)
        try:
            self.engine.say(text)
        except Exception as exc:
            log.warning("speech engine failed: %s", type(exc).__name__)
            self._done()
            return
        if not self._heard_busy and not self._engine_idle():
            # Engines that change state inside say() without a signal still count as busy.
            self._heard_busy = True
            self._watchdog.start(self._max_sentence_ms)

    def _done(self) -> None:
        self._watchdog.stop()
        text, self._current = self._current, None
        if text is not None:
            self.finished.emit(text)
        # Let the engine settle before the next sentence (never from inside its signal).
        QTimer.singleShot(0, self._next)

    @Slot(object)
    def on_engine_state_changed(self, state: Any) -> None:
        value = _state_value(state)
        if self._current is None:
            QTimer.singleShot(0, self._next)
            return
        if value in (SPEAKING, SYNTHESIZING, PAUSED):
            if not self._heard_busy:
                self._heard_busy = True
                self._watchdog.start(self._max_sentence_ms)
        elif value == ERROR or (value == READY and self._heard_busy):
            self._done()

    @Slot()
    def on_watchdog_timeout(self) -> None:
        log.warning("speech engine did not finish a sentence in time; moving on")
        self._done()


class EspeakEngine(QObject):
    """A speech engine that runs ``espeak-ng`` for each sentence (the fallback when Qt has no
    speech engine). Speaks through the system's default sound output.

    Signals:
        stateChanged(int): :data:`SPEAKING` when a sentence starts, :data:`READY` when done.
    """

    # QTextToSpeech's name (camelCase), so the board treats both engines alike.
    stateChanged = Signal(int)

    def __init__(self, program: str, voice: str = "cmn", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.program = program
        self.voice = voice
        self.amplitude = 100  # espeak-ng's -a, 0-200 (100 is its default)
        self._state = READY
        self._process = QProcess(self)
        self._process.finished.connect(self.on_process_finished)
        self._process.errorOccurred.connect(self.on_process_error)

    def state(self) -> int:
        """:data:`READY` or :data:`SPEAKING`."""
        return self._state

    def setVolume(self, volume: float) -> None:  # QTextToSpeech's name
        """Volume 0.0–1.0, as QTextToSpeech takes it."""
        self.amplitude = round(max(0.0, min(1.0, volume)) * 100)

    def say(self, text: str) -> None:
        """Speak ``text`` (asynchronously)."""
        self._set(SPEAKING)
        self._process.start(self.program, ["-v", self.voice, "-a", str(self.amplitude), text])

    def _set(self, state: int) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state)

    @Slot(int, QProcess.ExitStatus)
    def on_process_finished(self, _code: int, _status: QProcess.ExitStatus) -> None:
        self._set(READY)

    @Slot(QProcess.ProcessError)
    def on_process_error(self, _error: QProcess.ProcessError) -> None:
        self._set(ERROR)
        self._set(READY)


def _qt_engine(parent: QObject, available: Callable[[], list[str]] | None) -> Any | None:
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:  # Addons missing, or libpulse0 missing (environment.md)
        return None
    engines = [e for e in (available or QTextToSpeech.availableEngines)() if e not in NOT_FOR_HALLS]
    if not engines:
        return None
    engine = QTextToSpeech(engines[0], parent)
    # Mandarin voices sit under the "C" locale on espeak-ng (environment.md): pick by name.
    for voice in engine.availableVoices():
        name = voice.name().lower()
        if voice.locale().language().name == "Chinese" or "chinese" in name or "mandarin" in name:
            engine.setVoice(voice)
            break
    return engine


def find_engine(
    parent: QObject,
    mode: str = "auto",
    *,
    available: Callable[[], list[str]] | None = None,
    espeak: str | None = None,
) -> Any | None:
    """The best speech engine this machine has for ``mode``, or ``None``.

    Creating QtTextToSpeech's engine connects to speech-dispatcher and lists its voices: about
    a tenth of a second, so an app that must show its first screen quickly calls this after.

    Args:
        mode: ``auto`` (QtTextToSpeech, else espeak-ng, else silent), ``qt``, ``espeak`` or
            ``off``.
        available: lists QtTextToSpeech engines (default ``QTextToSpeech.availableEngines``).
        espeak: the espeak-ng program (default: found on ``PATH``).
    """
    engine: Any | None = None
    try:
        if mode in ("auto", "qt"):
            engine = _qt_engine(parent, available)
        if engine is None and mode in ("auto", "espeak"):
            program = espeak or shutil.which("espeak-ng")
            if program:
                engine = EspeakEngine(program, parent=parent)
    except Exception as exc:  # no speech is never an error on the board
        log.warning("no speech engine: %s", type(exc).__name__)
        engine = None
    log.info("announcements: %s", type(engine).__name__ if engine is not None else "silent")
    return engine


def start_speech(announcer: Announcer, mode: str = "auto") -> None:
    """Give a silent ``announcer`` the best engine there is for ``mode`` (see find_engine)."""
    if announcer.engine is None:
        announcer.set_engine(find_engine(announcer, mode))


def create_announcer(
    parent: QObject | None = None,
    mode: str = "auto",
    *,
    available: Callable[[], list[str]] | None = None,
    espeak: str | None = None,
) -> Announcer:
    """An announcer with the best engine this machine has, or a silent one (the arguments
    as for :func:`find_engine`)."""
    announcer = Announcer(None, parent)
    announcer.set_engine(find_engine(announcer, mode, available=available, espeak=espeak))
    return announcer
