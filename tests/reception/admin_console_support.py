"""Helpers for the 管理 host, 工作人员, 系统设置 and 营业时间与节假日 tests (issue #9): a console
logged in as someone of the demo hall, showing 管理, and buttons pressed as staff would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from reception.modules.admin import AdminPage
from reception.shell import ReceptionShell
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_PASSWORD
from tests.reception.conftest import ShellMaker, log_in


def admin_host(
    qtbot: QtBot, open_shell: ShellMaker, url: str, username: str, **kwargs: Any
) -> tuple[ReceptionShell, AdminPage]:
    """A console logged in as ``username`` (demo password) showing 管理."""
    shell = open_shell(url, **kwargs)
    log_in(qtbot, shell, username, DEMO_PASSWORD)
    assert shell.console is not None
    shell.console.select_module("admin")
    host = shell.console.module("admin")
    assert isinstance(host, AdminPage)
    return shell, host


def press(qtbot: QtBot, button: QPushButton) -> None:
    """Click a button as staff would (it must be enabled)."""
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def press_ok(qtbot: QtBot, dialog: QDialog) -> None:
    """Press a dialog's primary button."""
    button = dialog.findChild(QPushButton, "dialog_ok")
    assert button is not None
    press(qtbot, button)


def read_db(url: str, read: Any) -> Any:
    """``read(session)`` in a session of its own on ``url`` (what another terminal sees)."""
    factory = create_session_factory(url)
    try:
        with factory() as session:
            return read(session)
    finally:
        engine_of(factory).dispose()
