"""Pictograms (issue #12, item 5): every home tile, each 优先服务 visitor and each life event
carries a kept, licensed SVG pictogram, drawn in the text colour beside it and larger in
长辈模式, and never instead of its Chinese words.

A real seeded SQLite file and the real kiosk; the pictograms are checked by their pixels.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens import guide_browse, home, priority_views
from kiosk.screens.guide import BROWSE
from kiosk.screens.priority import NAME as PRIORITY
from shared.paths import cache_dir, resources_dir
from shared.qt.a11y import Problem, check_accessibility
from shared.qt.icons import (
    Pictogram,
    button_pictogram,
    pictogram_path,
    render_pictogram,
    shipped_pictograms,
)
from shared.qt.table_cells import CONSOLE_PICTOGRAMS
from shared.qt.theme import ELDER, NORMAL, TICK_ICON, Tokens
from shared.services.catalog_guide import BundleHit
from shared.services.catalog_page import BUSINESS_EVENTS, PERSONAL_EVENTS, BrowseMenu
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
WAIT = 10_000
SVG = "{http://www.w3.org/2000/svg}svg"
VISITORS = ("elderly", "disabled", "pregnant")


def named_in_code() -> set[str]:
    """Every pictogram the kiosk's screens name."""
    return {
        *home.PICTOGRAMS.values(),
        home.CLOSED_PICTOGRAM,
        *priority_views.PICTOGRAMS.values(),
        *guide_browse.EVENT_PICTOGRAMS.values(),
        guide_browse.OTHER_EVENT_PICTOGRAM,
        guide_browse.BUNDLE_PICTOGRAM,
        # The console's tables, state warnings and the check box's tick (issue #19).
        *CONSOLE_PICTOGRAMS,
        Path(TICK_ICON[-1]).stem,
    }


def ink(pixmap: QPixmap) -> set[str]:
    """The colours of a drawing's fully covered pixels (antialiased edges left out)."""
    image = pixmap.toImage()
    found: set[str] = set()
    for y in range(image.height()):
        for x in range(image.width()):
            color = image.pixelColor(x, y)
            if color.alpha() == 255:
                found.add(color.name())
    return found


def assert_drawn_in(pixmap: QPixmap, color: QColor, size: int) -> None:
    assert not pixmap.isNull()
    assert pixmap.deviceIndependentSize().toSize().width() == size
    assert ink(pixmap) == {color.name()}


def text_color(widgets: Iterable[Pictogram]) -> None:
    """Each pictogram is drawn in the colour of the title beside it."""
    for pictogram in widgets:
        title = pictogram.parentWidget().title_label  # type: ignore[union-attr]
        color = title.palette().color(QPalette.ColorRole.WindowText)
        assert pictogram.color() == color
        assert_drawn_in(pictogram.pixmap(), color, pictogram.pictogram_size())


def problems_of(kiosk: Kiosk, tokens: Tokens, widgets: Iterable[QWidget]) -> list[Problem]:
    """Accessibility problems of ``widgets`` and what they hold. The focus ring's colour is
    the theme's, the same on every control: the screens' own tests judge it."""
    mine = list(widgets)
    return [
        problem
        for problem in check_accessibility(kiosk.window, tokens)
        if problem.kind != "focus_ring"
        and any(w is problem.widget or w.isAncestorOf(problem.widget) for w in mine)
    ]


def set_elder(qtbot: QtBot, kiosk: Kiosk, on: bool) -> None:
    kiosk.controller.set_elder(on)
    qtbot.waitUntil(lambda: kiosk.controller.tokens is (ELDER if on else NORMAL))
    qtbot.wait(10)


def test_every_named_pictogram_is_shipped_parses_and_is_licensed() -> None:
    names = named_in_code()
    for name in sorted(names):
        path = pictogram_path(name)
        root = ET.parse(path).getroot()
        assert root.tag == SVG, name
        assert root.get("viewBox") == "0 0 24 24", name
        assert QSvgRenderer(str(path)).isValid(), name
    # Nothing shipped that no screen uses, and every file says where it came from.
    assert set(shipped_pictograms()) == names
    icons = resources_dir() / "icons"
    sources = (icons / "SOURCES.md").read_text(encoding="utf-8")
    assert "https://github.com/tabler/tabler-icons" in sources
    assert re.search(r"Tabler Icons \d+\.\d+", sources)
    for name in names:
        assert f"`{name}.svg`" in sources, name
    licence = (icons / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Paweł Kuna" in licence


def test_every_life_event_has_a_pictogram_of_its_own() -> None:
    events = guide_browse.EVENT_PICTOGRAMS
    assert set(PERSONAL_EVENTS) | set(BUSINESS_EVENTS) == set(events)
    assert len(set(events.values())) == len(events)
    assert guide_browse.OTHER_EVENT_PICTOGRAM not in events.values()


def test_a_pictogram_is_drawn_sharp_in_one_colour(qtbot: QtBot) -> None:
    pixmap = render_pictogram("ticket", 64, "#0b4f9c")
    assert_drawn_in(pixmap, QColor("#0b4f9c"), 64)
    # On a high-density screen the drawing has the real pixels, not a blown-up copy.
    sharp = render_pictogram("ticket", 64, "#0b4f9c", ratio=2.0)
    assert sharp.width() == 128 and sharp.deviceIndependentSize().toSize().width() == 64
    assert ink(sharp) == {"#0b4f9c"}
    assert render_pictogram("no-such-pictogram", 64, "#000000").isNull()


def test_a_drawing_is_kept_and_read_back_the_same(qtbot: QtBot) -> None:
    """A kiosk starts every morning: the drawing is kept in the cache folder and read back,
    pixel for pixel, without the SVG renderer; a damaged kept file is drawn afresh."""
    kept_dir = cache_dir() / "icons"
    for old in kept_dir.glob("book-*"):
        old.unlink()
    first = render_pictogram("book", 48, "#ffffff").toImage()
    (kept,) = kept_dir.glob("book-*-48-ffffffff.png")
    assert list(kept_dir.glob("*.tmp")) == []
    again = render_pictogram("book", 48, "#ffffff").toImage()
    assert again.convertToFormat(first.format()) == first
    kept.write_bytes(b"not a png")
    redrawn = render_pictogram("book", 48, "#ffffff").toImage()
    assert redrawn.convertToFormat(first.format()) == first
    assert QImage(str(kept)).width() == 48  # kept again, whole


def test_home_tiles_carry_pictograms_in_their_text_colour_larger_for_elders(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    tiles = kiosk.controller.home.tiles
    assert {name: tile.pictogram.name for name, tile in tiles.items()} == home.PICTOGRAMS
    for tile in tiles.values():
        assert tile.title_label.text() and tile.pictogram.isVisible()
        # Above the words, never instead of them.
        assert tile.pictogram.geometry().bottom() < tile.title_label.geometry().top()
    text_color(tile.pictogram for tile in tiles.values())
    normal = {name: tile.pictogram.pictogram_size() for name, tile in tiles.items()}
    for size in normal.values():
        assert 56 <= size <= 80  # big: about 64 px beside the kiosk's 24 px text

    set_elder(qtbot, kiosk, True)
    text_color(tile.pictogram for tile in tiles.values())
    for name, tile in tiles.items():
        assert tile.pictogram.pictogram_size() >= normal[name] * 1.25
        assert tile.pictogram.pixmap().deviceIndependentSize().width() > normal[name]
    assert problems_of(kiosk, ELDER, tiles.values()) == []


def test_priority_visitors_carry_pictograms(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    flow = kiosk.controller.priority_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["priority"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == PRIORITY
    tiles = flow.who.tiles
    assert [tiles[key].pictogram.name for key in VISITORS] == [
        "old",
        "disabled",
        "baby-carriage-filled",
    ]
    text_color(tile.pictogram for tile in tiles.values())
    normal = {key: tile.pictogram.pictogram_size() for key, tile in tiles.items()}
    set_elder(qtbot, kiosk, True)
    text_color(tile.pictogram for tile in tiles.values())
    for key, tile in tiles.items():
        assert tile.pictogram.pictogram_size() >= normal[key] * 1.25, key
    assert problems_of(kiosk, ELDER, tiles.values()) == []


def _button_drawn(button: QPushButton, name: str) -> int:
    keeper = button_pictogram(button)
    assert keeper is not None and keeper.name == name, button.objectName()
    size = button.iconSize().width()
    color = button.palette().color(QPalette.ColorRole.ButtonText)
    assert_drawn_in(button.icon().pixmap(button.iconSize()), color, size)
    assert button.text().startswith(button.accessibleName().split("，")[0])
    return size


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_life_events_carry_pictograms(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    size: tuple[int, int],
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=size)
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT) as loaded:
        flow.browse("event")
    assert kiosk.window.current_name == BROWSE
    menu: BrowseMenu = loaded.args[0]
    browse = flow.browse_screen
    events = [event for event, _count in (*menu.personal, *menu.business)]
    assert {"出生", "上学", "婚育", "社保"} <= set(events)
    normal = {
        event: _button_drawn(browse.choices[event], guide_browse.EVENT_PICTOGRAMS[event])
        for event in events
    }
    for drawn in normal.values():
        assert 44 <= drawn <= 72
    assert problems_of(kiosk, NORMAL, browse.choices.values()) == []

    set_elder(qtbot, kiosk, True)
    for event in events:
        drawn = _button_drawn(browse.choices[event], guide_browse.EVENT_PICTOGRAMS[event])
        assert drawn >= normal[event] * 1.25
    assert problems_of(kiosk, ELDER, browse.choices.values()) == []

    # A hall's own life event and a 一件事 bundle get the general pictograms.
    browse.set_menu(
        dataclasses.replace(
            menu,
            personal=(*menu.personal, ("退役安置", 3)),
            bundles=(BundleHit("yjs-01", "新生儿出生一件事", 5, "A"),),
        )
    )
    qtbot.wait(10)
    _button_drawn(browse.choices["退役安置"], guide_browse.OTHER_EVENT_PICTOGRAM)
    _button_drawn(browse.choices["bundle:yjs-01"], guide_browse.BUNDLE_PICTOGRAM)
    assert problems_of(kiosk, ELDER, browse.choices.values()) == []
