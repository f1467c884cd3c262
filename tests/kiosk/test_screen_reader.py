"""What a screen reader and the voice guidance get from the kiosk (issue #12, items 2 and 3).

Driven with real clicks: each screen's heading takes focus on entry (a screen reader says
where the visitor is, not the bottom button), the ticket number takes focus with the queue,
the people ahead and the windows to go to; the idle warning takes focus and gives it back;
focus is never lost. Voice guidance speaks the same sentences in 长辈模式 or after 语音, queued
and never cut off, at the hall's volume, and not at all when the hall turned it off. The
AT-SPI walk (``test_atspi_walk.py``) checks the same from outside, as Orca sees it.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.controller import KioskOptions
from kiosk.screens.guide import NAME as GUIDE
from kiosk.screens.guide import PAGE as GUIDE_PAGE
from kiosk.screens.guide import WAY as GUIDE_WAY
from kiosk.screens.ticket import CONFIRM, NAME, RESULT, WAY
from kiosk.window import HOME
from shared.models import ServiceMatter
from shared.qt.a11y import check_accessibility
from shared.qt.announcer import Announcer
from shared.qt.theme import KIOSK
from shared.services.settings import change_setting
from tests.kiosk.conftest import FAST, OFFSCREEN_NOISE, Kiosk, KioskMaker
from tests.support.speech import QuickEngine
from tests.support.windows import open_windows

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

OPTIONS = KioskOptions(**{**FAST.__dict__, "idle_ms": 60_000})
WAIT = 10_000


def focused(kiosk: Kiosk) -> QWidget | None:
    """The window's focus widget (the window need not be the active one offscreen)."""
    widget = kiosk.window.focusWidget()
    return widget if widget is not None and widget.isVisible() else None


def shoot(kiosk: Kiosk, name: str) -> None:
    """Save the window when HALL_SHOTS names a folder (to look at)."""
    folder = os.environ.get("HALL_SHOTS")
    if folder:
        QApplication.sendPostedEvents()  # pending layouts first, as a real paint has them
        kiosk.window.grab().save(os.path.join(folder, f"{name}.png"))


def heading_text(kiosk: Kiosk) -> str:
    widget = focused(kiosk)
    assert isinstance(widget, QLabel), widget
    return widget.text()


def speaking_kiosk(make_kiosk: KioskMaker, factory: sessionmaker[Session]) -> Kiosk:
    """A kiosk whose voice guidance speaks through a quick fake engine."""
    kiosk = make_kiosk(factory, OPTIONS)
    kiosk.window.guidance.set_announcer(Announcer(QuickEngine()))
    return kiosk


def engine(kiosk: Kiosk) -> QuickEngine:
    found = kiosk.window.guidance.announcer.engine
    assert isinstance(found, QuickEngine)
    return found


def test_each_ticket_screen_focuses_its_heading_and_the_result_its_number(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    open_windows(sqlite_factory, range(1, 9), now=kiosk.clock.now)
    assert kiosk.window.current_name == HOME
    assert heading_text(kiosk) == "华容区政务服务中心"
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == NAME
    assert heading_text(kiosk) == "取号：请选择您要办理的业务"
    qtbot.mouseClick(flow.queues.buttons["A"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == CONFIRM
    assert heading_text(kiosk) == "请确认您要取的号"
    with qtbot.waitSignal(flow.print_finished, timeout=WAIT):
        qtbot.mouseClick(flow.confirm_screen.confirm_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == RESULT
    # Not 完成，返回首页: the number, with everything a visitor needs to hear.
    number = flow.result.number_label
    assert focused(kiosk) is number
    assert number.accessibleName() == (
        "您的号码 A001，综合受理，前面还有 0 人，叫号后请到3至8号窗口（一楼综合受理区）办理"
    )
    assert flow.result.where_label.text() == "叫号后请到3至8号窗口（一楼综合受理区）办理"
    qtbot.mouseClick(flow.result.home_button, Qt.MouseButton.LeftButton)
    assert heading_text(kiosk) == "华容区政务服务中心"


def test_the_idle_warning_takes_focus_and_gives_it_back(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    # Long enough to look at the screen first; the countdown long enough to answer it.
    kiosk = make_kiosk(
        sqlite_factory, KioskOptions(**{**FAST.__dict__, "idle_ms": 5000, "warning_seconds": 30})
    )
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    heading = focused(kiosk)
    assert isinstance(heading, QLabel)
    banner = kiosk.window.idle_banner
    qtbot.waitUntil(banner.isVisible, timeout=WAIT)
    assert focused(kiosk) is banner.button
    assert banner.button.accessibleDescription().endswith("秒后返回首页，如需继续请点此")
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert focused(kiosk) is heading  # back where the visitor was, never lost


def test_keypad_letters_and_result_counts_are_announced(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = speaking_kiosk(make_kiosk, sqlite_factory)
    kiosk.controller.set_elder(True)  # 长辈模式 speaks by default
    flow = kiosk.controller.guide_flow
    with qtbot.waitSignal(flow.index_ready, timeout=WAIT, raising=False):
        pass
    qtbot.mouseClick(kiosk.controller.home.tiles["guide"], Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == GUIDE
    keys = flow.search_screen.keypad.keys
    for letter in "SFZ":
        with qtbot.waitSignal(flow.results_shown, timeout=WAIT):
            qtbot.mouseClick(keys[letter], Qt.MouseButton.LeftButton)
    count = len(flow.search_screen.results.hits)
    assert count > 0
    qtbot.waitUntil(lambda: f"已输入 S F Z，找到 {count} 个事项" in engine(kiosk).said)
    assert "办事指南：按拼音首字母查找事项" in engine(kiosk).said
    assert engine(kiosk).cut_off == []


def test_voice_speaks_in_elder_mode_or_on_request_at_the_halls_volume(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    with sqlite_factory.begin() as session:
        change_setting(session, "kiosk_voice_volume", "40", actor="test")
    kiosk = speaking_kiosk(make_kiosk, sqlite_factory)
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=WAIT):
        kiosk.controller.refresh()
    home = kiosk.controller.home
    assert engine(kiosk).volume == pytest.approx(0.4)
    # Normal mode, nobody asked: silent.
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(home.tiles["ticket"], Qt.MouseButton.LeftButton)
    assert engine(kiosk).said == []
    qtbot.mouseClick(flow.queues.home_button, Qt.MouseButton.LeftButton)
    # 语音 on the home screen, for this visit: each screen's heading, then the result.
    assert home.voice_switch.text() == "语音：关"
    qtbot.mouseClick(home.voice_switch, Qt.MouseButton.LeftButton)
    assert home.voice_switch.text() == "语音：开"
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(home.tiles["ticket"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(flow.queues.buttons["A"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: engine(kiosk).said == ["取号：请选择您要办理的业务", "请确认您要取的号"]
    )
    with qtbot.waitSignal(flow.print_finished, timeout=WAIT):
        qtbot.mouseClick(flow.confirm_screen.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(engine(kiosk).said) == 3)
    assert engine(kiosk).said[2].startswith("您的号码 A001，综合受理，前面还有 0 人")
    assert engine(kiosk).cut_off == []
    # In 长辈模式 it is on by default, and the switch says so.
    kiosk.controller.on_idle_timed_out()
    assert home.voice_switch.text() == "语音：关"
    qtbot.mouseClick(home.elder_switch, Qt.MouseButton.LeftButton)
    assert home.voice_switch.text() == "语音：开"


def test_the_hall_can_turn_voice_off(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    with sqlite_factory.begin() as session:
        change_setting(session, "kiosk_voice", "否", actor="test")
    kiosk = speaking_kiosk(make_kiosk, sqlite_factory)
    with qtbot.waitSignal(kiosk.controller.status_refreshed, timeout=WAIT):
        kiosk.controller.refresh()
    kiosk.controller.set_elder(True)
    assert not kiosk.window.guidance.voice_on
    assert not kiosk.controller.home.voice_switch.isVisible()  # nothing to turn on
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    assert engine(kiosk).said == []
    assert kiosk.window.guidance.announcer.history == []


def test_without_a_speech_engine_the_kiosk_is_silent_not_broken(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS)  # the default: no engine
    kiosk.controller.set_elder(True)
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    guidance = kiosk.window.guidance
    assert guidance.announcer.silent
    assert guidance.announcer.history == ["取号：请选择您要办理的业务"]  # recorded, not spoken


def test_where_to_go_on_the_hall_map_after_a_ticket(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    kiosk = make_kiosk(sqlite_factory, OPTIONS, size=(1080, 1920))
    flow = kiosk.controller.ticket_flow
    with qtbot.waitSignal(flow.menu_loaded, timeout=WAIT):
        qtbot.mouseClick(kiosk.controller.home.tiles["ticket"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(flow.queues.buttons["D"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(flow.print_finished, timeout=WAIT):
        qtbot.mouseClick(flow.confirm_screen.confirm_button, Qt.MouseButton.LeftButton)
    result = flow.result
    assert result.where_label.text() == "叫号后请到19至22号窗口（一楼公安户政区）办理"
    qtbot.mouseClick(result.way_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == WAY
    way = flow.way
    assert heading_text(kiosk) == "请到19至22号窗口（一楼公安户政区）"
    assert way.number_label.text() == "您的号码 D001，叫号后前往"
    assert way.map.highlighted() == [19, 20, 21, 22]
    assert check_accessibility(kiosk.window, KIOSK) == []
    shoot(kiosk, "ticket_way_portrait")
    qtbot.mouseClick(way.back_button, Qt.MouseButton.LeftButton)
    assert kiosk.window.current_name == RESULT
    assert focused(kiosk) is result.number_label


def test_where_to_go_on_the_hall_map_after_a_guide(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    from tests.kiosk.test_guide_flow import Visitor as GuideVisitor

    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = GuideVisitor(qtbot, kiosk)
    visitor.open_guides()
    visitor.type("sfz")
    visitor.open_result("居民身份证换领")
    page = visitor.flow.page_screen
    assert page.way_button.isVisible()
    shoot(kiosk, "guide_page_landscape")
    visitor.touch(page.way_button)
    assert kiosk.window.current_name == GUIDE_WAY
    way = visitor.flow.way_screen
    assert heading_text(kiosk) == "请到19至22号窗口（一楼公安户政区）"
    assert way.number_label.text() == "办理「居民身份证换领」"
    assert way.map.highlighted() == [19, 20, 21, 22]
    assert way.back_button.text() == "返回办事指南"
    assert check_accessibility(kiosk.window, KIOSK) == []
    shoot(kiosk, "guide_way_landscape")
    visitor.touch(way.back_button)
    assert kiosk.window.current_name == GUIDE_PAGE
    assert page.name_label.text() == "居民身份证换领"


def test_a_guide_no_window_serves_offers_no_map(
    qtbot: QtBot, make_kiosk: KioskMaker, sqlite_factory: sessionmaker[Session]
) -> None:
    """No window serves the matter: the guide says to ask at the desk, and no map is offered
    (a map with nothing lit would send the visitor nowhere)."""
    from tests.kiosk.test_guide_flow import Visitor as GuideVisitor

    with sqlite_factory.begin() as session:
        matter = session.scalars(
            select(ServiceMatter).where(ServiceMatter.name == "居民身份证换领")
        ).one()
        matter.queue_prefix = "Z"  # a queue this hall does not have
    kiosk = make_kiosk(sqlite_factory, OPTIONS)
    visitor = GuideVisitor(qtbot, kiosk)
    visitor.open_guides()
    visitor.type("sfz")
    visitor.open_result("居民身份证换领")
    page = visitor.flow.page_screen
    assert page.where_label.text() == "请到咨询引导台询问"
    assert not page.way_button.isVisible()
