"""Starting the console: command line, migrations off the GUI thread, self-test."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import reception.shell
from reception.__main__ import build_parser
from reception.app import build_window
from shared.db import create_session_factory, current_revision, engine_of, head_revision
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_options() -> None:
    args = build_parser().parse_args(["--db", "sqlite:///x.db", "--site", "huarong"])
    assert (args.db, args.site, args.selftest) == ("sqlite:///x.db", "huarong", False)


def test_migrations_run_off_the_gui_thread(
    qtbot: QtBot, open_shell: ShellMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real_upgrade = reception.shell.upgrade

    def spy(engine: object) -> None:
        threads.append(threading.current_thread())
        real_upgrade(engine)  # type: ignore[arg-type]

    monkeypatch.setattr(reception.shell, "upgrade", spy)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    shell = open_shell(url)
    assert threads and threads[0] is not threading.main_thread()
    assert shell.pages.currentWidget() is shell.login_view
    factory = create_session_factory(url)
    assert current_revision(engine_of(factory)) == head_revision()
    engine_of(factory).dispose()


def test_unreachable_database_is_said_plainly_with_a_retry(qtbot: QtBot) -> None:
    # Port 9 on localhost: nothing listens, the connection is refused at once.
    factory = create_session_factory("postgresql://hall@127.0.0.1:9/hall?connect_timeout=2")
    shell = reception.shell.ReceptionShell(factory)
    qtbot.add_widget(shell)
    shell.show()
    with qtbot.wait_signal(shell.database_failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        shell.start()
    assert blocker.args == ["无法连接数据库，请稍后重试或联系管理员"]
    assert shell.startup_view.status.text() == blocker.args[0]
    assert shell.startup_view.retry.isVisible()
    shell.shutdown()
    engine_of(factory).dispose()


def test_build_window_for_the_selftest_shows_every_module(
    qtbot: QtBot, sqlite_factory: object
) -> None:
    window = build_window(sqlite_factory)  # type: ignore[arg-type]
    qtbot.add_widget(window)
    assert isinstance(window, reception.shell.ReceptionShell)
    assert window.console is not None
    assert len(window.console.module_keys()) == 8
    qtbot.waitUntil(lambda: window.console.site_label.text() == "华容区政务服务中心")
    window.shutdown()


def test_selftest_command_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reception", "--selftest"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest reception: OK" in result.stdout
    assert "Traceback" not in result.stderr
