"""Helpers for the 管理 page tests of issue #9: an IT account in an empty database, a page
built with the console's context, and dialog buttons pressed as staff would."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from reception.registry import ModuleContext
from shared.qt.a11y import check_accessibility
from shared.qt.theme import NORMAL
from shared.services.staff import add_staff
from tests.reception.desk_support import Console

IT_USER = "it-admin"
IT_PASSWORD = "Kx9-setup-2026"


def it_context(console: Console, site_code: str | None = None) -> ModuleContext:
    """Create the IT account (roles: admin) and the context its console would give a page."""
    with console.factory.begin() as session:
        add_staff(
            session,
            username=IT_USER,
            display_name="信息中心",
            password=IT_PASSWORD,
            roles=["admin"],
        )
    return console.context(IT_USER, site_code)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Press a button with the mouse."""
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, field: Any, text: str) -> None:
    """Clear a line edit and type ``text`` into it (Chinese arrives whole, as an input method
    commits it: QTest can only type ASCII keys)."""
    field.clear()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        field.insert(text)


def assert_accessible(qtbot: QtBot, page: QWidget) -> None:
    """The page as laid out passes the console's accessibility check (targets, names,
    contrast; spec §10)."""
    qtbot.wait_exposed(page)
    assert [str(p) for p in check_accessibility(page, NORMAL)] == []


def shoot(widget: QWidget, name: str) -> None:
    """Save a 1920×1080 grab of ``widget`` when HALL_SHOTS names a folder (a look by hand)."""
    import os

    folder = os.environ.get("HALL_SHOTS")
    if folder:
        widget.resize(1920, 1080)
        widget.grab().save(os.path.join(folder, f"{name}.png"))
