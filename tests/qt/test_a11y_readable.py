"""Issue #12 item 4 (readable): the accessibility check measures text sizes and the focus
ring, fails where the kiosk used to fail, and the theme's tokens meet the minimums."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.screens.guide_map import HallMap
from shared.qt.a11y import check_accessibility, contrast_ratio, effective_background
from shared.qt.a11y_text import painted_text, painted_texts
from shared.qt.theme import ELDER, KIOSK, NORMAL, Tokens, apply_theme, load_fonts
from shared.services.wayfinding import MapWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def kiosk_page(qtbot: QtBot) -> Iterator[QWidget]:
    """An empty page under the kiosk's normal-mode stylesheet."""
    apply_theme(_app(), kiosk=True)
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
    root.resize(700, 500)
    root.show()
    qtbot.waitExposed(root)


def _kinds(root: QWidget, tokens: Tokens) -> list[tuple[QWidget, str]]:
    return [(p.widget, p.kind) for p in check_accessibility(root, tokens)]


def test_catches_18px_secondary_text_and_a_faint_focus_ring(
    qtbot: QtBot, kiosk_page: QWidget
) -> None:
    """The brief's own example: both problems are reported, each on its widget."""
    hint = QLabel("请点击您要办理的事项")
    hint.setProperty("role", "muted")
    hint.setStyleSheet("font-size: 18px;")
    button = QPushButton("取号")
    button.setStyleSheet("QPushButton:focus { border: 3px solid #f0c890; }")
    _add(kiosk_page, hint)
    _add(kiosk_page, button)
    _show(qtbot, kiosk_page)
    problems = check_accessibility(kiosk_page, KIOSK)
    assert [(p.widget, p.kind) for p in problems] == [
        (hint, "text_size"),
        (button, "focus_ring"),
    ]
    assert "18 px text, below 24 px" in str(problems[0])
    assert "focus #f0c890 on #f4f6f9" in str(problems[1])


def test_the_themes_own_widgets_pass_in_every_mode(qtbot: QtBot, kiosk_page: QWidget) -> None:
    for text, role in (("办事指南", "kiosk_heading"), ("本时段 12:00 结束办理", None)):
        label = QLabel(text)
        label.setProperty("role", role)
        _add(kiosk_page, label)
    _add(kiosk_page, QPushButton("打印指南"))
    _show(qtbot, kiosk_page)
    assert check_accessibility(kiosk_page, KIOSK) == []
    apply_theme(_app(), elder=True)
    assert check_accessibility(kiosk_page, ELDER) == []
    apply_theme(_app())
    assert check_accessibility(kiosk_page, NORMAL) == []


def test_a_size_is_judged_against_the_modes_minimum(qtbot: QtBot, kiosk_page: QWidget) -> None:
    """28 px reads in normal mode and is too small for elders; 16 px suits only the console."""
    label = QLabel("本时段 12:00 结束办理")
    label.setStyleSheet("font-size: 28px;")
    small = QLabel("操作员")
    small.setStyleSheet("font-size: 16px;")
    _add(kiosk_page, label)
    _add(kiosk_page, small)
    _show(qtbot, kiosk_page)
    assert _kinds(kiosk_page, KIOSK) == [(small, "text_size")]
    assert _kinds(kiosk_page, ELDER) == [(label, "text_size"), (small, "text_size")]
    assert [k for _, k in _kinds(kiosk_page, NORMAL)] == []


def test_point_sizes_and_rich_text_are_measured(qtbot: QtBot, kiosk_page: QWidget) -> None:
    """A font set in points is converted with the DPI (12 pt = 16 px at 96 dpi); a rich-text
    label is as small as its smallest fragment."""
    pointed = QLabel("营业中")
    pointed.setStyleSheet("font-size: 12pt;")
    rich = QLabel('前面还有 <span style="font-size:14px">3</span> 人')
    _add(kiosk_page, pointed)
    _add(kiosk_page, rich)
    _show(qtbot, kiosk_page)
    details = {p.widget: p.detail for p in check_accessibility(kiosk_page, KIOSK)}
    assert set(details) == {pointed, rich}
    assert details[rich] == "14 px text, below 24 px"
    expected = 12 * pointed.logicalDpiY() / 72
    assert details[pointed] == f"{expected:g} px text, below 24 px"


class _Sign(QWidget):
    """A widget that paints its own text at a given size (as the hall map does)."""

    def __init__(self, px: int) -> None:
        super().__init__()
        self.px = px
        self.setMinimumSize(200, 80)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPixelSize(self.px)
        painter.setFont(font)
        painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "12号窗口")
        painter.end()


def test_painted_text_is_measured_as_it_is_painted(qtbot: QtBot, kiosk_page: QWidget) -> None:
    tiny, fine = _Sign(10), _Sign(20)
    _add(kiosk_page, tiny)
    _add(kiosk_page, fine)
    _show(qtbot, kiosk_page)
    problems = check_accessibility(kiosk_page, KIOSK)
    assert [(p.widget, p.kind) for p in problems] == [(tiny, "text_size")]
    assert problems[0].detail.endswith("at 10 px, below 20 px")
    # The map's labels must be larger still for elders.
    assert (fine, "text_size") in _kinds(kiosk_page, ELDER)


def test_a_missing_focus_indicator_is_caught_and_focus_given_back(
    qtbot: QtBot, kiosk_page: QWidget
) -> None:
    first = QPushButton("返回")
    plain = QPushButton("下一页")
    # Focused looks exactly like unfocused: nothing shows where the keyboard is.
    plain.setStyleSheet("QPushButton:focus { border: 2px solid #0b4f9c; }")
    plain.setProperty("role", "plain")
    _add(kiosk_page, first)
    _add(kiosk_page, plain)
    _show(qtbot, kiosk_page)
    first.setFocus()
    problems = check_accessibility(kiosk_page, KIOSK)
    assert [(p.widget, p.kind, p.detail) for p in problems] == [
        (plain, "focus_ring", "no visible focus indicator")
    ]
    assert _app().focusWidget() is first


def test_a_focusable_heading_is_not_judged_as_a_control(qtbot: QtBot, kiosk_page: QWidget) -> None:
    """Screens focus their heading so a screen reader announces it; it draws no ring."""
    heading = QLabel("取号：请选择您要办理的业务")
    heading.setProperty("role", "kiosk_heading")
    heading.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    _add(kiosk_page, heading)
    _show(qtbot, kiosk_page)
    assert check_accessibility(kiosk_page, KIOSK) == []


@pytest.mark.parametrize("tokens", [NORMAL, KIOSK, ELDER], ids=lambda t: t.name)
def test_the_focus_ring_reaches_3_to_1_on_every_page_colour(tokens: Tokens) -> None:
    for page in (tokens.bg, tokens.surface, tokens.warning_bg):
        assert contrast_ratio(QColor(tokens.focus), QColor(page)) >= 3.0, page


def test_kiosk_sizes_meet_the_minimums_and_elder_mode_scales_every_one() -> None:
    for tokens in (KIOSK, ELDER):
        for size in (tokens.font_px, tokens.small_px, tokens.title_px, tokens.heading_px):
            assert size >= tokens.min_text_px
        assert tokens.min_label_px >= 20
    assert (KIOSK.min_text_px, ELDER.min_text_px) == (24, 32)
    for field in (
        "font_px",
        "small_px",
        "title_px",
        "heading_px",
        "huge_px",
        "min_target",
        "spacing",
        "min_text_px",
        "min_label_px",
    ):
        assert getattr(ELDER, field) >= getattr(KIOSK, field) * 4 / 3 - 0.5, field


def test_the_console_keeps_its_sizes() -> None:
    """The console is a staff desktop at 1920×1080: issue #12 leaves its sizes alone."""
    assert (NORMAL.font_px, NORMAL.small_px, NORMAL.title_px, NORMAL.min_target) == (
        20,
        16,
        30,
        44,
    )
    assert NORMAL.min_text_px == NORMAL.small_px == 16


@pytest.mark.parametrize(
    ("elder", "kiosk", "role"),
    [
        (False, False, "primary"),
        (False, False, "action_primary"),
        (False, True, "kiosk_primary"),
        (False, True, "kiosk_tile"),
        (True, True, "kiosk_primary"),
        (True, True, "kiosk_home"),
    ],
)
def test_a_disabled_main_button_looks_faded_not_darker(
    qtbot: QtBot, elder: bool, kiosk: bool, role: str
) -> None:
    """Issue #12: disabled main buttons looked more active (a dark fill) than enabled ones."""
    tokens = apply_theme(_app(), elder, kiosk=kiosk)
    try:
        root = QWidget()
        qtbot.addWidget(root)
        layout = QVBoxLayout(root)
        enabled, disabled = QPushButton("取号办理"), QPushButton("取号办理")
        for button in (enabled, disabled):
            button.setProperty("role", role)
            layout.addWidget(button)
        disabled.setEnabled(False)
        _show(qtbot, root)
        page = QColor(tokens.bg)
        on, off = effective_background(enabled), effective_background(disabled)
        # Lighter than the enabled fill and close to the page: it recedes.
        assert off.lightness() > on.lightness()
        assert contrast_ratio(off, page) < 1.3
        assert off.name() == tokens.disabled_bg
        # Its text is grey, not the enabled button's white or blue.
        assert disabled.palette().color(disabled.foregroundRole()).name() == tokens.disabled_text
    finally:
        _app().setStyleSheet("")


DISTRICT = {"A": 8, "B": 5, "C": 5, "D": 4, "E": 4, "F": 2, "G": 2, "H": 1}


def _district_windows(serving: range) -> list[MapWindow]:
    total = sum(DISTRICT.values())
    return [
        MapWindow(n, f"{n}号窗口", (n - 0.5) / total, 0.15, n in serving)
        for n in range(1, total + 1)
    ]


@pytest.mark.parametrize("width", [520, 700, 1000])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_hall_maps_numbers_are_readable(qtbot: QtBot, elder: bool, width: int) -> None:
    """Issue #12: 31 counters in a 700 px map drew their numbers at ~10 px. Now no text on the
    map is below 20 px (28 px for elders), and the windows to go to are always numbered."""
    app = _app()
    load_fonts(app)
    tokens = apply_theme(app, elder, kiosk=True)
    try:
        hall = HallMap()
        qtbot.addWidget(hall)
        hall.set_windows(_district_windows(range(19, 23)), "19至22号窗口")
        hall.resize(width, int(width * 0.62))
        hall.show()
        qtbot.waitExposed(hall)
        smallest = painted_text(hall)
        assert smallest is not None
        assert smallest.px >= tokens.min_label_px
        assert check_accessibility(hall, tokens) == []
        texts = _painted(hall)
        assert "19–22" in texts or {"19", "20", "21", "22"} <= texts
        assert {"1", "31"} <= texts  # the ends of the counters' line
    finally:
        app.setStyleSheet("")


def _painted(widget: QWidget) -> set[str]:
    return {t.sample for t in painted_texts(widget)}
