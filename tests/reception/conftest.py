"""Reception test helpers: a themed app and a console shell on a real database.

The offscreen platform warns "does not support propagateSizeHints()" whenever a top-level
window with a layout is shown; the reception tests ignore exactly that message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reception.shell import ReceptionShell
from shared.db import create_session_factory, engine_of
from shared.qt.theme import apply_theme, load_fonts

OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
SIGNAL_TIMEOUT_MS = 15_000

ShellMaker = Callable[..., ReceptionShell]


@pytest.fixture(autouse=True)
def _themed(qapp: QApplication) -> None:
    load_fonts(qapp)
    apply_theme(qapp)


@pytest.fixture
def open_shell(qtbot: QtBot) -> Iterator[ShellMaker]:
    """Opens a shown console shell on a database URL and waits until it offers the login."""
    opened: list[tuple[ReceptionShell, Any]] = []

    def open_(url: str, **kwargs: Any) -> ReceptionShell:
        factory = create_session_factory(url)
        shell = ReceptionShell(factory, **kwargs)
        qtbot.add_widget(shell)
        opened.append((shell, factory))
        shell.resize(1280, 800)
        shell.show()
        with qtbot.wait_signal(shell.database_ready, timeout=SIGNAL_TIMEOUT_MS):
            shell.start()
        return shell

    yield open_
    for shell, factory in opened:
        shell.shutdown()
        engine_of(factory).dispose()


def submit_login(qtbot: QtBot, shell: ReceptionShell, username: str, password: str) -> None:
    """Type a login as staff would and press Enter (nothing waited for)."""
    view = shell.login_view
    view.username.clear()
    qtbot.keyClicks(view.username, username)
    qtbot.keyClicks(view.password, password)
    qtbot.keyClick(view.password, Qt.Key.Key_Return)


def log_in(qtbot: QtBot, shell: ReceptionShell, username: str, password: str) -> Any:
    """Log in and wait for success; returns the StaffInfo."""
    with qtbot.wait_signal(shell.login_succeeded, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        submit_login(qtbot, shell, username, password)
    return blocker.args[0]


def fail_login(qtbot: QtBot, shell: ReceptionShell, username: str, password: str) -> str:
    """Log in expecting a refusal; returns the message shown."""
    with qtbot.wait_signal(shell.login_failed, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        submit_login(qtbot, shell, username, password)
    message = blocker.args[0]
    assert shell.login_view.message.text() == message
    assert shell.login_view.message.isVisible()
    return str(message)
