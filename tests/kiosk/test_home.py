"""The kiosk home screen (issue #2, items 8 and 11): what it shows and where its choices go."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import OUT_OF_SERVICE, KioskOptions
from kiosk.screens.home import CLOSED_PICTOGRAM, PICTOGRAMS, HomeScreen
from kiosk.window import HOME
from shared.changes import record_change
from shared.clock import business_date
from shared.db import create_session_factory
from shared.models import Queue, Site, Ticket
from shared.qt.a11y import check_accessibility
from shared.qt.theme import ELDER, KIOSK
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, FakeClock, Kiosk, KioskMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_home_shows_site_open_state_and_clock(
    make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    home = kiosk.controller.home
    assert kiosk.window.current_name == HOME
    assert home.site_label.text() == "华容区政务服务中心"
    assert home.state_label.text() == "营业中"
    assert home.hours_label.text() == "本时段 12:00 结束办理"
    assert home.waiting_label.text() == "当前等候 0 人"
    assert home.clock_label.text() == "11月26日 星期三  10:05:00"


def test_clock_ticks(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    options = KioskOptions(**{**FAST.__dict__, "clock_ms": 50})
    kiosk = make_kiosk(sqlite_factory, options)
    kiosk.clock.advance(seconds=1)
    qtbot.waitUntil(lambda: kiosk.controller.home.clock_label.text().endswith("10:05:01"))


@pytest.mark.parametrize(
    ("instant", "state", "hours"),
    [
        # Wednesday 18:00 in the hall: tomorrow morning.
        (datetime(2025, 11, 26, 10, 0, tzinfo=UTC), "已下班", "今日已下班，明天 08:30 开始办理"),
        # Wednesday 12:30: the afternoon session later today.
        (datetime(2025, 11, 26, 4, 30, tzinfo=UTC), "休息中", "今天 14:30 开始办理"),
        # Friday 18:00: Monday.
        (
            datetime(2025, 11, 28, 10, 0, tzinfo=UTC),
            "已下班",
            "今日已下班，12月1日 08:30 开始办理",
        ),
    ],
)
def test_home_shows_closed_hall_and_next_opening(
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    instant: datetime,
    state: str,
    hours: str,
) -> None:
    clock.now = instant
    home = make_kiosk(sqlite_factory).controller.home
    assert home.state_label.text() == state
    assert home.hours_label.text() == hours


def _issue_ticket_elsewhere(url: str, now: datetime) -> None:
    """What another terminal's allocator will do: a ticket row and its change, one commit."""
    other = create_session_factory(url)
    try:
        with other.begin() as session:
            site = session.scalar(select(Site).where(Site.code == "huarong"))
            assert site is not None
            queue = session.scalar(select(Queue).where(Queue.site_id == site.id).limit(1))
            assert queue is not None
            ticket = Ticket(
                id=uuid.uuid4(),
                site_id=site.id,
                queue_id=queue.id,
                business_date=business_date(now),
                sequence=1,
                number=f"{queue.prefix}001",
                state="issued",
                issued_at=now,
            )
            session.add(ticket)
            session.flush()
            record_change(session, "ticket", ticket.id, "created", site_id=site.id)
    finally:
        other.kw["bind"].dispose()


def test_waiting_count_follows_another_terminal_within_a_second(
    qtbot: QtBot, make_kiosk: KioskMaker, seeded_sqlite_url: str, clock: FakeClock
) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    # The feed, not the 30 s timer, must bring the change.
    options = KioskOptions(**{**FAST.__dict__, "feed_interval": 0.2})
    kiosk = make_kiosk(factory, options)
    home = kiosk.controller.home
    assert home.waiting_label.text() == "当前等候 0 人"
    _issue_ticket_elsewhere(seeded_sqlite_url, clock.now)
    qtbot.waitUntil(lambda: home.waiting_label.text() == "当前等候 1 人", timeout=1000)
    factory.kw["bind"].dispose()


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_home_passes_accessibility_in_both_modes(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    size: tuple[int, int],
) -> None:
    kiosk = make_kiosk(sqlite_factory, size=size)
    assert kiosk.controller.tokens is KIOSK
    assert check_accessibility(kiosk.window, KIOSK) == []
    assert _wrapped_captions(kiosk) == []
    qtbot.mouseClick(kiosk.controller.home.elder_switch, Qt.MouseButton.LeftButton)
    assert kiosk.controller.tokens is ELDER
    qtbot.wait(10)
    assert check_accessibility(kiosk.window, ELDER) == []
    assert _wrapped_captions(kiosk) == []


def _wrapped_captions(kiosk: Kiosk) -> list[str]:
    """Tile captions that do not fit on one line (a wrap leaves a character on its own)."""
    QApplication.sendPostedEvents()  # the new mode's layout first
    return [
        label.text()
        for tile in kiosk.controller.home.tiles.values()
        if (label := tile.caption_label).fontMetrics().horizontalAdvance(label.text())
        > label.contentsRect().width()
    ]


def test_elder_switch_enlarges_everything(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    home = kiosk.controller.home
    switch, tile = home.elder_switch, home.tiles["ticket"]
    before = (switch.height(), tile.title_label.font().pixelSize(), home.hours_label.font())
    assert switch.text() == "长辈模式：关"
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert switch.isChecked()
    assert switch.text() == "长辈模式：开"
    assert switch.height() > before[0]
    assert tile.title_label.font().pixelSize() > before[1]
    assert home.hours_label.font().pixelSize() >= 24  # body text ≥ 18 pt in elder mode
    assert home.hours_label.font().pixelSize() > before[2].pixelSize()
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert kiosk.controller.tokens is KIOSK
    assert tile.title_label.font().pixelSize() == before[1]


def test_every_visitor_screen_has_a_way_home(
    make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    ticket_screens = ["ticket", "ticket_confirm", "ticket_result", "ticket_message"]
    guide_screens = ["guide", "guide_browse", "guide_page"]
    rating_screens = ["rating", "rating_number", "rating_level", "rating_reasons"]
    for name in [*ticket_screens, *guide_screens, *rating_screens, "admin_pin"]:
        screen = kiosk.window.show_screen(name)
        button = screen.findChild(type(kiosk.controller.pin.home_button), "homeButton")
        assert button is not None and button.isVisibleTo(kiosk.window), name
        assert button.height() >= 2 * KIOSK.min_target
    assert kiosk.window.current_name != OUT_OF_SERVICE


# Issue #12, item 6: out of hours the 取号 tile says so before it is tapped; the 24-hour zone
# (guides, 优先服务, 评价) stays as it is.
OPEN_TITLES = {"ticket": "取号", "guide": "办事指南", "priority": "优先服务", "rating": "评价"}


def _assert_tickets_open(home: HomeScreen) -> None:
    for name, title in OPEN_TITLES.items():
        tile = home.tiles[name]
        assert not tile.closed, name
        assert tile.title_label.text() == tile.accessibleName() == title
        assert tile.pictogram.name == PICTOGRAMS[name]
    assert home.tiles["ticket"].caption_label.text() == "领取排队号票"
    assert home.hint_label.text() == "请点击您要办理的事项"


@pytest.mark.parametrize(
    ("instant", "caption"),
    [
        # Wednesday 18:00 in the hall: tomorrow morning.
        (datetime(2025, 11, 26, 10, 0, tzinfo=UTC), "明天 08:30 开始取号"),
        # Wednesday 12:30: the afternoon session later today.
        (datetime(2025, 11, 26, 4, 30, tzinfo=UTC), "今天 14:30 开始取号"),
        # Friday 18:00: Monday.
        (datetime(2025, 11, 28, 10, 0, tzinfo=UTC), "12月1日 08:30 开始取号"),
    ],
)
def test_closed_hall_shows_tickets_paused_on_the_tile_before_a_tap(
    qtbot: QtBot,
    make_kiosk: KioskMaker,
    sqlite_factory: sessionmaker[Session],
    clock: FakeClock,
    instant: datetime,
    caption: str,
) -> None:
    clock.now = instant
    kiosk = make_kiosk(sqlite_factory)
    home = kiosk.controller.home
    assert kiosk.window.current_name == HOME  # nothing tapped yet
    tile = home.tiles["ticket"]
    assert tile.closed
    assert tile.title_label.text() == tile.accessibleName() == "暂停取号"
    assert tile.caption_label.text() == tile.accessibleDescription() == caption
    assert tile.pictogram.name == CLOSED_PICTOGRAM
    assert tile.isEnabled()  # a tap explains (tests/kiosk/test_ticket_flow.py)
    # It looks unlike the tiles that work: another fill, its words and pictogram greyed.
    open_tile = home.tiles["guide"]
    assert tile.palette().color(QPalette.ColorRole.Button) != open_tile.palette().color(
        QPalette.ColorRole.Button
    )
    muted = QColor(kiosk.controller.tokens.muted)
    assert tile.title_label.palette().color(QPalette.ColorRole.WindowText) == muted
    assert tile.pictogram.color() == muted
    for name in ("guide", "priority", "rating"):
        assert not home.tiles[name].closed
        assert home.tiles[name].title_label.text() == OPEN_TITLES[name]
    assert home.hint_label.text() == "现在暂停取号；办事指南、优先服务和评价仍可使用"
    assert check_accessibility(kiosk.window, kiosk.controller.tokens) == []
    qtbot.mouseClick(home.elder_switch, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert tile.closed and tile.pictogram.color() == QColor(ELDER.muted)
    assert check_accessibility(kiosk.window, ELDER) == []


def test_ticket_tile_follows_the_hall_opening_and_closing(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session], clock: FakeClock
) -> None:
    kiosk = make_kiosk(sqlite_factory)
    home = kiosk.controller.home
    _assert_tickets_open(home)
    clock.now = datetime(2025, 11, 26, 9, 31, tzinfo=UTC)  # 17:31, after closing
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=10_000):
        kiosk.controller.refresh()
    assert home.tiles["ticket"].closed
    assert home.tiles["ticket"].caption_label.text() == "明天 08:30 开始取号"
    clock.now = datetime(2025, 11, 27, 0, 31, tzinfo=UTC)  # Thursday 08:31
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=10_000):
        kiosk.controller.refresh()
    _assert_tickets_open(home)
    assert check_accessibility(kiosk.window, kiosk.controller.tokens) == []
