"""The accessibility check must be able to fail: it catches each kind of problem it claims to."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from shared.qt.a11y import check_accessibility, contrast_ratio, effective_background, foreground
from shared.qt.theme import ELDER, NORMAL, apply_theme

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture
def themed(qtbot: QtBot) -> QWidget:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, elder=False)
    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root)
    yield root
    app.setStyleSheet("")


def _show(qtbot: QtBot, root: QWidget) -> None:
    root.resize(600, 600)
    root.show()
    qtbot.waitExposed(root)


def test_wcag_contrast_reference_values() -> None:
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    # Just below and above the 0.04045 linearisation threshold (10/255 and 11/255).
    assert contrast_ratio(QColor("#0a0a0a"), QColor("#000000")) == pytest.approx(1.0607, abs=1e-3)
    assert contrast_ratio(QColor("#0b0b0b"), QColor("#000000")) == pytest.approx(1.0669, abs=1e-3)


def test_well_made_widgets_pass(qtbot: QtBot, themed: QWidget) -> None:
    layout = themed.layout()
    layout.addWidget(QLabel("办事指南"))
    layout.addWidget(QPushButton("取号"))
    field = QLineEdit()
    label = QLabel("手机号")
    label.setBuddy(field)
    layout.addWidget(label)
    layout.addWidget(field)
    _show(qtbot, themed)
    assert check_accessibility(themed, NORMAL) == []


def test_catches_a_too_small_button(qtbot: QtBot, themed: QWidget) -> None:
    small = QPushButton("小")
    small.setObjectName("small")
    # The theme's own minimum would override a fixed size: lift it for this one button.
    small.setStyleSheet("min-height: 0px; min-width: 0px; padding: 0px;")
    small.setFixedSize(30, 30)
    themed.layout().addWidget(small)
    _show(qtbot, themed)
    problems = check_accessibility(themed, NORMAL)
    assert [(p.widget, p.kind) for p in problems] == [(small, "target")]
    assert "below 44×44" in str(problems[0])


def test_big_enough_in_normal_mode_is_too_small_for_elders(qtbot: QtBot, themed: QWidget) -> None:
    button = QPushButton("中")
    button.setStyleSheet("min-height: 0px; min-width: 0px; padding: 0px;")
    button.setFixedSize(50, 50)
    themed.layout().addWidget(button)
    _show(qtbot, themed)
    assert check_accessibility(themed, NORMAL) == []
    # The page wears the console's theme, whose text is too small for elders as well
    # (tests/qt/test_a11y_readable.py); the target is what this test is about.
    elder_problems = check_accessibility(themed, ELDER)
    assert [p.kind for p in elder_problems if p.kind != "text_size"] == ["target"]


def test_catches_a_low_contrast_label(qtbot: QtBot, themed: QWidget) -> None:
    faint = QLabel("看不清的字")
    faint.setStyleSheet("color: #b0b0b0;")
    themed.layout().addWidget(faint)
    _show(qtbot, themed)
    problems = check_accessibility(themed, NORMAL)
    assert [(p.widget, p.kind) for p in problems] == [(faint, "contrast")]
    assert "#b0b0b0 on #f4f6f9" in str(problems[0])


def test_catches_an_unnamed_icon_button(qtbot: QtBot, themed: QWidget) -> None:
    icon_only = QPushButton()
    icon_only.setIcon(themed.style().standardIcon(themed.style().StandardPixmap.SP_ArrowBack))
    themed.layout().addWidget(icon_only)
    _show(qtbot, themed)
    assert [(p.widget, p.kind) for p in check_accessibility(themed, NORMAL)] == [
        (icon_only, "name")
    ]
    icon_only.setAccessibleName("返回")
    assert check_accessibility(themed, NORMAL) == []


def test_catches_an_unlabelled_field(qtbot: QtBot, themed: QWidget) -> None:
    field = QLineEdit()
    themed.layout().addWidget(field)
    _show(qtbot, themed)
    assert [p.kind for p in check_accessibility(themed, NORMAL)] == ["name"]


def test_a_spin_box_is_judged_as_one_control(qtbot: QtBot, themed: QWidget) -> None:
    """Its inner text field is a part, not a second target (issue #9 管理 pages); the outer
    control is still judged: unnamed, it is caught."""
    spin = QSpinBox()
    spin.setMinimumSize(120, 48)
    themed.layout().addWidget(spin)
    _show(qtbot, themed)
    assert [(p.kind, type(p.widget).__name__) for p in check_accessibility(themed, NORMAL)] == [
        ("name", "QSpinBox")
    ]
    spin.setAccessibleName("默认办理时长")
    assert check_accessibility(themed, NORMAL) == []


def test_hidden_widgets_are_not_judged(qtbot: QtBot, themed: QWidget) -> None:
    hidden = QPushButton()
    hidden.setFixedSize(10, 10)
    themed.layout().addWidget(hidden)
    hidden.hide()
    _show(qtbot, themed)
    assert check_accessibility(themed, NORMAL) == []


def test_palette_colours_match_the_pixels(qtbot: QtBot, themed: QWidget) -> None:
    """The check reads colours from the polished palette; show they are what is painted."""
    label = QLabel("█████")  # a solid glyph: its core pixels are the text colour
    label.setStyleSheet("font-size: 40px; color: #0b4f9c;")
    button = QPushButton("██")
    button.setProperty("role", "primary")
    themed.layout().addWidget(label)
    themed.layout().addWidget(button)
    _show(qtbot, themed)
    for widget in (label, button):
        # Grab from the window so what shows through a transparent label is painted too.
        image = themed.grab(widget.geometry()).toImage()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(image.width())
            for y in range(image.height())
        }
        assert foreground(widget).name() in colours, widget
        assert effective_background(widget).name() in colours, widget
