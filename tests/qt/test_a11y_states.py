"""Issue #19 item 3 (states that show): the accessibility check catches a disabled button
that looks active, a check box without a visible box or tick, and unreadable cell colours;
the one stylesheet passes it in every mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from shared.qt.a11y import check_accessibility
from shared.qt.theme import ELDER, KIOSK, NORMAL, Tokens, apply_theme, disabled_rules, stylesheet

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

MODES = [(NORMAL, False, False), (KIOSK, False, True), (ELDER, True, True)]
MODE_IDS = ["console", "kiosk", "elder"]


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def page(qtbot: QtBot) -> Iterator[QWidget]:
    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root)
    yield root
    _app().setStyleSheet("")


def _add(root: QWidget, widget: QWidget) -> None:
    layout = root.layout()
    assert layout is not None
    layout.addWidget(widget)


def _show(qtbot: QtBot, root: QWidget) -> None:
    root.resize(700, 600)
    root.show()
    qtbot.waitExposed(root)


def _found(root: QWidget, tokens: Tokens, kind: str) -> list[str]:
    return [str(p) for p in check_accessibility(root, tokens) if p.kind == kind]


def _main_buttons(root: QWidget, role: str) -> tuple[QPushButton, QPushButton]:
    enabled, disabled = QPushButton("叫下一位"), QPushButton("叫下一位")
    for button in (enabled, disabled):
        button.setProperty("role", role)
        _add(root, button)
    disabled.setEnabled(False)
    return enabled, disabled


@pytest.mark.parametrize("role", ["primary", "action_primary"])
def test_a_disabled_main_button_that_looks_active_is_caught(
    qtbot: QtBot, page: QWidget, role: str
) -> None:
    """Before issue #12's rules a disabled 叫下一位 kept its dark fill and white words: the
    stylesheet without those rules reproduces it, and the check now says so."""
    _app().setStyleSheet(stylesheet(NORMAL).replace(disabled_rules(NORMAL), ""))
    _enabled, disabled = _main_buttons(page, role)
    _show(qtbot, page)
    problems = check_accessibility(page, NORMAL)
    assert [(p.widget, p.kind) for p in problems if p.kind == "disabled_look"] == [
        (disabled, "disabled_look")
    ]
    assert "as strong as enabled" in str(problems[-1])


def test_a_disabled_button_darker_than_enabled_is_caught(qtbot: QtBot, page: QWidget) -> None:
    _app().setStyleSheet(
        stylesheet(NORMAL) + "QPushButton:disabled { background: #333333; color: #9a9a9a; }"
    )
    _main_buttons(page, "")
    _show(qtbot, page)
    [problem] = _found(page, NORMAL, "disabled_look")
    assert "stands out" in problem and "#333333" in problem


def test_a_disabled_button_more_saturated_than_enabled_is_caught(
    qtbot: QtBot, page: QWidget
) -> None:
    _app().setStyleSheet(
        stylesheet(NORMAL)
        + "QPushButton:disabled { background: #f7c6c6; color: #8a8f99; border-color: #f7c6c6; }"
    )
    _main_buttons(page, "")
    _show(qtbot, page)
    [problem] = _found(page, NORMAL, "disabled_look")
    assert "more saturated" in problem


@pytest.mark.parametrize(("tokens", "elder", "kiosk"), MODES, ids=MODE_IDS)
@pytest.mark.parametrize("role", ["", "primary", "action_primary", "kiosk_primary", "danger"])
def test_the_theme_fades_every_disabled_button(
    qtbot: QtBot, page: QWidget, tokens: Tokens, elder: bool, kiosk: bool, role: str
) -> None:
    apply_theme(_app(), elder, kiosk=kiosk)
    _main_buttons(page, role)
    _show(qtbot, page)
    assert _found(page, tokens, "disabled_look") == []


def test_a_check_box_without_a_visible_box_is_caught(qtbot: QtBot, page: QWidget) -> None:
    """The 非办理时间强制取号 box of the issue: a pale edge on the page, nothing to see."""
    _app().setStyleSheet(
        stylesheet(NORMAL)
        + "QCheckBox::indicator { border: 2px solid #dde1e6; background: #f4f6f9; }"
    )
    box = QCheckBox("非办理时间强制取号")
    _add(page, box)
    _show(qtbot, page)
    [problem] = _found(page, NORMAL, "checkbox")
    assert "unticked box edge" in problem and "below 3:1" in problem


def test_a_ticked_box_without_a_tick_is_caught(qtbot: QtBot, page: QWidget) -> None:
    """A ticked box that is only a filled square (no tick) does not say it is ticked."""
    _app().setStyleSheet(stylesheet(NORMAL) + "QCheckBox::indicator:checked { image: none; }")
    box = QCheckBox("非办理时间强制取号")
    _add(page, box)
    _show(qtbot, page)
    [problem] = _found(page, NORMAL, "checkbox")
    assert "no tick" in problem


@pytest.mark.parametrize(("tokens", "elder", "kiosk"), MODES, ids=MODE_IDS)
def test_the_theme_draws_a_box_and_a_tick(
    qtbot: QtBot, page: QWidget, tokens: Tokens, elder: bool, kiosk: bool
) -> None:
    apply_theme(_app(), elder, kiosk=kiosk)
    unticked, ticked = QCheckBox("非办理时间强制取号"), QCheckBox("已核对材料")
    ticked.setChecked(True)
    _add(page, unticked)
    _add(page, ticked)
    _show(qtbot, page)
    assert _found(page, tokens, "checkbox") == []


def test_unreadable_cell_colours_are_caught(qtbot: QtBot, page: QWidget) -> None:
    apply_theme(_app())
    table = QTableWidget(2, 1)
    table.setAccessibleName("号票")
    faint = QTableWidgetItem("超时")
    faint.setForeground(QBrush(QColor("#c9a0a0")))
    table.setItem(0, 0, faint)
    table.setItem(1, 0, QTableWidgetItem("A001"))
    _add(page, table)
    _show(qtbot, page)
    [problem] = _found(page, NORMAL, "contrast")
    assert "'超时'" in problem and "#c9a0a0" in problem
