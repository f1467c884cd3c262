"""Spoken announcements: queued in order, never cut off, silent without an engine (issue #3,
item 7). No real speech engine is ever created here: speech-dispatcher hangs on machines
without a sound device (environment.md)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from shared.qt.announcer import (
    ERROR,
    Announcer,
    EspeakEngine,
    create_announcer,
    start_speech,
)
from tests.support.speech import FakeEngine


def test_announcements_wait_for_the_engine_to_be_idle(qtbot: QtBot) -> None:
    engine = FakeEngine()
    announcer = Announcer(engine)
    for number in ("A001", "B002", "C003"):
        announcer.announce(f"请 {number} 号 到 3 号窗口办理")
    assert engine.said == ["请 A001 号 到 3 号窗口办理"]
    assert announcer.pending == ["请 B002 号 到 3 号窗口办理", "请 C003 号 到 3 号窗口办理"]
    qtbot.wait(50)
    assert len(engine.said) == 1  # still speaking: nothing else starts

    with qtbot.wait_signal(announcer.started) as started:
        engine.finish()
    assert started.args == ["请 B002 号 到 3 号窗口办理"]
    announcer.announce("请 D004 号 到 1 号窗口办理")  # arrives mid-sentence: queued behind
    with qtbot.wait_signal(announcer.started):
        engine.finish()
    with qtbot.wait_signal(announcer.started):
        engine.finish()
    with qtbot.wait_signal(announcer.finished) as finished:
        engine.finish()
    assert finished.args == ["请 D004 号 到 1 号窗口办理"]
    assert [s.split()[1] for s in engine.said] == ["A001", "B002", "C003", "D004"]
    assert engine.cut_off == []
    assert announcer.pending == [] and announcer.speaking is None


def test_an_engine_error_moves_on_to_the_next(qtbot: QtBot) -> None:
    engine = FakeEngine()
    announcer = Announcer(engine)
    announcer.announce("一")
    announcer.announce("二")
    with qtbot.wait_signal(announcer.started) as started:
        engine.finish(ERROR)
    assert started.args == ["二"] and engine.cut_off == []


def test_an_engine_that_never_reports_does_not_silence_the_board(qtbot: QtBot) -> None:
    class Mute(FakeEngine):
        def say(self, text: str) -> None:  # takes the text, never says a word about it
            self.said.append(text)

    engine = Mute()
    announcer = Announcer(engine, start_timeout_ms=100)
    announcer.announce("一")
    announcer.announce("二")
    with qtbot.wait_signal(announcer.started, timeout=2_000) as started:
        pass
    assert started.args == ["二"] and engine.said == ["一", "二"]


def test_without_an_engine_it_is_silent_and_never_an_error(qtbot: QtBot) -> None:
    announcer = Announcer(None)
    with qtbot.assert_not_emitted(announcer.started, wait=100):
        announcer.announce("请 A001 号 到 3 号窗口办理")
    assert announcer.silent and announcer.history == ["请 A001 号 到 3 号窗口办理"]
    assert announcer.pending == []


# Importing QtTextToSpeech loads QtMultimedia, which warns on machines without PipeWire.
@pytest.mark.qt_log_ignore("pipewire")
def test_create_announcer_is_silent_when_no_engine_exists(qtbot: QtBot) -> None:
    assert create_announcer(mode="off").silent
    # Qt lists no engine (or only its own test engine): no Qt voice, and espeak not asked for.
    assert create_announcer(mode="qt", available=lambda: []).silent
    assert create_announcer(mode="qt", available=lambda: ["mock"]).silent


def test_espeak_engine_speaks_one_sentence_after_another(qtbot: QtBot, tmp_path: Path) -> None:
    # A stand-in for espeak-ng with its command line (-v cmn -a AMPLITUDE TEXT) that logs
    # start (with the amplitude) and end.
    log = tmp_path / "spoken.log"
    program = tmp_path / "espeak-ng"
    program.write_text(
        f'#!/bin/sh\necho "start $5 $4" >> {log}\nsleep 0.2\necho "end $5" >> {log}\n',
        encoding="utf-8",
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    announcer = create_announcer(mode="espeak", espeak=str(program))
    assert isinstance(announcer.engine, EspeakEngine)
    announcer.set_volume(40)  # the kiosk's volume setting, 0-100
    done: list[str] = []
    announcer.finished.connect(done.append)
    for text in ("A001", "A002", "A003"):
        announcer.announce(text)
    qtbot.waitUntil(lambda: len(done) == 3, timeout=10_000)
    assert log.read_text(encoding="utf-8").split("\n")[:-1] == [
        "start A001 40",
        "end A001",
        "start A002 40",
        "end A002",
        "start A003 40",
        "end A003",
    ]


def test_a_silent_announcer_takes_its_engine_later_with_the_volume_set(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kiosk starts silent (finding an engine takes a tenth of a second it must not spend
    before its first screen) and finds the engine once the home screen shows."""
    log = tmp_path / "spoken.log"
    program = tmp_path / "espeak-ng"
    program.write_text(f'#!/bin/sh\necho "$5 $4" >> {log}\n', encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    announcer = Announcer()
    announcer.set_volume(40)  # the kiosk's setting arrives with its first status
    announcer.announce("首页")  # recorded, not spoken
    start_speech(announcer, "espeak")
    assert isinstance(announcer.engine, EspeakEngine)
    done: list[str] = []
    announcer.finished.connect(done.append)
    announcer.announce("A001")
    qtbot.waitUntil(lambda: done == ["A001"], timeout=10_000)
    assert log.read_text(encoding="utf-8") == "A001 40\n"
    engine = announcer.engine
    start_speech(announcer, "espeak")  # once only
    assert announcer.engine is engine


def test_start_speech_off_stays_silent(qtbot: QtBot) -> None:
    announcer = Announcer()
    start_speech(announcer, "off")
    assert announcer.silent
