"""Every console control can be named by a screen reader, reached and read (spec §10)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from shared.demo.org_data import DEMO_PASSWORD
from shared.qt.theme import NORMAL
from tests.reception.conftest import OFFSCREEN_NOISE, ShellMaker, log_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

a11y = pytest.importorskip("shared.qt.a11y")


def _unnamed(root: QWidget) -> list[str]:
    controls = root.findChildren(QAbstractButton) + root.findChildren(QLineEdit)
    controls += root.findChildren(QAbstractItemView)
    # Qt's own parts of a table (its header, the corner button) are named by the table.
    ours = [
        w
        for w in controls
        if w.isVisibleTo(root)
        and not isinstance(w, QHeaderView)
        and not w.objectName().startswith("qt_")
    ]
    return [f"{type(w).__name__}#{w.objectName()}" for w in ours if not w.accessibleName().strip()]


def test_login_fields_have_names_and_buddies(
    open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    view = shell.login_view
    assert _unnamed(view) == []
    buddies = {label.buddy() for label in view.findChildren(QLabel) if label.buddy()}
    assert buddies == {view.username, view.password}
    assert [str(p) for p in a11y.check_accessibility(view, NORMAL)] == []


@pytest.mark.parametrize("username", ["admin", "guide1"])
def test_console_passes_the_accessibility_check(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str, username: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, username, DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    for key in console.module_keys():
        console.select_module(key)
        qtbot.wait(50)
        assert _unnamed(console) == []
        assert [str(p) for p in a11y.check_accessibility(console, NORMAL)] == [], key
