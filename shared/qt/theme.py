"""Design tokens and the one application stylesheet: the console's, the kiosk's normal mode
and the kiosk's elder (长辈) mode.

Screens never call ``setStyleSheet`` themselves: they set an object name or a ``role``
property and the stylesheet built here styles it. Colours are chosen so every text/background
pair meets 7:1 (elder) or 4.5:1 (normal) contrast; the accessibility check verifies it.

Sizes (spec §10, issue #12): the kiosk is read standing, by elderly visitors, so its body and
secondary text are 24 px (32 px in elder mode) and nothing it draws is below 20 px; elder mode
scales every size token by at least 4/3 (24 → 32). The console (:data:`NORMAL`) is a staff
desktop app read at arm's length on a 1920×1080 screen: it keeps its 20 px body and 16 px
secondary text, and 16 px is its minimum. The focus ring reaches 3:1 against every page
colour in every mode; a disabled button is drawn faded (light fill, grey text), never darker
than an enabled one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from shared.paths import cache_dir, resource_path

FONT_FILE = ("fonts", "wqy-microhei.ttc")
FONT_FAMILY_FALLBACK = "WenQuanYi Micro Hei"
#: The Tabler tick drawn inside a ticked check box (``resources/icons/check.svg``).
TICK_ICON = ("icons", "check.svg")


@dataclass(frozen=True)
class Tokens:
    """One mode's design tokens (sizes in px, colours as #rrggbb)."""

    name: str
    font_px: int
    small_px: int
    title_px: int
    #: Screen headings and big choices (bold; FreeType's synthetic bold stops at 64 px).
    heading_px: int
    huge_px: int
    min_target: int
    spacing: int
    radius: int
    min_contrast: float
    #: The smallest text a widget may show (body and secondary text alike).
    min_text_px: int
    #: The smallest text a widget may paint itself (the hall map's window numbers).
    min_label_px: int
    bg: str = "#f4f6f9"
    surface: str = "#ffffff"
    text: str = "#1a1a1a"
    muted: str = "#4a4f57"
    primary: str = "#0b4f9c"
    primary_text: str = "#ffffff"
    accent: str = "#a8320f"
    success: str = "#14632d"
    warning_bg: str = "#fff4d6"
    warning_text: str = "#5c3b00"
    danger: str = "#a11a1a"
    border: str = "#6b7380"
    #: The focus ring: 4.6:1 on the page, 5.0:1 on white (WCAG 1.4.11 asks 3:1).
    focus: str = "#b45309"
    #: Outlines of disabled controls (WCAG 1.4.11 exempts inactive components from 3:1).
    disabled: str = "#b5bbc4"
    #: A disabled button's fill and text: faded, lighter than any enabled button.
    disabled_bg: str = "#e8ebef"
    disabled_text: str = "#6b7380"
    #: A selected table row: a pale blue under dark words, so a cell's own colour (a red
    #: overdue time) stays readable on it (text 13:1, danger 6:1).
    selection_bg: str = "#d3e3f6"
    #: The pale bars of a loading skeleton.
    skeleton: str = "#e1e6ec"


# The console: today's sizes for a staff desktop (issue #12 leaves them alone).
NORMAL = Tokens(
    name="normal",
    font_px=20,
    small_px=16,
    title_px=30,
    heading_px=48,
    huge_px=96,
    min_target=44,
    spacing=12,
    radius=10,
    min_contrast=4.5,
    min_text_px=16,
    min_label_px=16,
)
# The kiosk in normal mode: no text below 24 px (the hall map's numbers: 20 px).
KIOSK = Tokens(
    name="kiosk",
    font_px=24,
    small_px=24,
    title_px=30,
    heading_px=46,
    huge_px=96,
    min_target=44,
    spacing=12,
    radius=10,
    min_contrast=4.5,
    min_text_px=24,
    min_label_px=20,
)
# Elder mode: every size at least 4/3 of the kiosk's, and a darker palette so all pairs
# reach 7:1.
ELDER = Tokens(
    name="elder",
    font_px=32,
    small_px=32,
    title_px=40,
    heading_px=62,
    huge_px=128,
    min_target=60,
    spacing=16,
    radius=12,
    min_contrast=7.0,
    min_text_px=32,
    min_label_px=28,
    bg="#ffffff",
    muted="#2b2f36",
    primary="#08386f",
    accent="#7a2209",
    success="#0c4420",
    warning_text="#3d2700",
    danger="#7c0f0f",
    border="#2b2f36",
)


def tokens_for(elder: bool, kiosk: bool = False) -> Tokens:
    """The tokens of the mode: the console's, or the kiosk's normal or elder mode."""
    if elder:
        return ELDER
    return KIOSK if kiosk else NORMAL


def load_fonts(app: QApplication) -> str:
    """Register the bundled CJK font and make it the application font; returns its family."""
    family = FONT_FAMILY_FALLBACK
    try:
        font_id = QFontDatabase.addApplicationFont(str(resource_path(*FONT_FILE)))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            family = families[0]
    except FileNotFoundError:
        pass
    app.setFont(QFont(family))
    return family


def stylesheet(t: Tokens) -> str:
    """The application stylesheet for one mode.

    Every check box draws its box (issue #9): a surface-filled square whose border meets 3:1
    against the page (WCAG 1.4.11), filled with the primary colour and showing a tick when
    ticked (issue #19: a filled square alone did not say "ticked"), so no screen needs a role
    of its own to make its state visible.
    """
    return (
        f"""
    QWidget {{
        background: {t.bg}; color: {t.text}; font-size: {t.font_px}px;
    }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QLabel[role="muted"] {{ color: {t.muted}; font-size: {t.small_px}px; }}
    QLabel[role="huge"] {{ font-size: {t.huge_px}px; font-weight: bold; color: {t.primary}; }}
    QLabel[role="notice"] {{
        background: {t.warning_bg}; color: {t.warning_text};
        border-radius: {t.radius}px; padding: {t.spacing}px;
    }}
    QLabel[role="error"] {{ color: {t.danger}; font-weight: bold; }}
    QLabel[role="ok"] {{ color: {t.success}; font-weight: bold; }}
    QFrame[role="card"] {{
        background: {t.surface}; border: 1px solid {t.border}; border-radius: {t.radius}px;
    }}
    QFrame[role="banner"] {{ background: {t.primary}; }}
    QFrame[role="banner"] QLabel {{ color: {t.primary_text}; background: {t.primary}; }}
    QFrame[role="banner"] QPushButton:focus {{ border: 3px solid {t.warning_bg}; }}
    QPushButton {{
        background: {t.surface}; color: {t.primary}; border: 2px solid {t.primary};
        border-radius: {t.radius}px; padding: {t.spacing // 2}px {t.spacing}px;
        min-height: {t.min_target}px; min-width: {t.min_target}px;
    }}
    QPushButton:focus {{ border: 3px solid {t.focus}; }}
    QPushButton:pressed {{ background: {t.primary}; color: {t.primary_text}; }}
    QPushButton[role="primary"] {{
        background: {t.primary}; color: {t.primary_text}; font-weight: bold;
    }}
    QPushButton[role="tile"] {{
        background: {t.primary}; color: {t.primary_text}; font-size: {t.title_px}px;
        font-weight: bold; border-radius: {t.radius * 2}px; padding: {t.spacing * 2}px;
    }}
    QPushButton[role="tile"]:pressed {{ background: {t.text}; }}
    QPushButton[role="danger"] {{ color: {t.danger}; border-color: {t.danger}; }}
    QPushButton[role="nav"] {{ font-weight: bold; }}
    QListWidget[role="nav"] {{
        background: {t.surface}; border: 0; border-right: 1px solid {t.border};
    }}
    QListWidget[role="nav"]::item {{
        color: {t.text}; padding: 0 {t.spacing}px; border-radius: {t.radius // 2}px;
    }}
    QListWidget[role="nav"]::item:selected {{
        background: {t.primary}; color: {t.primary_text}; font-weight: bold;
    }}
    QLineEdit, QComboBox, QSpinBox, QDateEdit, QTimeEdit, QPlainTextEdit, QTextEdit {{
        background: {t.surface}; color: {t.text}; border: 2px solid {t.border};
        border-radius: {t.radius // 2}px; padding: 4px 8px; min-height: {t.min_target - 12}px;
    }}
    QLineEdit:focus, QComboBox:focus, QAbstractSpinBox:focus, QPlainTextEdit:focus,
    QTextEdit:focus {{ border-color: {t.focus}; }}
    QListWidget, QTableView, QTreeView, QTableWidget {{
        background: {t.surface}; color: {t.text}; border: 1px solid {t.border};
        alternate-background-color: {t.bg};
    }}
    QScrollArea[frameShape="NoFrame"] {{ border: 2px solid transparent; }}
    QListWidget:focus, QTableView:focus, QTreeView:focus, QScrollArea:focus {{
        border: 2px solid {t.focus};
    }}
    QHeaderView::section {{
        background: {t.bg}; color: {t.text}; font-weight: bold; padding: 4px;
        border: 0; border-bottom: 1px solid {t.border};
    }}
    QTabBar::tab {{
        background: {t.bg}; color: {t.text}; padding: 8px 16px; min-height: {t.min_target - 16}px;
    }}
    QTabBar::tab:selected {{ background: {t.surface}; color: {t.primary}; font-weight: bold; }}
    QCheckBox {{ background: transparent; min-height: {t.min_target}px; }}
    QCheckBox::indicator {{
        width: {t.min_target // 2}px; height: {t.min_target // 2}px;
        background: {t.surface}; border: 2px solid {t.border}; border-radius: 4px;
    }}
    QCheckBox::indicator:checked {{
        background: {t.primary}; border-color: {t.primary};
        image: url({tick_image(t.primary_text)});
    }}
    QCheckBox::indicator:focus {{ border: 3px solid {t.focus}; }}
    QCheckBox::indicator:disabled {{ border-color: {t.disabled}; }}
    QCheckBox::indicator:checked:disabled {{ background: {t.disabled}; }}
    QScrollBar:vertical {{ width: {t.min_target // 2 + 8}px; background: {t.bg}; }}
    QScrollBar::handle:vertical {{ background: {t.border}; min-height: {t.min_target}px;
        border-radius: 6px; }}
    """
        + kiosk_rules(t)
        + reception_rules(t)
        + table_rules(t)
        + disabled_rules(t)
    )


# FreeType's synthetic bold (the bundled CJK font has no bold face) stops at 64 px: bold
# headings larger than this would render thin.
BOLD_MAX_PX = 63


def kiosk_rules(t: Tokens) -> str:
    """The kiosk's own roles: big tiles, the 返回首页 button, the idle banner, the PIN pad."""
    heading_px = min(t.heading_px, BOLD_MAX_PX)
    return f"""
    QPushButton[role="kiosk_tile"] {{
        background: {t.primary}; color: {t.primary_text}; font-size: {heading_px}px;
        font-weight: bold; border-radius: {t.radius * 2}px; padding: {t.spacing * 2}px;
        min-height: {t.min_target * 3}px;
    }}
    QPushButton[role="kiosk_tile"] QLabel {{ color: {t.primary_text}; background: transparent; }}
    QLabel[role="tile_title"] {{ font-size: {heading_px}px; font-weight: bold; }}
    QLabel[role="tile_caption"] {{ font-size: {t.font_px}px; }}
    QPushButton[role="kiosk_tile"]:pressed {{ background: {t.text}; }}
    QPushButton[role="kiosk_tile"][state="closed"] {{
        background: {t.surface}; border: 3px dashed {t.muted};
    }}
    QPushButton[role="kiosk_tile"][state="closed"] QLabel {{ color: {t.muted}; }}
    QPushButton[role="kiosk_tile"][state="closed"] QLabel[role="tile_caption"] {{
        font-size: {t.title_px}px; font-weight: bold;
    }}
    QPushButton[role="kiosk_tile"][state="closed"]:pressed {{ background: {t.bg}; }}
    QPushButton[role="kiosk_tile"]:focus {{ border: 4px solid {t.focus}; }}
    QPushButton[role="kiosk_home"] {{
        background: {t.primary}; color: {t.primary_text}; font-size: {t.title_px}px;
        font-weight: bold; min-height: {t.min_target * 2}px; min-width: {t.min_target * 6}px;
    }}
    QPushButton[role="kiosk_switch"] {{
        font-size: {t.title_px}px; font-weight: bold; min-height: {t.min_target + t.spacing}px;
        padding: {t.spacing // 2}px {t.spacing * 2}px;
    }}
    QPushButton[role="kiosk_switch"]:checked {{
        background: {t.primary}; color: {t.primary_text};
    }}
    QPushButton[role="kiosk_key"] {{
        font-size: {t.title_px}px; font-weight: bold;
        min-height: {t.min_target * 2}px; min-width: {t.min_target * 2}px;
    }}
    QLabel[role="clock"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QLabel[role="kiosk_state"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QLabel[role="kiosk_heading"] {{ font-size: {heading_px}px; font-weight: bold; }}
    QLabel[role="kiosk_message"] {{ font-size: {t.title_px}px; }}
    QLabel[role="kiosk_detail"] {{ color: {t.muted}; font-size: {t.font_px}px; }}
    QLineEdit[role="kiosk_pin"] {{
        font-size: {t.title_px}px; min-width: {t.min_target * 6}px; min-height: {t.min_target}px;
    }}
    QFrame[role="kiosk_scrim"] {{ background: rgba(0, 0, 0, 150); }}
    QFrame[role="kiosk_overlay"] {{
        background: {t.warning_bg}; border: 4px solid {t.warning_text};
        border-radius: {t.radius * 2}px;
    }}
    QFrame[role="kiosk_overlay"] QLabel {{
        color: {t.warning_text}; background: {t.warning_bg}; font-size: {t.title_px}px;
        font-weight: bold;
    }}
    """ + kiosk_ticket_rules(t)


def kiosk_ticket_rules(t: Tokens) -> str:
    """The kiosk 取号 flow: the confirm button, the number shown huge, print notices."""
    heading_px = min(t.heading_px, BOLD_MAX_PX)
    return f"""
    QLabel[role="tile_status"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QPushButton[role="kiosk_primary"] {{
        background: {t.primary}; color: {t.primary_text}; font-size: {heading_px}px;
        font-weight: bold; border-radius: {t.radius * 2}px;
        min-height: {t.min_target * 5 // 2}px; min-width: {t.min_target * 8}px;
    }}
    QPushButton[role="kiosk_primary"]:pressed {{ background: {t.text}; }}
    QPushButton[role="kiosk_primary"]:focus {{ border: 4px solid {t.focus}; }}
    QPushButton[role="kiosk_secondary"] {{
        font-size: {t.title_px}px; font-weight: bold;
        min-height: {t.min_target * 2}px; min-width: {t.min_target * 6}px;
    }}
    QLabel[role="kiosk_number"] {{
        font-size: {t.huge_px * 3 // 2}px; font-weight: bold; color: {t.primary};
    }}
    QLabel[role="kiosk_fact"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QLabel[role="kiosk_ok"] {{
        color: {t.success}; font-size: {t.title_px}px; font-weight: bold;
        padding: {t.spacing}px;
    }}
    QLabel[role="kiosk_notice"] {{
        background: {t.warning_bg}; color: {t.warning_text}; font-size: {t.title_px}px;
        font-weight: bold; border: 3px solid {t.warning_text}; border-radius: {t.radius}px;
        padding: {t.spacing}px {t.spacing * 2}px;
    }}
    QLabel[role="kiosk_green"] {{
        background: {t.success}; color: {t.primary_text}; font-size: {t.title_px}px;
        font-weight: bold; border-radius: {t.radius}px; padding: {t.spacing}px {t.spacing * 2}px;
    }}
    """ + kiosk_guide_rules(t)


def kiosk_guide_rules(t: Tokens) -> str:
    """The kiosk 办事指南: the typed letters, result rows, navigation buttons, guide sections."""
    heading_px = min(t.heading_px, BOLD_MAX_PX)
    return f"""
    QLabel[role="kiosk_query"] {{
        background: {t.surface}; color: {t.text}; font-size: {heading_px}px; font-weight: bold;
        border: 3px solid {t.primary}; border-radius: {t.radius}px;
        padding: {t.spacing // 2}px {t.spacing * 2}px; min-height: {t.min_target}px;
    }}
    QPushButton[role="kiosk_result"] {{
        text-align: left; font-size: {t.title_px}px; padding: {t.spacing}px {t.spacing * 2}px;
        min-height: {t.min_target + t.spacing * 2}px;
    }}
    QPushButton[role="kiosk_choice"] {{
        font-size: {t.title_px}px; padding: {t.spacing}px;
        min-height: {t.min_target + t.spacing * 2}px;
    }}
    QPushButton[role="guide_key"] {{
        font-size: {t.title_px}px; font-weight: bold; padding: 0px;
        min-height: {t.min_target * 2}px; min-width: {t.min_target + t.spacing * 2}px;
    }}
    QPushButton[role="guide_key"]:focus {{ border: 4px solid {t.focus}; }}
    QPushButton[role="kiosk_nav"] {{
        font-size: {t.title_px}px; font-weight: bold;
        min-height: {t.min_target * 2}px; min-width: {t.min_target * 3}px;
    }}
    QPushButton[role="kiosk_nav"]:checked {{ background: {t.primary}; color: {t.primary_text}; }}
    QLabel[role="guide_section"] {{
        color: {t.primary}; font-size: {t.title_px}px; font-weight: bold;
        padding-top: {t.spacing}px;
    }}
    QLabel[role="guide_text"] {{ font-size: {t.font_px + 2}px; }}
    QLabel[role="guide_where"] {{
        color: {t.accent}; font-size: {t.title_px}px; font-weight: bold;
    }}
    QScrollArea[role="guide_scroll"], QWidget[role="guide_body"] {{
        background: {t.surface}; border: 0;
    }}
    QScrollArea[role="guide_scroll"] {{ border: 3px solid {t.surface}; }}
    QWidget[role="guide_body"] QLabel {{ background: {t.surface}; }}
    QWidget#hallMap {{
        qproperty-surfaceColor: {t.surface}; qproperty-floorColor: {t.bg};
        qproperty-inkColor: {t.text}; qproperty-mutedColor: {t.muted};
        qproperty-lineColor: {t.border}; qproperty-markColor: {t.primary};
        qproperty-markTextColor: {t.primary_text}; qproperty-serveColor: {t.accent};
        qproperty-ringColor: {t.focus}; qproperty-labelPx: {t.min_label_px};
    }}
    QScrollArea[role="guide_scroll"]:focus {{ border-color: {t.focus}; }}
    """


def reception_rules(t: Tokens) -> str:
    """The console's own roles: queue choices, window actions, alerts and the 叫号屏 board.

    The board is read from across the hall: light text on the primary colour, the called
    number in the warning colour, sizes far above the console's (regular weight above
    :data:`BOLD_MAX_PX`, where the synthetic bold stops).
    """
    return f"""
    QPushButton[role="choice"] {{
        text-align: left; padding: {t.spacing // 2}px {t.spacing * 2}px;
        min-height: {t.min_target + t.spacing * 2}px;
    }}
    QPushButton[role="choice"]:checked {{
        background: {t.primary}; color: {t.primary_text}; font-weight: bold;
    }}
    QPushButton[role="action"] {{
        font-size: {t.title_px}px; font-weight: bold; min-height: {t.min_target + t.spacing * 2}px;
        min-width: {t.min_target * 4}px;
    }}
    QPushButton[role="action_primary"] {{
        background: {t.primary}; color: {t.primary_text}; font-size: {t.title_px}px;
        font-weight: bold; min-height: {t.min_target * 2}px; min-width: {t.min_target * 4}px;
    }}
    QFrame[role="alert"] {{
        background: {t.warning_bg}; border: 3px solid {t.danger}; border-radius: {t.radius}px;
    }}
    QFrame[role="alert"] QLabel {{
        color: {t.warning_text}; background: {t.warning_bg}; font-weight: bold;
    }}
    QFrame[role="alert"] QPushButton {{ background: {t.surface}; }}
    QLabel[role="big_number"] {{
        font-size: {t.huge_px}px; font-weight: bold; color: {t.primary};
    }}
    QFrame[role="board"] {{ background: {t.primary}; }}
    QFrame[role="board"] QLabel {{
        color: {t.primary_text}; background: {t.primary}; font-size: {t.title_px + 6}px;
    }}
    QFrame[role="board"] QLabel[role="board_title"] {{
        font-size: {t.title_px * 2}px;
    }}
    QFrame[role="board"] QLabel[role="board_call"] {{
        color: {t.warning_bg}; font-size: {t.huge_px * 2 + 48}px;
    }}
    QFrame[role="board"] QLabel[role="board_window"] {{
        color: {t.warning_bg}; font-size: {t.huge_px}px;
    }}
    QFrame[role="board"] QLabel[role="board_row"] {{ font-size: {t.title_px * 2 - 12}px; }}
    QFrame[role="board"] QLabel[role="board_queue"] {{ font-size: {t.title_px + 14}px; }}
    QFrame[role="board"] QLabel[role="board_heading"] {{
        font-size: {t.title_px + 6}px; font-weight: bold;
    }}
    QFrame[role="board_line"] {{ background: {t.primary_text}; max-height: 2px; }}
    """ + tour_rules(t)


def tour_rules(t: Tokens) -> str:
    """参观接待: tour blocks coloured by state (text ≥ 4.5:1 on each), the view toggles.

    Blocks are painted by their widget from the palette these rules set, so the
    accessibility check reads the real colours.
    """
    return f"""
    *[role="tour_block"] {{ background: {t.warning_bg}; color: {t.warning_text}; }}
    *[role="tour_block"][state="confirmed"] {{ background: {t.primary}; color: {t.primary_text}; }}
    *[role="tour_block"][state="arrived"] {{ background: {t.success}; color: {t.primary_text}; }}
    *[role="tour_block"][state="in_progress"] {{
        background: {t.accent}; color: {t.primary_text};
    }}
    *[role="tour_block"][state="completed"] {{ background: #dfe3e8; color: {t.text}; }}
    *[role="tour_block"][state="closed"] {{ background: {t.bg}; color: {t.muted}; }}
    QPushButton[role="tour_toggle"]:checked {{
        background: {t.primary}; color: {t.primary_text}; font-weight: bold;
    }}
    QAbstractSpinBox[role="tour_input"] {{ min-height: {t.min_target}px; }}
    QAbstractSpinBox[role="tour_input"]::up-button,
    QAbstractSpinBox[role="tour_input"]::down-button {{ width: 0px; border: 0px; }}
    QLabel[role="tour_docent"] {{ font-weight: bold; }}
    QLabel[role="tour_field"] {{ color: {t.muted}; }}
    QFrame[role="tour_panel"] {{
        background: {t.surface}; border: 1px solid {t.border}; border-radius: {t.radius}px;
    }}
    QWidget[role="tour_panel_body"] {{ background: {t.surface}; }}
    QFrame[role="tour_panel"] QLabel {{ background: {t.surface}; }}
    QFrame[role="tour_panel"] QLabel[role="tour_field"] {{ color: {t.muted}; }}
    """


def disabled_rules(t: Tokens) -> str:
    """Disabled buttons, last so they win over every role's colours (issue #12).

    A disabled button is faded — a light fill, grey text, a light outline — whatever its
    role, so a main button that cannot be pressed never looks darker or bolder than one that
    can. WCAG 1.4.3 and 1.4.11 exempt inactive controls from contrast; the text stays readable.
    """
    filled = ", ".join(
        f'QPushButton[role="{role}"]:disabled'
        for role in (
            "primary",
            "tile",
            "kiosk_tile",
            "kiosk_home",
            "kiosk_primary",
            "action_primary",
        )
    )
    return f"""
    QPushButton:disabled, {filled} {{
        background: {t.disabled_bg}; color: {t.disabled_text}; border: 2px solid {t.disabled};
    }}
    QPushButton[role="kiosk_tile"] QLabel:disabled {{
        color: {t.disabled_text}; background: transparent;
    }}
    """


def table_rules(t: Tokens) -> str:
    """Tables and loading (issue #19): air around every cell, a pale selection that keeps
    each cell's own colour readable, the tones of :class:`shared.qt.tables.DataTable`, and
    the skeleton, spinner and words of :class:`shared.qt.loading.LoadingPanel`."""
    return f"""
    QTableView {{
        selection-background-color: {t.selection_bg}; selection-color: {t.text};
    }}
    QTableView::item {{ padding: 0px {t.spacing * 2 // 3}px; }}
    QHeaderView::section {{ padding: 4px {t.spacing * 2 // 3}px; }}
    DataTable {{
        qproperty-urgentColor: {t.danger}; qproperty-urgentFill: {t.warning_bg};
        qproperty-warningColor: {t.warning_text}; qproperty-priorityColor: {t.success};
        qproperty-activeColor: {t.primary}; qproperty-mutedColor: {t.muted};
        qproperty-textColor: {t.text};
    }}
    QFrame[role="loading"] {{ background: transparent; qproperty-barColor: {t.skeleton}; }}
    QLabel[role="loading_text"] {{ color: {t.text}; font-size: {t.font_px}px; }}
    Spinner {{ background: transparent; qproperty-arcColor: {t.primary}; }}
    """


def tick_image(colour: str) -> str:
    """A tick in ``colour`` for a ticked check box, as a stylesheet ``url()`` path.

    Qt's stylesheets take an image file and SVG has no "current colour" there, so the
    Tabler tick is written once per colour into the cache folder, with its stroke in
    ``colour`` and a heavier line so it reads inside a small box.
    """
    target = cache_dir() / "theme" / f"check-{colour.lstrip('#').lower()}.svg"
    if not target.exists():
        drawing = resource_path(*TICK_ICON).read_text(encoding="utf-8")
        drawing = drawing.replace('stroke="currentColor"', f'stroke="{colour}"').replace(
            'stroke-width="2"', 'stroke-width="3"'
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(drawing, encoding="utf-8")
        partial.replace(target)  # another process may write the same file: never half a file
    return target.as_posix()


def apply_theme(app: QApplication, elder: bool = False, *, kiosk: bool = False) -> Tokens:
    """Apply the mode's stylesheet to the whole application; returns its tokens."""
    tokens = tokens_for(elder, kiosk)
    app.setStyleSheet(stylesheet(tokens))
    return tokens
