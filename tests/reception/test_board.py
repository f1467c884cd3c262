"""叫号屏: the display board follows calls made anywhere and announces each one, in turn
(issue #3, item 7)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from reception.__main__ import build_parser
from reception.board import BoardWindow, number_ranges
from shared.qt.announcer import Announcer
from shared.services import calling, window_sessions
from tests.qt.test_announcer import FakeEngine
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS
from tests.reception.desk_support import Console, called_at, console_on
from tests.support.windows import open_windows, open_windows_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)
__all__ = ["console_on"]


CLI_WITH_END_TIME = """
import runpy, sys, time
sys.argv = ["hall", *sys.argv[1:]]
try:
    runpy.run_module("shared.cli", run_name="__main__")
finally:
    print(time.time(), file=sys.stderr, flush=True)
"""


def open_board(qtbot: QtBot, console: Console, announcer: Announcer) -> BoardWindow:
    board = BoardWindow(console.runner, console.hub, "huarong", announcer)
    qtbot.add_widget(board)
    board.resize(1920, 1080)
    with qtbot.wait_signal(board.board_loaded, timeout=SIGNAL_TIMEOUT_MS):
        board.show()
    return board


def call(console: Console, window: int) -> str:
    with console.factory.begin() as session:
        open_windows_in(session, [window])  # only a signed-in window calls (issue #9)
        ticket = calling.call_next(session, site="huarong", window=window)
    assert ticket is not None
    return ticket.number


def test_a_call_from_another_process_shows_and_is_announced_within_a_second(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    console.issue("A")
    open_windows(console.factory, [3])
    engine = FakeEngine()
    board = open_board(qtbot, console, Announcer(engine))
    shown_at: list[float] = []
    board.calls_announced.connect(lambda _calls: shown_at.append(time.time()))

    # `hall ticket call` in its own interpreter; the wrapper notes when the CLI has returned,
    # that is after its transaction committed.
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CLI_WITH_END_TIME,
            "--json",
            "ticket",
            "call",
            "--window",
            "3",
            "--db",
            seeded_sqlite_url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["number"] == "A001"
    committed_at = float(proc.stderr.strip().splitlines()[-1])
    qtbot.waitUntil(lambda: bool(shown_at), timeout=5_000)
    assert shown_at[0] - committed_at < 1.0
    assert called_at(console, "A001").timestamp() < committed_at
    assert board.call_label.text() == "A001"
    assert board.window_label.text() == "请到 3 号窗口"
    assert board.recent_texts()[0].startswith("A001 → 3号窗口")
    assert engine.said == ["请 A001 号 到 3 号窗口办理"]


def test_calls_in_quick_succession_are_all_announced_in_order(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    for queue in ("A", "A", "B"):
        console.issue(queue)
    engine = FakeEngine()
    board = open_board(qtbot, console, Announcer(engine))
    numbers = [call(console, 3), call(console, 4), call(console, 1)]
    assert numbers == ["A001", "A002", "B001"]
    qtbot.waitUntil(lambda: len(board.announcer.history) == 3, timeout=5_000)
    # The engine is still on the first sentence: the others wait their turn.
    assert engine.said == ["请 A001 号 到 3 号窗口办理"]
    for _ in range(2):
        with qtbot.wait_signal(board.announcer.started):
            engine.finish()
    assert engine.said == [
        "请 A001 号 到 3 号窗口办理",
        "请 A002 号 到 4 号窗口办理",
        "请 B001 号 到 1 号窗口办理",
    ]
    assert engine.cut_off == []
    assert board.call_label.text() == "B001"
    assert [t.split()[0] for t in board.recent_texts()] == ["B001", "A002", "A001"]

    with (
        qtbot.wait_signal(board.calls_announced, timeout=5_000) as again,
        console.factory.begin() as session,
    ):
        calling.recall(session, site="huarong", number="A002")
    assert [c.number for c in again.args[0]] == ["A002"] and again.args[0][0].recalled
    assert board.call_label.text() == "A002"


def test_calls_before_the_board_opened_are_shown_not_announced(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    console = console_on(seeded_sqlite_url)
    for _ in range(10):
        console.issue("A")
    for window in (1, 2, 3, 4, 5, 6, 7, 8, 1, 2):
        call(console, window)
    announcer = Announcer(None)  # no speech engine on this PC: silent, never an error
    board = open_board(qtbot, console, announcer)
    assert announcer.history == []
    assert len(board.recent_texts()) == 8
    assert board.call_label.text() == "A010" and board.window_label.text() == "请到 2 号窗口"
    assert board.queue_labels["A"].text() == "A 综合受理  0 人"
    console.issue("C")
    qtbot.waitUntil(lambda: board.queue_labels["C"].text() == "C 社保医保  1 人", timeout=2_000)
    assert board.site_label.text() == "华容区政务服务中心"


def test_board_options() -> None:
    args = build_parser().parse_args(["--board", "--speech", "off", "--site", "huarong"])
    assert (args.board, args.speech, args.site, args.windowed) == (True, "off", "huarong", False)
    assert build_parser().parse_args([]).terminal == "desk-01"


def test_the_board_lists_paused_and_closed_windows_and_follows_sign_ins(
    qtbot: QtBot, console_on: Any, seeded_sqlite_url: str
) -> None:
    """Issue #9: a strip lists the paused windows with their reason and the windows not open,
    refreshed by the change feed's ``window`` kind when a clerk signs in or pauses."""
    console = console_on(seeded_sqlite_url)
    open_windows(console.factory, [3, 4, 9])
    board = open_board(qtbot, console, Announcer(None))
    assert not board.paused_label.isVisible()
    assert board.closed_label.text() == "未开放：1–2、5–8、10–31号窗口"
    with console.factory.begin() as session:
        window_sessions.pause(session, site="huarong", window=9, reason="系统故障")
        window_sessions.pause(session, site="huarong", window=3, reason="会议")
    qtbot.waitUntil(lambda: board.paused_label.isVisible(), timeout=2_000)
    assert board.paused_label.text() == "暂停：3号窗口（会议）、9号窗口（系统故障）"
    open_windows(console.factory, [1, 2])
    qtbot.waitUntil(lambda: board.closed_label.text() == "未开放：5–8、10–31号窗口", timeout=2_000)
    assert [w.state for w in board.state.windows[:4]] == ["open", "open", "paused", "open"]


def test_number_ranges() -> None:
    assert number_ranges([8, 1, 2, 3, 5, 7]) == "1–3、5、7–8"
    assert number_ranges([4]) == "4" and number_ranges([]) == ""
