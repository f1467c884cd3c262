"""Regression guard: PySide6 6.12.0 on CPython 3.11 lost a reference to ``None`` on every
void Qt call, so a kiosk's clock aborted the process ("none_dealloc") after a few hours."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot


def test_void_qt_calls_do_not_leak_references_to_none(qtbot: QtBot) -> None:
    label, button = QLabel(), QPushButton()
    qtbot.addWidget(label)
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        button.click()
    assert before - sys.getrefcount(None) < 100
